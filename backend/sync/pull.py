"""``GET /api/v1/sync/pull``: every record in the caller's scope changed since the cursor.

The cursor is the last change-sequence number the phone has, plus a key of the set of
villages it was computed for. When the caller's villages change (a cadre is given a new
village), the key no longer matches and the pull starts again from the beginning of the new
scope, so the new village arrives whole; ``scope`` tells the phone which villages to keep.
Sequence numbers are handed out in commit order (backend/sync/sequence.py), so "seq > cursor"
never skips a change that commits late — as long as every statement of a page stops at the
counter's value committed before the first one (see ``pull``).
"""

import base64
from collections.abc import Callable, Sequence
from functools import cache
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import Select, bindparam, func, select, union_all
from sqlmodel import Session

from backend.auth.dependencies import Caller
from backend.errors import BadRequest
from backend.geo.scope import Scope
from backend.records import idnumber
from backend.records.registry import REGISTRY, UNMASKED_ROLES, RecordType
from backend.sync import sequence
from backend.sync.schemas import PulledRecord
from backend.tables import VILLAGE


def encode_cursor(seq: int, scope_key: str) -> str:
    return base64.urlsafe_b64encode(orjson.dumps({"s": seq, "k": scope_key})).decode().rstrip("=")


# The change sequence is a BIGINT: a cursor past it (2**63, 1e300) would fail in SQL.
MAX_SEQ = 2**63 - 1


def decode_cursor(cursor: str) -> tuple[int, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        obj = orjson.loads(raw)
        seq, key = obj["s"], str(obj["k"])
    except (ValueError, KeyError, TypeError, orjson.JSONDecodeError) as exc:
        raise BadRequest("同步游标无效，请重新完整同步", code="bad_cursor") from exc
    # Only a whole number we could have handed out: not a float, a bool or one out of range.
    if type(seq) is not int or not 0 <= seq <= MAX_SEQ:
        raise BadRequest("同步游标无效，请重新完整同步", code="bad_cursor")
    return seq, key


class _Layout:
    """A type's pulled record (``PulledRecord``'s shape) made from a row of its page
    statement, whose columns are what the record is made of and no more: the bookkeeping
    times and devices cost a datetime parse each per row on SQLite and are not sent.

    Values are read by position, a type's fields zipped with one ``itemgetter``: a page of
    1,000 reads ~30,000 of them, and by name each went through a key lookup of its own."""

    def __init__(self, rt: RecordType) -> None:
        self.rt = rt
        names = ["id", "seq", "version", "deleted", "has_conflict", "created_by"]
        names += [f for f in (*rt.fields, *rt.derived_columns) if f not in names]
        self.names = tuple(names)
        self.columns = [rt.table.c[n] for n in names]
        self.fields, self.derived = tuple(rt.fields), tuple(rt.derived_columns)
        self._fields, self._derived = self._getter(self.fields), self._getter(self.derived)

    def _getter(self, fields: tuple[str, ...]) -> Callable[[Sequence[Any]], Sequence[Any]]:
        at = [self.names.index(f) for f in fields]
        return itemgetter(*at) if len(at) > 1 else lambda row: [row[i] for i in at]

    def record(self, row: Sequence[Any], mask: bool) -> dict[str, Any]:
        rt = self.rt
        data: dict[str, Any] | None = None
        if not row[3]:  # deleted
            data = dict(zip(self.fields, self._fields(row), strict=True))
            for f, v in zip(self.derived, self._derived(row), strict=True):
                data[f] = v.isoformat() if hasattr(v, "isoformat") else v
            if mask:
                for f in rt.masked:
                    data[f] = idnumber.mask(data[f])
            if rt.event:
                # Read-only: an event is corrected only by its author, so the phone needs to
                # know whose it is to offer 修改/撤回 (push ignores it: not a field of the type).
                data["created_by"] = row[5]
        return {
            "type": rt.name,
            "id": row[0],
            "version": row[2],
            "deleted": row[3],
            "has_conflict": row[4],
            "data": data,
        }


@cache
def _layout(name: str) -> _Layout:
    return _Layout(REGISTRY[name])


def pulled(rt: RecordType, row: Any, mask: bool) -> dict[str, Any]:
    """A record as the phone receives it, from a row of its table read by column name."""
    layout = _layout(rt.name)
    return layout.record([row[n] for n in layout.names], mask)


def to_record(rt: RecordType, row: Any, mask: bool) -> PulledRecord:
    return PulledRecord.model_validate(pulled(rt, row, mask))


def _changed(rt: RecordType, upto: Any = None) -> tuple[Any, ...]:
    """Changed after the cursor and by the committed counter (``upto``; the parameter of
    that name unless given)."""
    seq = rt.table.c.seq
    return seq > bindparam("after"), seq <= (bindparam("upto") if upto is None else upto)


def _in_range(rt: RecordType) -> tuple[Any, ...]:
    """Filed in the caller's scope, changed after the cursor and by the committed counter.
    Bound parameters, not values: the statements are built once (their construction cost
    more than their execution on a pull page) and SQLAlchemy's compiled cache serves them."""
    return (*_changed(rt), Scope.where_filed_bound(rt.table.c.village_code, rt.county_wide))


@cache
def _page_statement(name: str) -> Select[Any]:
    rt = REGISTRY[name]
    return (
        select(*_layout(name).columns)
        .where(*_in_range(rt))
        .order_by(rt.table.c.seq)
        .limit(bindparam("limit"))
    )


@cache
def _count_statement(names: tuple[str, ...]) -> Select[Any]:
    """One statement for every type's count: the progress bar's total."""
    types = [REGISTRY[n] for n in names]
    counts = union_all(
        *(
            select(func.count().label("n")).select_from(rt.table).where(*_in_range(rt))
            for rt in types
        )
    ).subquery()
    return select(func.coalesce(func.sum(counts.c.n), 0))


Change = tuple[int, str, Any]  # its sequence number, its type, its row


@cache
def _firsts_statement(names: tuple[str, ...]) -> Select[Any]:
    """One row: the committed counter (``upto``, see ``pull``), then each type's first
    change in range up to it (None where it has none). One statement sees one snapshot, so
    the counter and the firsts agree, in one round trip.

    A type filed by village is asked village by village: "the least ``seq`` above the
    cursor" in one village is one probe of its ``(village_code, seq)`` index, where for a
    set of villages PostgreSQL read every entry in range (a cadre's 3,248 members on the
    first page) to find the least."""
    upto = sequence.committed()
    firsts: list[Any] = [upto.label("upto")]
    for name in names:
        rt = REGISTRY[name]
        t = rt.table
        if rt.county_wide:
            first = select(func.min(t.c.seq)).where(
                *_changed(rt, upto), Scope.where_filed_bound(t.c.village_code, county_wide=True)
            )
        else:
            in_village = select(func.min(t.c.seq)).where(
                *_changed(rt, upto), t.c.village_code == VILLAGE.c.code
            )
            first = select(func.min(in_village.scalar_subquery())).where(
                Scope.where_filed_bound(VILLAGE.c.code, county_wide=False)
            )
        firsts.append(first.scalar_subquery().label(name))
    return select(*firsts)


def _page_rows(
    conn: Any, names: tuple[str, ...], params: dict[str, Any]
) -> tuple[int, list[Change]]:
    """The committed counter the page stops at, and the first changes in range across the
    types up to it, in change order, as many as ``params["limit"]`` (a page and one more:
    if there is one, more pages follow).

    The types are read in the order of their first change, each only up to the cut that
    the ones read before it set (the last change a page could still hold), and a type
    whose first change lies past the cut is not read at all. Reading every type for a
    page each cost a statement per type (17 for a cadre) and, on PostgreSQL, brought
    every one of those rows over (psycopg holds a whole result): on a copy of the demo
    county, cadre3's full pull spent 330 ms in its statements on PostgreSQL, 195 ms so."""
    limit = params["limit"]
    upto, *firsts = conn.execute(_firsts_statement(names), params).one()
    rows: list[Change] = []
    cut = upto
    for first, name in sorted((f, n) for n, f in zip(names, firsts, strict=True) if f is not None):
        if first > cut:
            break
        found = conn.execute(_page_statement(name), {**params, "upto": cut}).all()
        # Both runs are in change order: the sort merges them (seq is the rows' second column).
        rows += [(r[1], name, r) for r in found]
        rows.sort(key=itemgetter(0))
        del rows[limit:]
        if len(rows) == limit:
            cut = rows[-1][0]
    return upto, rows


def pull(session: Session, caller: Caller, cursor: str | None, limit: int) -> dict[str, Any]:
    """One page of changes after ``cursor`` in change order, from every readable type, in
    ``PullAnswer``'s shape."""
    key = caller.scope.key
    after, reset = 0, False
    if cursor:
        after, cursor_key = decode_cursor(cursor)
        if cursor_key != key:
            after, reset = 0, True
    mask = caller.role not in UNMASKED_ROLES
    conn = session.connection()
    # Each type is read by a statement of its own. On PostgreSQL (READ COMMITTED) each
    # statement sees what committed before it: a batch committing between two of them showed
    # its member without its household, and the cursor passed the household for good. So the
    # page stops at the counter as committed before the first statement: every number up to
    # it is committed, and a record changed since carries a larger one, for the next pull.
    # (``_page_rows`` reads the counter in its first statement.)
    readable = tuple(rt for rt in REGISTRY.values() if caller.role in rt.pulled_by)
    params = {"after": after, **caller.scope.bound, "limit": limit + 1}
    params["upto"], merged = _page_rows(conn, tuple(rt.name for rt in readable), params)
    page = merged[:limit]
    more = len(merged) > limit
    remaining = None
    if reset or not cursor:
        total: int = conn.execute(
            _count_statement(tuple(rt.name for rt in readable)), params
        ).scalar_one()
        remaining = max(0, int(total) - len(page))
    last = page[-1][0] if page else after
    return {
        "records": [_layout(name).record(row, mask) for _, name, row in page],
        "cursor": encode_cursor(last, key),
        "more": more,
        "scope": sorted(caller.scope.village_codes) if (reset or not cursor) else None,
        "reset": reset,
        "remaining": remaining,
    }
