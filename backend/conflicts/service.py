"""Conflict review: list, read and resolve field by field into a new version phones pull."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlmodel import Session

from backend.auth.dependencies import Caller
from backend.auth.models import User
from backend.config import Settings
from backend.conflicts.schemas import ConflictOut, ConflictPage, ResolveAnswer, ResolveRequest
from backend.errors import Conflict, NotFound, Unprocessable
from backend.messages import InvalidData
from backend.paging import Paging
from backend.records import idnumber, registry
from backend.records.models import RecordConflict
from backend.records.registry import UNMASKED_ROLES
from backend.records.store import CONFLICTS, Author, RecordState, RowWriter, load_rows
from backend.sync import sequence
from backend.timeutil import as_utc, utcnow


def _out(session: Session, row: Any, caller: Caller, settings: Settings) -> ConflictOut:
    out = ConflictOut.model_validate(dict(row))
    # Names, so a phone can say who wrote the other value (users are of the same county).
    sides = [out.stored, out.incoming, *(f.get("stored_by") or {} for f in out.fields.values())]
    for side in sides:
        user = session.get(User, side.get("user_id")) if side.get("user_id") else None
        if user is not None:
            side["display_name"] = user.display_name
    if out.resolved_by is not None:
        reviewer = session.get(User, out.resolved_by)
        out.resolved_by_name = reviewer.display_name if reviewer else None
    rt = registry.REGISTRY.get(out.type)
    if rt and caller.role not in UNMASKED_ROLES:
        for f in rt.masked & set(out.fields):
            entry = out.fields[f]
            for side in ("base", "stored", "incoming"):
                entry[side] = idnumber.mask(entry.get(side))
            chosen = (out.resolution or {}).get("fields", {}).get(f)
            if chosen is not None:
                chosen["value"] = idnumber.mask(chosen.get("value"))
    skew = out.incoming.get("clock_skew_s")
    out.clock_skew_flag = skew is not None and abs(skew) > settings.clock_skew_flag_seconds
    return out


def _utc(value: datetime) -> datetime:
    try:
        return as_utc(value)
    except OverflowError:  # an offset at the calendar's ends: as far as it goes
        return (datetime.min if value.year == 1 else datetime.max).replace(tzinfo=UTC)


def list_conflicts(
    session: Session,
    settings: Settings,
    caller: Caller,
    *,
    status: str | None,
    village_code: str | None,
    type_: str | None,
    page: Paging,
    resolved_after: datetime | None = None,
) -> ConflictPage:
    """Conflicts in the caller's scope, newest first; or those resolved after a time, in the
    order they were resolved (a phone asks for what was resolved since it last looked)."""
    conds = [caller.scope.where_any(CONFLICTS.c.village_code)]
    order = [CONFLICTS.c.created_at.desc()]
    if resolved_after is not None:
        # Resolutions take the change-sequence lock before reading the clock, so they commit
        # in resolved_at order: a phone keeping the last time it saw misses none.
        conds.append(CONFLICTS.c.resolved_at > _utc(resolved_after))
        order = [CONFLICTS.c.resolved_at.asc(), CONFLICTS.c.id.asc()]
    if status:
        conds.append(CONFLICTS.c.status == status)
    if village_code:
        conds.append(CONFLICTS.c.village_code == village_code)
    if type_:
        conds.append(CONFLICTS.c.type == type_)
    rows, total = page.fetch(session.connection(), select(CONFLICTS).where(*conds).order_by(*order))
    return ConflictPage(items=[_out(session, r, caller, settings) for r in rows], total=total)


def _get(session: Session, caller: Caller, conflict_id: str) -> Any:
    row = (
        session.connection()
        .execute(select(CONFLICTS).where(CONFLICTS.c.id == conflict_id))
        .mappings()
        .first()
    )
    if row is None or not caller.scope.holds(row["village_code"]):
        raise NotFound()
    return row


def get_conflict(
    session: Session, settings: Settings, caller: Caller, conflict_id: str
) -> ConflictOut:
    """One conflict: the base value, both values, who and when."""
    return _out(session, _get(session, caller, conflict_id), caller, settings)


def resolve(
    session: Session, settings: Settings, caller: Caller, conflict_id: str, req: ResolveRequest
) -> ResolveAnswer:
    """Pick per field (stored, incoming or a new value): the record gets a new version."""
    last_seq = sequence.lock(session)  # a record writer like any push
    row = _get(session, caller, conflict_id)
    if row["status"] != "open":
        raise Conflict("该冲突已处理", code="already_resolved")
    missing = set(row["fields"]) - set(req.fields)
    extra = set(req.fields) - set(row["fields"])
    if missing or extra:
        raise Unprocessable(
            f"请为冲突的每个字段选择取值：缺少 {sorted(missing)}，多余 {sorted(extra)}"
        )
    rt = registry.REGISTRY[row["type"]]
    current = load_rows(session, rt, [row["record_id"]]).get(row["record_id"])
    if current is None:
        raise NotFound()
    st = RecordState(rt, row["record_id"], current, True)
    if current["deleted"]:
        raise Conflict(f"该{rt.label}已被删除", code="deleted")
    chosen: dict[str, Any] = {}
    for f, pick in req.fields.items():
        entry = row["fields"][f]
        chosen[f] = pick.value if pick.choice == "value" else entry[pick.choice]
    # Through the row writer, like a push: validated and normalised by the declaration, in
    # Chinese, with device-reported times corrected again.
    try:
        final = rt.canonical({**st.data, **chosen})
    except InvalidData as exc:
        raise Unprocessable("取值无效 — " + exc.message) from exc
    now = utcnow()
    changed = [f for f in rt.fields if final[f] != current[f]]
    others_open = (
        session.connection()
        .execute(
            select(func.count())
            .select_from(CONFLICTS)
            .where(
                CONFLICTS.c.record_id == row["record_id"],
                CONFLICTS.c.status == "open",
                CONFLICTS.c.id != conflict_id,
            )
        )
        .scalar_one()
    )
    writer = RowWriter(Author(caller.user_id, caller.device.device_id, now))
    writer.change(st, final, changed, kind="resolve", has_conflict=bool(others_open))
    writer.write(session, sequence.take(session, last_seq, 1))
    assert st.row is not None
    resolution = {
        "fields": {f: {"choice": p.choice, "value": chosen[f]} for f, p in req.fields.items()},
        "version": st.row["version"],
    }
    session.connection().execute(
        update(CONFLICTS)
        .where(CONFLICTS.c.id == conflict_id)
        .values(
            status="resolved", resolved_at=now, resolved_by=caller.user_id, resolution=resolution
        )
    )
    fresh = _get(session, caller, conflict_id)
    return ResolveAnswer(conflict=_out(session, fresh, caller, settings), version=st.row["version"])


__all__ = ["RecordConflict", "get_conflict", "list_conflicts", "resolve"]
