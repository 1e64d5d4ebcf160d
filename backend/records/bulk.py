"""Many rows at once, handed to the driver itself: the push's and the demo load's writes.

``conn.execute(table.insert(), rows)`` spends more of its time in SQLAlchemy's per-row
bookkeeping (a parameter dict per row, each value through its processor, per-row checks)
than the database spends storing them: on a push of 500 household ops into the demo county,
py-spy put SQLAlchemy's share of the writes at about half. Here the values go through the
very bind processors SQLAlchemy would apply (the dialect's, e.g. ``_UTCDateTime`` and the
JSON serialiser), then straight to the driver: ``executemany`` on SQLite, ``COPY`` on
PostgreSQL for inserts (psycopg's ``cursor.copy``, ~5x faster than executemany in bulk).
A database error comes out as SQLAlchemy's own (IntegrityError, ...), as from ``execute``.

And many values at once: ``one_of(column, values)`` is ``column IN values`` with the values
bound as one parameter, for the push's lookups of a batch's 500 op ids, record ids, groups.
"""

from collections.abc import Iterable
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Column, Connection, String, Table, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.sqltypes import NullType
from sqlalchemy.sql.type_api import TypeDecorator, TypeEngine
from sqlalchemy.sql.visitors import InternalTraversal

_NOTHING = object()


def _values(conn: Connection, columns: list[Column[Any]], rows: list[dict[str, Any]]) -> list[Any]:
    """Each row's values of ``columns``, in order, as the driver takes them."""
    dialect = conn.dialect
    names = [c.name for c in columns]
    procs = [
        (i, p)
        for i, c in enumerate(columns)
        if (p := c.type.dialect_impl(dialect).bind_processor(dialect))
    ]
    values: list[tuple[Any, ...]] = []
    # The rows of one unit of work share their timestamps (one ``now`` object): each column
    # keeps its last value and what it made of it, so a processor runs once per distinct
    # value in a row, not once per row (the demo load: ~2 million DateTime runs, ~3 s).
    last: list[Any] = [_NOTHING] * len(procs)
    made: list[Any] = [None] * len(procs)
    width = len(names)
    # All of a row's values in one C call: 0.4 ms for 500 rows of 50 columns, against 0.8–1.0
    # for a list made name by name.
    get = itemgetter(*names) if width > 1 else lambda row: (row[names[0]],)
    for row in rows:
        if len(row) != width:
            raise ValueError(f"rows of one write differ in their columns: {sorted(row)}")
        v = list(get(row))
        for k, (i, p) in enumerate(procs):
            x = v[i]
            if x is not last[k]:
                last[k], made[k] = x, p(x)
            v[i] = made[k]
        values.append(tuple(v))
    return values


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (all with the same keys) as ``conn.execute(table.insert(), rows)``
    would. A column a row leaves out gets no Python-side default here: that is refused."""
    if not rows:
        return
    names = list(rows[0])
    for col in table.c:
        if col.name not in rows[0] and col.default is not None:
            raise ValueError(f"{table.name}.{col.name}: the rows give no value")
    values = _values(conn, [table.c[n] for n in names], rows)
    quote = conn.dialect.identifier_preparer.quote
    cols = ", ".join(quote(n) for n in names)
    if conn.dialect.name == "postgresql":
        sql = f"COPY {quote(table.name)} ({cols}) FROM STDIN"
        error = conn.dialect.loaded_dbapi.Error
        raw: Any = conn.connection.driver_connection
        try:
            with raw.cursor() as cur, cur.copy(sql) as copy:
                for value in values:
                    copy.write_row(value)
        except error as exc:
            raise DBAPIError.instance(sql, None, exc, error) from exc
    else:
        marks = ", ".join("?" * len(names))
        conn.exec_driver_sql(f"INSERT INTO {quote(table.name)} ({cols}) VALUES ({marks})", values)


def update_rows(conn: Connection, table: Table, key: str, rows: list[dict[str, Any]]) -> None:
    """``UPDATE table SET <the rows' other keys> WHERE key = row[key]``, one statement
    executed for every row (all with the same keys)."""
    if not rows:
        return
    names = [n for n in rows[0] if n != key]
    values = _values(conn, [table.c[n] for n in [*names, key]], rows)
    quote = conn.dialect.identifier_preparer.quote
    mark = "%s" if conn.dialect.name == "postgresql" else "?"
    sets = ", ".join(f"{quote(n)} = {mark}" for n in names)
    sql = f"UPDATE {quote(table.name)} SET {sets} WHERE {quote(key)} = {mark}"
    conn.exec_driver_sql(sql, values)


class _Texts(TypeDecorator[list[str]]):
    """A list of strings as one parameter: ``text[]`` on PostgreSQL, JSON text elsewhere."""

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(String()))
        return dialect.type_descriptor(JSON())


class one_of(ColumnElement[Any]):  # noqa: N801 — used as a function, like SQLAlchemy's own
    """``column IN values``, strings bound as one parameter: ``= ANY(…)`` on PostgreSQL,
    ``IN (SELECT value FROM json_each(…))`` on SQLite. ``column.in_(values)`` renders a
    parameter per value on every execution (SQLAlchemy's expanding IN), and the statement's
    text changes with their number, so neither SQLite's statement cache nor psycopg's query
    cache keeps it. For 500 op ids: 3.0–5.0 ms against 1.0–1.5 ms a lookup on PostgreSQL,
    0.8–1.2 ms against 0.3–0.4 ms on SQLite."""

    inherit_cache = True
    # Not Boolean: SQLite has no boolean type, and SQLAlchemy renders a Boolean expression
    # standing alone in a WHERE as "(… IN …) = 1", which no index serves (a push read the
    # whole household table: 3,162–3,321 ops/s against 4,103–4,474 over HTTP).
    type: TypeEngine[Any] = NullType()
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("values", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: Any, values: Iterable[str]) -> None:
        self.column = column
        self.values = bindparam(None, list(values), type_=_Texts())


@compiles(one_of, "postgresql")
def _any_of(element: one_of, compiler: SQLCompiler, **kw: Any) -> str:
    column, values = compiler.process(element.column, **kw), compiler.process(element.values, **kw)
    return f"{column} = ANY({values})"


@compiles(one_of)
def _in_json_each(element: one_of, compiler: SQLCompiler, **kw: Any) -> str:
    column, values = compiler.process(element.column, **kw), compiler.process(element.values, **kw)
    return f"{column} IN (SELECT value FROM json_each({values}))"
