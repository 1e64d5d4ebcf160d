"""Supervisors' reports over the record store, each limited to the caller's scope.

- **Visit coverage (遍访)**: the share of households (live ones) with at least one visit
  whose corrected time falls in the window — by default the visit round of
  ``backend.supervision.evidence`` (the last 90 days), or from ``since``. Per village and
  township: visits by anyone; per cadre: the households of the cadre's villages that the
  cadre visited themself.
- **Spot-check results per township over time**: each cadre's outcome per round (not each
  call) by calendar month (Beijing time) of the round's last call, corrected, counted by the
  township of its village.
- **The recall list**: cadres with at least ``min_absences`` spot-check rounds in the window
  where they were not reached or said they were not on post, with the evidence beside them.
- **Open conflicts per village**.
"""

from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlmodel import Session

from backend.auth.dependencies import Caller
from backend.auth.models import Role
from backend.errors import NotFound
from backend.reports.schemas import (
    CadreCoverage,
    CheckCounts,
    ConflictReport,
    Coverage,
    CoverageReport,
    PeriodCounts,
    RecallCadre,
    RecallReport,
    SpotCheckReport,
    TownshipChecks,
    TownshipCoverage,
    VillageConflicts,
    VillageCoverage,
)
from backend.supervision.evidence import evidence, round_start
from backend.supervision.outcomes import Call, by_round
from backend.supervision.schemas import Named
from backend.supervision.service import tel_uri
from backend.tables import (
    CONFLICT as CF,
    HOUSEHOLD as H,
    SPOT_CHECK as SC,
    TOWNSHIP as TWP,
    USER as U,
    USER_VILLAGE as UV,
    VILLAGE as VIL,
    VISIT as V,
)
from backend.timeutil import BEIJING, as_utc

SPOT_CHECK_MONTHS = 6
RECALL_DAYS = 365


def _share(visited: int, households: int) -> float | None:
    return round(visited / households, 4) if households else None


class Geography:
    """The villages (with their townships) a report covers: the caller's scope, or one
    township of it (404 outside it)."""

    def __init__(self, session: Session, caller: Caller, township_code: str | None) -> None:
        if township_code is not None and not caller.scope.allows_township(township_code):
            raise NotFound()
        stmt = (
            select(VIL.c.code, VIL.c.name, TWP.c.code, TWP.c.name)
            .join(TWP, TWP.c.code == VIL.c.township_code)
            .where(caller.scope.where(VIL.c.code))
            .order_by(VIL.c.code)
        )
        if township_code is not None:
            stmt = stmt.where(VIL.c.township_code == township_code)
        self.villages: dict[str, tuple[str, str, str]] = {}  # code → (name, town, town name)
        self.townships: dict[str, str] = {}
        for code, name, town, town_name in session.connection().execute(stmt):
            self.villages[code] = (name, town, town_name)
            self.townships[town] = town_name
        self.codes = sorted(self.villages)

    def where(self, column: Any) -> Any:
        return column.in_(self.codes)


def month_start(d: datetime) -> datetime:
    local = d.astimezone(BEIJING)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def months_back(now: datetime, n: int) -> datetime:
    """00:00 Beijing time on the first day of the month ``n - 1`` months before now's."""
    m = month_start(now)
    year, month = m.year, m.month - (n - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return m.replace(year=year, month=month).astimezone(UTC)


def month_keys(since: datetime, until: datetime) -> list[str]:
    keys: list[str] = []
    m = month_start(since)
    end = month_start(until)
    while m <= end:
        keys.append(f"{m.year:04d}-{m.month:02d}")
        m = m.replace(year=m.year + (m.month == 12), month=m.month % 12 + 1)
    return keys


# ── coverage ────────────────────────────────────────────────────────────────────────────


def coverage(
    session: Session,
    caller: Caller,
    *,
    since: date | None,
    township_code: str | None,
    now: datetime,
) -> CoverageReport:
    """遍访 coverage per village, township and cadre over the window."""
    geo = Geography(session, caller, township_code)
    start = round_start(since, now)
    conn = session.connection()
    in_window = and_(
        ~V.c.deleted, V.c.occurred_at_corrected >= start, V.c.occurred_at_corrected <= now
    )
    visited = select(V.c.id).where(V.c.household_id == H.c.id, in_window).exists()
    per_village: dict[str, tuple[int, int]] = {}
    if geo.codes:
        for code, n, seen in conn.execute(
            select(H.c.village_code, func.count(), func.sum(case((visited, 1), else_=0)))
            .where(geo.where(H.c.village_code), ~H.c.deleted)
            .group_by(H.c.village_code)
        ):
            per_village[code] = (int(n), int(seen or 0))

    villages = []
    towns: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for code in geo.codes:
        name, town, town_name = geo.villages[code]
        n, seen = per_village.get(code, (0, 0))
        villages.append(
            VillageCoverage(
                code=code,
                name=name,
                township_code=town,
                township_name=town_name,
                households=n,
                visited=seen,
                share=_share(seen, n),
            )
        )
        towns[town][0] += n
        towns[town][1] += seen
        towns[town][2] += 1
    townships = [
        TownshipCoverage(
            code=t,
            name=geo.townships[t],
            villages=v,
            households=n,
            visited=seen,
            share=_share(seen, n),
        )
        for t, (n, seen, v) in sorted(towns.items())
    ]

    cadre_villages: dict[int, list[str]] = defaultdict(list)
    names: dict[int, str] = {}
    if geo.codes:
        for uid, name, village in conn.execute(
            select(U.c.id, U.c.display_name, UV.c.village_code)
            .join(UV, UV.c.user_id == U.c.id)
            .where(U.c.role == Role.cadre, U.c.is_active, geo.where(UV.c.village_code))
            .order_by(U.c.id, UV.c.village_code)
        ):
            cadre_villages[uid].append(village)
            names[uid] = name
    own: dict[int, tuple[int, int]] = {}
    if cadre_villages:
        for uid, households, visits in conn.execute(
            select(
                V.c.created_by,
                func.count(func.distinct(V.c.household_id)),
                func.count(),
            )
            .join(UV, and_(UV.c.user_id == V.c.created_by, UV.c.village_code == V.c.village_code))
            .where(
                in_window, V.c.created_by.in_(sorted(cadre_villages)), geo.where(V.c.village_code)
            )
            .group_by(V.c.created_by)
        ):
            own[uid] = (int(households), int(visits))
    cadres = []
    for uid in sorted(cadre_villages, key=lambda u: (names[u], u)):
        n = sum(per_village.get(v, (0, 0))[0] for v in cadre_villages[uid])
        seen, visits = own.get(uid, (0, 0))
        cadres.append(
            CadreCoverage(
                cadre_id=uid,
                name=names[uid],
                villages=cadre_villages[uid],
                households=n,
                visited=seen,
                share=_share(seen, n),
                visits=visits,
            )
        )
    total_n = sum(v.households for v in villages)
    total_seen = sum(v.visited for v in villages)
    return CoverageReport(
        since=start,
        until=now,
        total=Coverage(households=total_n, visited=total_seen, share=_share(total_seen, total_n)),
        townships=townships,
        villages=villages,
        cadres=cadres,
    )


# ── spot checks over time ───────────────────────────────────────────────────────────────


def _count(c: CheckCounts, reached: bool, on_post: bool | None) -> None:
    c.checks += 1
    c.reached += int(reached)
    c.on_post += int(reached and on_post is True)
    c.absent += int(not reached or on_post is False)


def spot_checks(
    session: Session,
    caller: Caller,
    *,
    since: date | None,
    township_code: str | None,
    now: datetime,
) -> SpotCheckReport:
    """Spot-check outcomes per township and month (reached, on post, absent)."""
    geo = Geography(session, caller, township_code)
    start = round_start(since, now) if since else months_back(now, SPOT_CHECK_MONTHS)
    periods = month_keys(start, now)
    at = func.coalesce(SC.c.checked_at_corrected, SC.c.created_at)
    cells: dict[str, dict[str, PeriodCounts]] = {
        t: {p: PeriodCounts(period=p) for p in periods} for t in geo.townships
    }
    totals = {t: CheckCounts() for t in geo.townships}
    grand = CheckCounts()
    calls: dict[int, list[Call]] = defaultdict(list)
    village_of: dict[str, str] = {}
    if geo.codes:
        for cadre, village, when, reached, on_post, check_id, round_id in (
            session.connection().execute(
                select(SC.c.cadre_id, SC.c.village_code, at, SC.c.reached, SC.c.on_post,
                       SC.c.id, SC.c.round_id)
                .where(geo.where(SC.c.village_code), ~SC.c.deleted, at >= start, at <= now)
            )
        ):  # fmt: skip
            calls[cadre].append(Call(check_id, round_id, as_utc(when), reached, on_post))
            village_of[check_id] = village
    # A round's outcome per cadre, not each call (a call not got through is an attempt),
    # counted in the month and township of the round's last call.
    for cadre_calls in calls.values():
        for r in by_round(cadre_calls):
            town = geo.villages[village_of[r.last.check_id]][1]
            m = month_start(r.last_at)
            key = f"{m.year:04d}-{m.month:02d}"
            on_post = r.outcome.on_post if r.outcome else None
            if key in cells[town]:
                _count(cells[town][key], r.reached, on_post)
            _count(totals[town], r.reached, on_post)
            _count(grand, r.reached, on_post)
    return SpotCheckReport(
        since=start,
        until=now,
        periods=periods,
        townships=[
            TownshipChecks(
                code=t, name=geo.townships[t], periods=list(cells[t].values()), total=totals[t]
            )
            for t in sorted(geo.townships)
        ],
        total=grand,
    )


# ── the recall list ─────────────────────────────────────────────────────────────────────


def recall(
    session: Session,
    caller: Caller,
    *,
    since: date | None,
    min_absences: int,
    township_code: str | None,
    now: datetime,
    skew_flag_s: int,
) -> RecallReport:
    """Cadres not reached or not on post in at least ``min_absences`` checks, with evidence."""
    geo = Geography(session, caller, township_code)
    start = round_start(since, now, RECALL_DAYS)
    at = func.coalesce(SC.c.checked_at_corrected, SC.c.created_at)
    stats: dict[int, dict[str, Any]] = {}
    calls: dict[int, list[Call]] = defaultdict(list)
    if geo.codes:
        for cadre, village, when, reached, on_post, check_id, round_id in (
            session.connection().execute(
                select(SC.c.cadre_id, SC.c.village_code, at, SC.c.reached, SC.c.on_post,
                       SC.c.id, SC.c.round_id)
                .where(geo.where(SC.c.village_code), ~SC.c.deleted, at >= start, at <= now)
                .order_by(at)
            )
        ):  # fmt: skip
            calls[cadre].append(Call(check_id, round_id, as_utc(when), reached, on_post))
            stats[cadre] = {"village": village}
    # Rounds, not calls: a call not got through and then one that did is one round.
    for cadre, s in stats.items():
        rounds = by_round(calls[cadre])
        absent = [r for r in rounds if r.absent]
        s["checks"], s["absences"] = len(rounds), len(absent)
        s["not_reached"] = sum(not r.reached for r in rounds)
        s["not_on_post"] = sum(r.not_on_post for r in rounds)
        s["last_check_at"] = max(r.last_at for r in rounds)
        s["last_absent_at"] = max((r.last_at for r in absent), default=None)
    ids = sorted(uid for uid, s in stats.items() if s["absences"] >= min_absences)
    conn = session.connection()
    users = {
        r["id"]: r
        for r in conn.execute(
            select(U.c.id, U.c.display_name, U.c.phone, U.c.is_active).where(U.c.id.in_(ids))
        ).mappings()
    }
    villages_of: dict[int, list[str]] = defaultdict(list)
    for uid, village in conn.execute(
        select(UV.c.user_id, UV.c.village_code)
        .where(UV.c.user_id.in_(ids), caller.scope.where(UV.c.village_code))
        .order_by(UV.c.village_code)
    ):
        villages_of[uid].append(village)
    names: dict[str, str] = {}
    all_villages = {v for vs in villages_of.values() for v in vs} | {
        stats[u]["village"] for u in ids
    }
    town_of: dict[str, tuple[str, str]] = {}
    for code, name, town, town_name in conn.execute(
        select(VIL.c.code, VIL.c.name, TWP.c.code, TWP.c.name)
        .join(TWP, TWP.c.code == VIL.c.township_code)
        .where(VIL.c.code.in_(sorted(all_villages)))
    ):
        names[code] = name
        town_of[code] = (town, town_name)
    ev = evidence(
        session,
        caller.scope,
        ids,
        now=now,
        round_since=round_start(None, now),
        skew_flag_s=skew_flag_s,
    )
    cadres = []
    for uid in ids:
        s = stats[uid]
        user = users.get(uid)
        phone = user["phone"] if user else ""
        town = town_of.get(s["village"])
        cadres.append(
            RecallCadre(
                cadre_id=uid,
                name=user["display_name"] if user else "",
                phone=phone,
                tel=tel_uri(phone),
                active=bool(user and user["is_active"]),
                township=Named(code=town[0], name=town[1]) if town else None,
                villages=[Named(code=v, name=names.get(v, v)) for v in villages_of.get(uid, [])],
                checks=s["checks"],
                absences=s["absences"],
                not_reached=s["not_reached"],
                not_on_post=s["not_on_post"],
                last_absent_at=s["last_absent_at"],
                last_check_at=s["last_check_at"],
                evidence=ev[uid],
            )
        )
    cadres.sort(key=lambda c: (-c.absences, c.name, c.cadre_id))
    return RecallReport(since=start, until=now, min_absences=min_absences, cadres=cadres)


# ── open conflicts ──────────────────────────────────────────────────────────────────────


def conflicts(session: Session, caller: Caller, *, township_code: str | None) -> ConflictReport:
    """Open conflicts per village (and record type), most first."""
    geo = Geography(session, caller, township_code)
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    if geo.codes:
        for village, type_, n in session.connection().execute(
            select(CF.c.village_code, CF.c.type, func.count())
            .where(geo.where(CF.c.village_code), CF.c.status == "open")
            .group_by(CF.c.village_code, CF.c.type)
        ):
            counts[village][type_] = int(n)
    villages = [
        VillageConflicts(
            code=code,
            name=geo.villages[code][0],
            township_code=geo.villages[code][1],
            township_name=geo.villages[code][2],
            open=sum(by_type.values()),
            by_type=dict(sorted(by_type.items())),
        )
        for code, by_type in counts.items()
    ]
    villages.sort(key=lambda v: (-v.open, v.code))
    return ConflictReport(total=sum(v.open for v in villages), villages=villages)
