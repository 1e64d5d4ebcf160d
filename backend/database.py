"""Engine, naming convention and the per-request unit of work.

SQLite is the default county store: WAL so readers never wait for the writer,
``synchronous=FULL`` so an acknowledged sync survives power loss, foreign keys on. We
issue BEGIN ourselves (pysqlite's own transaction handling is turned off) so that a
request that will write takes the write lock at the start (``BEGIN IMMEDIATE``): a
deferred transaction that later upgrades to a writer fails at once with "database is
locked" when another writer got in between, instead of waiting its turn.
"""

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Annotated, Any, TypeVar

import orjson
from fastapi import Depends, Request
from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.dialects import sqlite
from sqlmodel import Session, SQLModel

from backend.config import get_settings

# The largest INTEGER (PostgreSQL's; SQLite's is larger): ids and numbers from a request are
# bounded by it, or a larger one fails in the database with a server error.
MAX_INT = 2**31 - 1

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata


class _UTCDateTime(sqlite.DATETIME):
    """SQLite keeps no time zone: store UTC, and give ``DateTime(timezone=True)`` back as
    aware UTC, as PostgreSQL does. Naive values reached the answers without an offset,
    which a phone reads as its own local time (eight hours off in China)."""

    def bind_processor(self, dialect: Any) -> Any:
        process = super().bind_processor(dialect)

        def bind(value: Any) -> Any:
            if isinstance(value, datetime) and value.tzinfo is not None:
                value = value.astimezone(UTC)
            return process(value) if process else value

        return bind

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        process = super().result_processor(dialect, coltype)
        if not self.timezone:
            return process

        def result(value: Any) -> Any:
            value = process(value) if process else value
            return value.replace(tzinfo=UTC) if isinstance(value, datetime) else value

        return result


def _setup_sqlite(engine: Engine) -> None:
    engine.dialect.colspecs = {**engine.dialect.colspecs, DateTime: _UTCDateTime}

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves, below
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        # A county store is hundreds of MB and a push batch touches a couple of thousand
        # index pages across it: with SQLite's 2 MB default cache the writer read them again
        # for every batch. 32 MB a connection, allocated only as pages are read.
        cur.execute("PRAGMA cache_size=-32000")
        # A checkpoint every ~40 MB of WAL rather than 4 MB: a page changed by several
        # batches is copied back once, not once a batch (PERF.md: 41k → 68k rows/s).
        cur.execute("PRAGMA wal_autocheckpoint=10000")
        # Savepoints (pushes of a group applied one by one, backend/sync/groups.py) keep
        # their statement journal in memory: in a temporary file it doubled the bytes a
        # push wrote when every push ran in one.
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def make_engine(url: str) -> Engine:
    # orjson for JSON columns (records' lists, history entries), ~10× faster than json.dumps
    json_opts: dict[str, Any] = {"json_serializer": _json_dumps, "json_deserializer": orjson.loads}
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **json_opts
        )
        _setup_sqlite(engine)
        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True, **json_opts)


@lru_cache
def _engine_for(url: str) -> Engine:
    return make_engine(url)


def get_engine() -> Engine:
    return _engine_for(get_settings().database_url)


def open_session(*, write: bool = False) -> Session:
    """A session whose first statement opens the transaction; writers lock SQLite up front."""
    session = Session(get_engine(), expire_on_commit=False)
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE" if write else "DEFERRED"})
    return session


READS = ("GET", "HEAD", "OPTIONS")
T = TypeVar("T")


def per_app(app: Any, name: str, make: Callable[[], T]) -> T:
    """The app's one ``name``, made on first use: in the app's event loop, which an asyncio
    lock, semaphore or future belongs to (made at import, it would belong to none)."""
    state = app.state
    if getattr(state, name, None) is None:
        setattr(state, name, make())
    value: T = getattr(state, name)
    return value


@asynccontextmanager
async def writers_turn(app: Any) -> AsyncIterator[None]:
    """Wait, in the event loop, for this app's one writer at a time (see ``_writer_turn``)."""
    async with per_app(app, "writer", asyncio.Lock):
        yield


async def _writer_turn(request: Request) -> AsyncIterator[None]:
    """SQLite has one writer (and PostgreSQL one push at a time): a writing request waits
    its turn here, in the event loop, and only then takes a worker thread and the write lock.
    Waiting for the lock inside a worker thread (BEGIN IMMEDIATE) let forty waiting requests
    hold every thread of the pool while the request holding the lock waited for a thread to
    run its route in: 50 phones syncing at once waited 30 s and got "database is locked"
    (bench/load_bench.py). The push takes its turn itself (backend/sync/router.py)."""
    if request.method in READS or get_engine().dialect.name != "sqlite":
        # PostgreSQL has many writers; only the record writers wait for one another (the
        # change-sequence lock), and the push, the one that takes it in bulk, waits in
        # ``writers_turn``. Fifty phones pushing at once each held a pooled connection and a
        # worker thread while they waited for that row lock, and starved the one that held
        # it: push p95 9.7 s (bench/load_bench.py --demo). Waiting in the event loop costs
        # neither.
        yield
        return
    async with writers_turn(request.app):
        yield


def get_session(
    request: Request, _turn: Annotated[None, Depends(_writer_turn, scope="function")]
) -> Iterator[Session]:
    """One unit of work per request: commit when the route returns, roll back on error."""
    session = open_session(write=request.method not in READS)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# scope="function": the commit runs when the route returns, *before* the answer is sent.
# With the default (request) scope FastAPI sends the answer first and commits after, so a
# phone could be told "applied" for a batch whose commit then fails: an acknowledged loss.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
