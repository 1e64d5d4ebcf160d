"""The change sequence: why a locked counter row and not a database sequence.

Pulls page through records by ``seq``: "everything after the cursor". With a PostgreSQL
SEQUENCE, transaction A can take seq 10, transaction B seq 11, and B commit first: a pull in
between sees 11, moves its cursor past 10, and never sees A's record. Here every writer
takes the single ``change_counter`` row's lock *first* (``SELECT … FOR UPDATE``; on SQLite
the write transaction's own lock, ``BEGIN IMMEDIATE``) and holds it to commit, so numbers
are handed out in commit order and a reader that sees seq N has seen everything below N.
The cost is that record writes are serialised — which SQLite does anyway, and a county's
write rate (phones syncing at the township) is far below one writer's capacity.
"""

from typing import Any

from sqlalchemy import ScalarSelect, select, update
from sqlmodel import Session

from backend.records.models import ChangeCounter

_counter = ChangeCounter.__table__  # type: ignore[attr-defined]


def lock(session: Session) -> int:
    """Take the writers' lock for this transaction; answers the last number handed out."""
    stmt = select(_counter.c.value).where(_counter.c.id == 1)
    if session.get_bind().dialect.name != "sqlite":
        stmt = stmt.with_for_update()
    return int(session.execute(stmt).scalar_one())


def committed() -> ScalarSelect[Any]:
    """The last number handed out by a committed writer, read without the lock: every record
    numbered up to it is committed and visible to every later statement. An expression, for
    a statement that reads the counter together with what it bounds (one statement sees one
    snapshot), in one round trip."""
    return select(_counter.c.value).where(_counter.c.id == 1).scalar_subquery()


def take(session: Session, last: int, count: int) -> int:
    """Hand out ``count`` numbers after ``last`` (which ``lock`` answered); returns the first."""
    if count:
        session.execute(update(_counter).where(_counter.c.id == 1).values(value=last + count))
    return last + 1
