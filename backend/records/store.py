"""Reading and writing records in bulk with SQLAlchemy Core.

The sync engine loads a batch's current rows with one query per type and writes them back
with executemany: never an ORM round trip per op (see PERF.md: a ``session.get`` per row is
25× below what SQLite can do).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlmodel import Session

from backend.records.models import RecordConflict, RecordHistory, SyncOp
from backend.records.registry import RecordType
from backend.sync.merge import Version
from backend.timeutil import as_utc

HISTORY = RecordHistory.__table__  # type: ignore[attr-defined]
CONFLICTS = RecordConflict.__table__  # type: ignore[attr-defined]
SYNC_OPS = SyncOp.__table__  # type: ignore[attr-defined]


@dataclass
class RecordState:
    """A record as the batch sees it: its row (None while it does not exist) and history."""

    rt: RecordType
    id: str
    row: dict[str, Any] | None
    in_db: bool
    history: dict[int, Version] = field(default_factory=dict)
    touched_order: int | None = None

    @property
    def data(self) -> dict[str, Any]:
        assert self.row is not None
        return {f: self.row[f] for f in self.rt.fields}


def load_rows(session: Session, rt: RecordType, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    ids = list(ids)
    if not ids:
        return {}
    t = rt.table
    rows = session.connection().execute(select(t).where(t.c.id.in_(ids))).mappings().all()
    return {r["id"]: dict(r) for r in rows}


def _version(h: Any) -> Version:
    return Version(
        version=h["version"],
        data=h["data"],
        changed=list(h["changed"]),
        user_id=h["user_id"],
        device_id=h["device_id"],
        observed_at=as_utc(h["recorded_at_corrected"] or h["at"]),
    )


def load_history(
    session: Session, type_name: str, min_versions: dict[str, int]
) -> dict[str, dict[int, Version]]:
    """Versions ≥ the given one of each record (a merge needs its base and what followed)."""
    out: dict[str, dict[int, Version]] = {rid: {} for rid in min_versions}
    if not min_versions:
        return out
    lowest = min(min_versions.values())
    rows = (
        session.connection()
        .execute(
            select(HISTORY).where(
                HISTORY.c.type == type_name,
                HISTORY.c.record_id.in_(list(min_versions)),
                HISTORY.c.version >= lowest,
            )
        )
        .mappings()
    )
    for h in rows:
        if h["version"] >= min_versions[h["record_id"]]:
            out[h["record_id"]][h["version"]] = _version(h)
    return out


def history_row(
    state: RecordState,
    *,
    op: str,
    changed: list[str],
    user_id: int,
    device_id: str,
    at: datetime,
    op_id: str | None = None,
    recorded_at: str | None = None,
    observed_at: datetime | None = None,
    clock_skew_s: int | None = None,
) -> dict[str, Any]:
    """The history entry of ``state``'s current row, and the same as a merge ``Version``."""
    assert state.row is not None
    data = state.data
    row = {
        "type": state.rt.name,
        "record_id": state.id,
        "version": state.row["version"],
        "data": data,
        "deleted": state.row["deleted"],
        "changed": changed,
        "village_code": state.row["village_code"],
        "op": op,
        "op_id": op_id,
        "user_id": user_id,
        "device_id": device_id,
        "recorded_at": recorded_at,
        "recorded_at_corrected": observed_at,
        "clock_skew_s": clock_skew_s,
        "at": at,
    }
    state.history[row["version"]] = Version(
        version=row["version"],
        data=data,
        changed=changed,
        user_id=user_id,
        device_id=device_id,
        observed_at=observed_at or at,
    )
    return row


def write_states(session: Session, states: Iterable[RecordState], first_seq: int) -> None:
    """Insert new rows and update changed ones, numbering them from ``first_seq`` in order."""
    ordered = sorted(
        (s for s in states if s.touched_order is not None), key=lambda s: s.touched_order or 0
    )
    by_type: dict[str, tuple[RecordType, list[dict[str, Any]], list[dict[str, Any]]]] = {}
    for n, s in enumerate(ordered):
        assert s.row is not None
        s.row["seq"] = first_seq + n
        _rt, inserts, updates = by_type.setdefault(s.rt.name, (s.rt, [], []))
        if s.in_db:
            updates.append({**{k: v for k, v in s.row.items() if k != "id"}, "b_id": s.id})
        else:
            inserts.append(dict(s.row))
            s.in_db = True
        s.touched_order = None
    conn = session.connection()
    for rt, inserts, updates in by_type.values():
        t = rt.table
        if inserts:
            conn.execute(t.insert(), inserts)
        if updates:
            # SET is built from the keys of the rows: every column but the id.
            conn.execute(t.update().where(t.c.id == bindparam("b_id")), updates)


def insert_rows(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.connection().execute(table.insert(), rows)
