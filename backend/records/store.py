"""Reading records in bulk, and the one writer of record rows, history and versions.

``RowWriter`` is the only code that makes a record row or a history entry: a push, a
conflict resolution and the demo loader all go through it, so each validates and normalises
with the type's declaration, numbers versions the same way, answers in Chinese and corrects
device-reported times by the phone's clock skew.

Reads and writes are SQLAlchemy Core, a batch's current rows in one query per type and
written back with executemany: never an ORM round trip per op (PERF.md: a ``session.get``
per row is 25× below what SQLite can do).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, select
from sqlmodel import Session

from backend.records.bulk import insert_rows, one_of, update_rows
from backend.records.merge import Version
from backend.records.models import RecordConflict, RecordHistory, SyncOp
from backend.records.registry import RecordType
from backend.timeutil import as_utc

HISTORY: Table = RecordHistory.__table__  # type: ignore[attr-defined]
CONFLICTS: Table = RecordConflict.__table__  # type: ignore[attr-defined]
SYNC_OPS: Table = SyncOp.__table__  # type: ignore[attr-defined]


# What every new version of a stored row may change besides its fields (``_bump``, delete,
# a conflict's flag, the change sequence).
BOOKKEEPING = (
    "version",
    "deleted",
    "seq",
    "has_conflict",
    "updated_at",
    "updated_by",
    "updated_device",
)


@dataclass
class RecordState:
    """A record as a unit of work sees it: its row (None while it does not exist) and history."""

    rt: RecordType
    id: str
    row: dict[str, Any] | None
    in_db: bool
    history: dict[int, Version] = field(default_factory=dict)
    touched_order: int | None = None
    # Columns of a stored row whose value changed since it was read: an UPDATE sets only
    # these and the bookkeeping. SQLite rewrites an index entry whenever the SET names one
    # of its columns, changed or not: household edits rewrote their group_code index pages.
    dirty: set[str] = field(default_factory=set)

    @property
    def data(self) -> dict[str, Any]:
        assert self.row is not None
        return {f: self.row[f] for f in self.rt.fields}


def load_rows(session: Session, rt: RecordType, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    ids = list(ids)
    if not ids:
        return {}
    t = rt.table
    rows = session.connection().execute(select(t).where(one_of(t.c.id, ids))).mappings().all()
    return {r["id"]: dict(r) for r in rows}


def changed_fields(rt: RecordType, h: Any) -> list[str]:
    """The fields a history entry asserted. A create sets every field of its type and is
    stored with ``changed`` empty (listing them all cost ~150 bytes a record): its fields are
    the type's."""
    return list(rt.fields) if h["op"] == "create" else list(h["changed"])


def rebuild(
    latest: Mapping[str, Any], version: int, entries: Iterable[Any]
) -> dict[int, dict[str, Any]]:
    """Whole data of versions of one record, rebuilt backwards from its latest version (the
    record's row, which is always the whole latest version): data(v-1) is data(v) with the
    values version v replaced put back. ``entries`` are history entries of the versions
    k..``version`` in any order; the answer holds the data of each. Raises ValueError if
    they are not consecutive up to ``version`` (a gap would rebuild a wrong version)."""
    out: dict[int, dict[str, Any]] = {}
    data = dict(latest)
    expected = version
    for h in sorted(entries, key=lambda h: h["version"], reverse=True):
        if h["version"] != expected:
            raise ValueError(
                f"history of {h['record_id']}: v{h['version']} where v{expected} is due"
            )
        out[expected] = data
        data = {**data, **h["replaced"]}
        expected -= 1
    return out


def load_history(
    session: Session,
    rt: RecordType,
    min_versions: dict[str, int],
    rows: Mapping[str, Mapping[str, Any]],
) -> dict[str, dict[int, Version]]:
    """Versions ≥ the given one of each record (a merge needs its base and what followed),
    each with its whole data, rebuilt from the record's current row (``rows`` by id)."""
    out: dict[str, dict[int, Version]] = {rid: {} for rid in min_versions}
    if not min_versions:
        return out
    lowest = min(min_versions.values())
    entries: dict[str, list[Any]] = {rid: [] for rid in min_versions}
    for h in (
        session.connection()
        .execute(
            select(HISTORY).where(
                HISTORY.c.type == rt.name,
                one_of(HISTORY.c.record_id, min_versions),
                HISTORY.c.version >= lowest,
            )
        )
        .mappings()
    ):
        if h["version"] >= min_versions[h["record_id"]]:
            entries[h["record_id"]].append(h)
    for rid, mine in entries.items():
        row = rows[rid]
        data = rebuild({f: row[f] for f in rt.fields}, row["version"], mine)
        for h in mine:
            out[rid][h["version"]] = Version(
                version=h["version"],
                data=data[h["version"]],
                changed=changed_fields(rt, h),
                user_id=h["user_id"],
                device_id=h["device_id"],
                observed_at=as_utc(h["recorded_at_corrected"] or h["at"]),
            )
    return out


@dataclass(frozen=True)
class Author:
    """Who writes, from which device, at what server time, and the phone's clock skew
    (seconds ahead of the server; None for a write made on the server, e.g. a review)."""

    user_id: int
    device_id: str
    now: datetime
    skew: int | None = None


@dataclass(frozen=True)
class Observed:
    """When an op says its change was made: as the phone reported it, and corrected."""

    reported: str | None = None
    at: datetime | None = None


class RowWriter:
    """Builds record rows and history entries for one unit of work, then writes them."""

    def __init__(self, author: Author, *, versions: bool = True) -> None:
        self.author = author
        # A unit of work that merges keeps each new version for the ops after it; a bulk
        # load of creates has nothing to merge and skips the cost.
        self.versions = versions
        self.history_rows: list[dict[str, Any]] = []
        self._touched: list[RecordState] = []
        self._order = 0  # rows are numbered in the order they were last touched

    def corrected(self, reported: datetime, skew: int | None = None) -> datetime:
        """A phone-clock time on the server's clock. The skew is whole seconds, so a time
        made just before the push can land up to a second after the batch's arrival: that
        is pulled back to the arrival. A time further ahead (a visit dated days ahead on a
        right clock) is kept, so reports can tell it is not a visit yet."""
        skew = self.author.skew if skew is None else skew
        corrected = as_utc(reported) - timedelta(seconds=skew or 0)
        now = self.author.now
        return now if now < corrected <= now + timedelta(seconds=2) else corrected

    def _derived(self, rt: RecordType, data: dict[str, Any], skew: int | None) -> dict[str, Any]:
        """Device-reported times corrected by the reporting phone's clock skew."""
        out: dict[str, Any] = {}
        for f in rt.device_times:
            value = data.get(f)
            out[f"{f}_corrected"] = (
                self.corrected(datetime.fromisoformat(value), skew) if value else None
            )
        if rt.device_times:
            out["clock_skew_s"] = skew
        return out

    def create(
        self,
        st: RecordState,
        data: dict[str, Any],
        village: str,
        *,
        op_id: str | None = None,
        observed: Observed = Observed(),
        seq: int = 0,
    ) -> None:
        """Version 1 of a record from canonical ``data`` (``rt.canonical``)."""
        a = self.author
        st.row = {
            **data,
            "id": st.id,
            "version": 1,
            "deleted": False,
            "village_code": village,
            "has_conflict": False,
            "created_at": a.now,
            "created_by": a.user_id,
            "created_device": a.device_id,
            "updated_at": a.now,
            "updated_by": a.user_id,
            "updated_device": a.device_id,
            "seq": seq,
            **self._derived(st.rt, data, a.skew if a.skew is not None else 0),
        }
        self._record(st, "create", list(data), {}, op_id, observed)

    def change(
        self,
        st: RecordState,
        final: dict[str, Any],
        changed: list[str],
        *,
        kind: str = "update",
        op_id: str | None = None,
        observed: Observed = Observed(),
        has_conflict: bool | None = None,
    ) -> None:
        """The next version with canonical ``final`` data; ``changed`` the fields it asserts."""
        assert st.row is not None
        before = st.data
        self._bump(st)
        st.row.update(final)
        differ = [f for f in final if final[f] != before[f]]
        st.dirty.update(differ)
        if any(final[f] != before[f] for f in st.rt.device_times):
            # A phone's new time is corrected by its skew; a reviewer's pick by the skew the
            # record already carries (the phone that reported the value).
            skew = self.author.skew if self.author.skew is not None else st.row["clock_skew_s"]
            derived = self._derived(st.rt, final, skew)
            st.row.update(derived)
            st.dirty.update(derived)
        if has_conflict is not None:
            st.row["has_conflict"] = has_conflict
        self._record(st, kind, changed, {f: before[f] for f in differ}, op_id, observed)

    def delete(self, st: RecordState, *, op_id: str | None, observed: Observed) -> None:
        """A tombstone: a pull needs it, the history keeps what was there."""
        assert st.row is not None
        self._bump(st)
        st.row["deleted"] = True
        self._record(st, "delete", [], {}, op_id, observed)

    def _bump(self, st: RecordState) -> None:
        assert st.row is not None
        st.row["version"] += 1
        st.row["updated_at"] = self.author.now
        st.row["updated_by"] = self.author.user_id
        st.row["updated_device"] = self.author.device_id

    def _record(
        self,
        st: RecordState,
        op: str,
        changed: list[str],
        replaced: dict[str, Any],
        op_id: str | None,
        obs: Observed,
    ) -> None:
        """The history entry of ``st``'s current row — what it replaced, the row being the
        whole of it — and the whole of it as a merge ``Version`` for the unit's later ops."""
        assert st.row is not None
        a = self.author
        version = st.row["version"]
        self.history_rows.append(
            {
                "type": st.rt.name,
                "record_id": st.id,
                "version": version,
                "replaced": replaced,
                "deleted": st.row["deleted"],
                "changed": [] if op == "create" else changed,  # see ``changed_fields``
                "village_code": st.row["village_code"],
                "op": op,
                "op_id": op_id,
                "user_id": a.user_id,
                "device_id": a.device_id,
                "recorded_at": obs.reported,
                "recorded_at_corrected": obs.at,
                "clock_skew_s": a.skew if obs.reported else None,
                "at": a.now,
            }
        )
        if self.versions:
            st.history[version] = Version(
                version=version,
                data=st.data,  # only when kept: a bulk load's million copies cost ~0.6 s
                changed=changed,
                user_id=a.user_id,
                device_id=a.device_id,
                observed_at=obs.at or a.now,
            )
        if st.touched_order is None:
            self._touched.append(st)
        self._order += 1
        st.touched_order = self._order

    def take(self) -> tuple[list[tuple[RecordType, list[dict[str, Any]]]], list[dict[str, Any]]]:
        """The new rows by type and the history entries, for a bulk loader to insert; the
        writer starts empty again."""
        by_type: dict[str, tuple[RecordType, list[dict[str, Any]]]] = {}
        for s in self._touched:
            assert s.row is not None
            by_type.setdefault(s.rt.name, (s.rt, []))[1].append(s.row)
            s.in_db, s.touched_order = True, None
        history, self.history_rows, self._touched = self.history_rows, [], []
        return list(by_type.values()), history

    @property
    def touched(self) -> int:
        return len(self._touched)

    def write(self, session: Session, first_seq: int) -> None:
        """Insert new rows and update changed ones, numbered from ``first_seq`` in the order
        they were last touched, then the history."""
        ordered = sorted(self._touched, key=lambda s: s.touched_order or 0)
        by_type: dict[str, tuple[RecordType, list[dict[str, Any]], list[RecordState]]] = {}
        for n, s in enumerate(ordered):
            assert s.row is not None
            s.row["seq"] = first_seq + n
            _rt, inserts, updates = by_type.setdefault(s.rt.name, (s.rt, [], []))
            if s.in_db:
                updates.append(s)
            else:
                inserts.append(dict(s.row))
                s.in_db = True
            s.touched_order = None
        conn = session.connection()
        for rt, inserts, updated in by_type.values():
            insert_rows(conn, rt.table, inserts)
            if updated:
                # One executemany sets the same columns in every row: the bookkeeping and
                # whatever changed in any of them (each row carries its own values).
                cols = sorted(set(BOOKKEEPING).union(*(s.dirty for s in updated)))
                rows = []
                for s in updated:
                    assert s.row is not None
                    rows.append({**{c: s.row[c] for c in cols}, "id": s.id})
                    s.dirty = set()
                update_rows(conn, rt.table, "id", rows)
        insert_rows(conn, HISTORY, self.history_rows)
        self.history_rows, self._touched = [], []
