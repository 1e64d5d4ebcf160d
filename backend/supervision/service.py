"""Spot-check rounds: draw one for the caller's scope, list them, read one with evidence.

Scope: a round covers townships. A supervisor draws only within townships they see
(another township answers 404, exactly as one that does not exist), and reads a round only
when they see every township it covers — a township supervisor does not see county-wide
rounds, whose cadres are mostly outside their scope.
"""

import re
import secrets
import uuid
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlmodel import Session

from backend.auth.dependencies import Caller
from backend.auth.models import Role
from backend.errors import Conflict, NotFound, Unprocessable
from backend.geo.scope import Scope
from backend.paging import Paging
from backend.supervision import draw as drawing
from backend.supervision.evidence import evidence
from backend.supervision.models import SpotCheckRound
from backend.supervision.schemas import (
    DrawnCadre,
    Named,
    RoundAudit,
    RoundCheck,
    RoundDetail,
    RoundPage,
    RoundRequest,
    RoundSummary,
)
from backend.tables import (
    SPOT_CHECK as SC,
    SPOT_CHECK_ROUND as R,
    TOWNSHIP as TWP,
    USER as U,
    USER_VILLAGE as UV,
    VILLAGE as VIL,
)
from backend.timeutil import as_utc


def tel_uri(phone: str | None) -> str | None:
    """``tel:`` URI of a stored number (digits and a leading +), None when there is none."""
    digits = re.sub(r"[^0-9+]", "", phone or "")
    digits = digits[:1] + digits[1:].replace("+", "")
    return f"tel:{digits}" if len(digits.lstrip("+")) >= 5 else None


# ── the pool ────────────────────────────────────────────────────────────────────────────


def candidate_pool(
    session: Session, scope: Scope, townships: list[str], rule: drawing.Rule, now: datetime
) -> list[drawing.Candidate]:
    """Active resident cadres with a village in ``townships``, weighted by recent checks.

    A cadre with villages in several of these townships belongs to the one holding most of
    them (the lowest code on a tie), so nobody is in the pool twice."""
    conn = session.connection()
    villages: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for uid, village, town in conn.execute(
        select(U.c.id, UV.c.village_code, VIL.c.township_code)
        .join(UV, UV.c.user_id == U.c.id)
        .join(VIL, VIL.c.code == UV.c.village_code)
        .where(
            U.c.role == Role.cadre,
            U.c.is_active,
            U.c.county_code == scope.county_code,
            VIL.c.township_code.in_(townships),
        )
        .order_by(U.c.id, UV.c.village_code)
    ):
        villages[uid].append((village, town))
    if not villages:
        return []
    since = now - timedelta(days=rule.recent_days)
    check_time = func.coalesce(SC.c.checked_at_corrected, SC.c.created_at)
    recent: dict[Any, Any] = dict(
        conn.execute(
            select(SC.c.cadre_id, func.count())
            .where(SC.c.cadre_id.in_(sorted(villages)), ~SC.c.deleted, check_time >= since)
            .group_by(SC.c.cadre_id)
        ).all()
    )
    pool = []
    for uid, vs in villages.items():
        counts = Counter(t for _, t in vs)
        home = min(counts, key=lambda t: (-counts[t], t))
        n = int(recent.get(uid, 0))
        pool.append(
            drawing.Candidate(
                cadre_id=uid,
                township_code=home,
                village_codes=tuple(v for v, _ in vs),
                recent_checks=n,
                weight=rule.weight(n),
            )
        )
    return pool


# ── drawing a round ─────────────────────────────────────────────────────────────────────


def create_round(
    session: Session,
    caller: Caller,
    body: RoundRequest,
    *,
    now: datetime,
    skew_flag_s: int,
    round_since: datetime,
) -> RoundDetail:
    """Draw a round for the caller's scope (or one township in it) and store it."""
    scope = caller.scope
    if body.id is not None:
        existing = session.get(SpotCheckRound, str(body.id))
        if existing is not None:
            # A round the caller may not read answers as reading it does: as if none existed.
            if not visible(scope, existing.county_code, existing.township_codes):
                raise NotFound()
            if existing.drawn_by != caller.user_id:
                raise Conflict("该抽查轮次编号已被使用", code="round_id_taken")
            return _detail(session, scope, existing, now, skew_flag_s, round_since)
    if body.township_code is not None:
        if not scope.allows_township(body.township_code):
            raise NotFound()
        townships, county_wide = [body.township_code], False
    else:
        townships, county_wide = sorted(scope.township_codes), scope.county_wide
    rule = drawing.Rule(per_township=body.per_township)
    pool = candidate_pool(session, scope, townships, rule, now)
    if not pool:
        raise Unprocessable("范围内没有可抽查的驻村干部", code="no_cadres")
    seed = body.seed if body.seed is not None else secrets.randbits(48)
    chosen = drawing.draw(pool, seed, rule, county_wide=county_wide)
    row = SpotCheckRound(
        id=str(body.id or uuid.uuid4()),
        county_code=scope.county_code,
        township_code=body.township_code,
        township_codes=townships,
        county_wide=county_wide,
        seed=seed,
        drawn_at=now,
        drawn_by=caller.user_id,
        cadres=[
            {
                "cadre_id": c.cadre_id,
                "township_code": c.township_code,
                # The village the call is recorded under: their first in the home township.
                "village_code": _home_village(session, c),
                "village_codes": list(c.village_codes),
            }
            for c in chosen
        ],
        inputs={
            "rule": rule.as_dict(),
            "as_of": now.isoformat(),
            "townships": townships,
            "pool": [c.as_dict() for c in sorted(pool, key=lambda c: c.cadre_id)],
        },
    )
    session.add(row)
    session.flush()
    return _detail(session, scope, row, now, skew_flag_s, round_since)


def _home_village(session: Session, c: drawing.Candidate) -> str:
    towns: dict[Any, Any] = dict(
        session.connection()
        .execute(select(VIL.c.code, VIL.c.township_code).where(VIL.c.code.in_(c.village_codes)))
        .all()
    )
    return next((v for v in c.village_codes if towns.get(v) == c.township_code), c.village_codes[0])


# ── reading rounds ──────────────────────────────────────────────────────────────────────


def visible(scope: Scope, county_code: str, township_codes: list[str]) -> bool:
    """A round is seen by whoever sees every township it covers."""
    if county_code != scope.county_code:
        return False
    return scope.county_wide or set(township_codes) <= scope.township_codes


def _checked(session: Session, scope: Scope, round_ids: list[str]) -> dict[str, int]:
    if not round_ids:
        return {}
    return {
        rid: int(n)
        for rid, n in session.connection().execute(
            select(SC.c.round_id, func.count(func.distinct(SC.c.cadre_id)))
            .where(SC.c.round_id.in_(round_ids), ~SC.c.deleted, scope.where(SC.c.village_code))
            .group_by(SC.c.round_id)
        )
    }


def _names(session: Session, user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return dict(
        session.connection()
        .execute(select(U.c.id, U.c.display_name).where(U.c.id.in_(sorted(user_ids))))
        .all()
    )


def _summary(r: Any, names: dict[int, str], checked: dict[str, int]) -> dict[str, Any]:
    return {
        "id": r["id"],
        "county_code": r["county_code"],
        "township_code": r["township_code"],
        "township_codes": list(r["township_codes"]),
        "county_wide": r["county_wide"],
        "seed": r["seed"],
        "drawn_at": as_utc(r["drawn_at"]),
        "drawn_by": r["drawn_by"],
        "drawn_by_name": names.get(r["drawn_by"], ""),
        "size": len(r["cadres"]),
        "checked": checked.get(r["id"], 0),
    }


def list_rounds(session: Session, caller: Caller, page: Paging) -> RoundPage:
    """The rounds the caller may see, newest first."""
    scope = caller.scope
    stmt = select(
        R.c.id,
        R.c.county_code,
        R.c.township_code,
        R.c.township_codes,
        R.c.county_wide,
        R.c.seed,
        R.c.drawn_at,
        R.c.drawn_by,
        R.c.cadres,
    ).where(R.c.county_code == scope.county_code)
    if not scope.county_wide:
        stmt = stmt.where(
            or_(R.c.township_code.in_(sorted(scope.township_codes)), R.c.township_code.is_(None))
        )
    rows = [
        r
        for r in session.connection().execute(stmt.order_by(R.c.drawn_at.desc(), R.c.id)).mappings()
        if visible(scope, r["county_code"], r["township_codes"])
    ]
    shown = page.slice(rows)
    names = _names(session, {r["drawn_by"] for r in shown})
    checked = _checked(session, scope, [r["id"] for r in shown])
    return RoundPage(
        items=[RoundSummary(**_summary(r, names, checked)) for r in shown],
        total=len(rows),
        offset=page.offset,
        limit=page.limit,
    )


def _load(session: Session, scope: Scope, round_id: str) -> SpotCheckRound:
    row = session.get(SpotCheckRound, round_id)
    if row is None or not visible(scope, row.county_code, row.township_codes):
        raise NotFound()
    return row


def get_round(
    session: Session,
    caller: Caller,
    round_id: str,
    *,
    now: datetime,
    skew_flag_s: int,
    round_since: datetime,
) -> RoundDetail:
    """One round: each drawn cadre with phone, villages, this round's checks and evidence."""
    row = _load(session, caller.scope, round_id)
    return _detail(session, caller.scope, row, now, skew_flag_s, round_since)


def audit_round(session: Session, caller: Caller, round_id: str) -> RoundAudit:
    """Everything the draw read, and whether replaying it draws the same cadres."""
    row = _load(session, caller.scope, round_id)
    drawn = [int(c["cadre_id"]) for c in row.cadres]
    again = drawing.replay(row.inputs, row.seed, county_wide=row.county_wide)
    return RoundAudit(
        id=row.id,
        seed=row.seed,
        county_wide=row.county_wide,
        drawn_at=as_utc(row.drawn_at),
        drawn_by=row.drawn_by,
        inputs=row.inputs,
        drawn=drawn,
        replayed=again,
        matches=again == drawn,
    )


def _detail(
    session: Session,
    scope: Scope,
    row: SpotCheckRound,
    now: datetime,
    skew_flag_s: int,
    round_since: datetime,
) -> RoundDetail:
    conn = session.connection()
    ids = [int(c["cadre_id"]) for c in row.cadres]
    users = {
        r["id"]: r
        for r in conn.execute(
            select(U.c.id, U.c.display_name, U.c.phone, U.c.is_active).where(U.c.id.in_(ids))
        ).mappings()
    }
    codes = {c["township_code"] for c in row.cadres}
    villages = {v for c in row.cadres for v in c["village_codes"]}
    town_names: dict[Any, Any] = dict(
        conn.execute(select(TWP.c.code, TWP.c.name).where(TWP.c.code.in_(sorted(codes)))).all()
    )
    village_names: dict[Any, Any] = dict(
        conn.execute(select(VIL.c.code, VIL.c.name).where(VIL.c.code.in_(sorted(villages)))).all()
    )
    checks: dict[int, list[RoundCheck]] = defaultdict(list)
    for c in conn.execute(
        select(SC)
        .where(SC.c.round_id == row.id, ~SC.c.deleted, scope.where(SC.c.village_code))
        .order_by(SC.c.checked_at_corrected, SC.c.id)
    ).mappings():
        checks[c["cadre_id"]].append(
            RoundCheck(
                id=c["id"],
                version=c["version"],
                village_code=c["village_code"],
                checked_at=c["checked_at"],
                checked_at_corrected=as_utc(c["checked_at_corrected"])
                if c["checked_at_corrected"]
                else None,
                reached=c["reached"],
                on_post=c["on_post"],
                back_on_post=c["back_on_post"],
                studied_documents=c["studied_documents"],
                talks_held=c["talks_held"],
                recent_work=c["recent_work"],
                remark=c["remark"],
                checked_by=c["created_by"],
            )
        )
    ev = evidence(session, scope, ids, now=now, round_since=round_since, skew_flag_s=skew_flag_s)
    weights = {int(p["cadre_id"]): p for p in row.inputs.get("pool", [])}
    cadres = []
    for c in row.cadres:
        uid = int(c["cadre_id"])
        user = users.get(uid)
        phone = user["phone"] if user else ""
        cadres.append(
            DrawnCadre(
                cadre_id=uid,
                name=user["display_name"] if user else "",
                phone=phone,
                tel=tel_uri(phone),
                active=bool(user and user["is_active"]),
                township=Named(
                    code=c["township_code"], name=town_names.get(c["township_code"], "")
                ),
                village_code=c["village_code"],
                villages=[Named(code=v, name=village_names.get(v, v)) for v in c["village_codes"]],
                weight=float(weights.get(uid, {}).get("weight", 1.0)),
                recent_checks=int(weights.get(uid, {}).get("recent_checks", 0)),
                checks=checks.get(uid, []),
                attempts=sum(not c.reached for c in checks.get(uid, [])),
                outcome=next((c for c in reversed(checks.get(uid, [])) if c.reached), None),
                evidence=ev[uid],
            )
        )
    names = _names(session, {row.drawn_by})
    summary = _summary(row.model_dump(), names, {row.id: sum(1 for c in cadres if c.checks)})
    again = drawing.replay(row.inputs, row.seed, county_wide=row.county_wide)
    return RoundDetail(
        **summary,
        rule=dict(row.inputs.get("rule", {})),
        pool_size=len(row.inputs.get("pool", [])),
        replayed=again == ids,
        cadres=cadres,
    )
