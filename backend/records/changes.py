"""A record's audit trail as a person reads it: each version with the fields it changed, the
value before and the value after. The store keeps the record's whole latest version (its
row) and, for each version, the values it replaced: every version is rebuilt from the row
backwards (``store.rebuild``), and "before" is the previous version's value."""

from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlmodel import Session

from backend.auth.dependencies import Caller
from backend.errors import Forbidden, NotFound
from backend.records import idnumber
from backend.records.registry import REGISTRY, UNMASKED_ROLES
from backend.records.store import HISTORY, changed_fields, rebuild
from backend.timeutil import as_utc


class FieldChange(BaseModel):
    field: str
    old: Any
    new: Any


class VersionChanges(BaseModel):
    version: int
    op: str
    at: str | None
    user_id: int | None
    device_id: str | None
    changes: list[FieldChange]


def record_changes(
    session: Session, caller: Caller, type_name: str, record_id: str
) -> list[VersionChanges]:
    """Every version of one record in the caller's scope, oldest first, with old → new."""
    rt = REGISTRY.get(type_name)
    if rt is None:
        raise NotFound()
    if caller.role not in rt.readers:
        raise Forbidden("您的角色无权查看此类记录")
    conn = session.connection()
    row = conn.execute(select(rt.table).where(rt.table.c.id == record_id)).mappings().first()
    if row is None or not caller.scope.holds(row["village_code"]):
        raise NotFound()
    masked = rt.masked if caller.role not in UNMASKED_ROLES else frozenset()

    def shown(field: str, value: Any) -> Any:
        return idnumber.mask(value) if field in masked else value

    entries = list(
        conn.execute(
            select(HISTORY)
            .where(HISTORY.c.type == type_name, HISTORY.c.record_id == record_id)
            .order_by(HISTORY.c.version)
        ).mappings()
    )
    data = rebuild({f: row[f] for f in rt.fields}, row["version"], entries)
    out: list[VersionChanges] = []
    for h in entries:
        before, after = data.get(h["version"] - 1, {}), data[h["version"]]
        fields = [f for f in changed_fields(rt, h) if f in rt.fields]
        out.append(
            VersionChanges(
                version=h["version"],
                op=h["op"],
                at=as_utc(h["at"]).isoformat() if h["at"] else None,
                user_id=h["user_id"],
                device_id=h["device_id"],
                changes=[
                    FieldChange(field=f, old=shown(f, before.get(f)), new=shown(f, after.get(f)))
                    for f in fields
                ],
            )
        )
    return out
