"""Writing the demo records fast: Core executemany on a writer thread, big transactions.

Each record goes in exactly as the sync engine's create would store it: its rows are made by
the one row writer (backend/records/store.py ``RowWriter``) from the declaration's canonical
JSON form of its data — version 1, one ``create`` history entry (which replaced nothing and
stands for every field) — and only the inserting is the loader's own.

Where the time goes (default county: ~400,000 records and as many history rows, on the
2-core machine): drawing and validating the records is about a third of the CPU, SQLAlchemy
and SQLite the rest. The random UUID keys scatter every transaction's inserts over four
whole indexes, so each commit re-writes nearly every index page to the WAL, however few rows
it holds. Measured on a fresh SQLite file: 5,000-row transactions with SQLite's default
2 MB cache and 1,000-page checkpoints wrote 8.2 GB and took 110 s; as below, 1.4 GB and
~30-50 s (the spread is other work on the machine). Hence:
- transactions of ~100,000 rows (about 50,000 records with their history entries);
- on the load connection only, a 256 MB page cache and a checkpoint every ~100 MB of WAL,
  and no per-row foreign-key lookups in SQLite: every reference is to a village or a user
  committed just before (PostgreSQL still checks them; the tests run on both);
- the cyclic GC paused: millions of dicts, none in a cycle (it cost 1.7x the time);
- the rows are written on a thread of their own, so that the database's work (SQLite
  releases the GIL while it steps; psycopg while it waits) overlaps with drawing the next
  batch: on PostgreSQL 51 s instead of 73 s.
``synchronous=FULL`` is left alone: each committed batch is durable.
"""

import gc
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, update

from backend.demo.county import DEMO_NOW
from backend.records.registry import RecordType
from backend.records.store import Author, Observed, RecordState, RowWriter
from backend.tables import CHANGE_COUNTER as COUNTER, HISTORY

DEVICE = "demo"
BATCH_ROWS = 100_000
# Set on the load connection only, and put back after it.
SQLITE_LOAD_PRAGMAS = {"cache_size": -256_000, "wal_autocheckpoint": 25_000, "foreign_keys": 0}


@dataclass
class Batch:
    """Rows to insert in one transaction, and the highest change sequence number among them."""

    rows: list[tuple[Table, list[dict[str, Any]]]]
    last_seq: int


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """The load makes millions of dicts that never form cycles, a few batches of them alive
    at a time; the cyclic collector would walk them again and again (measured: the whole
    load took 1.7x as long with it running)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def bulk_connection(engine: Engine) -> Iterator[Connection]:
    """A connection tuned for a bulk load; SQLite's settings are put back afterwards."""
    with engine.connect() as conn:
        raw = conn.connection.driver_connection if conn.dialect.name == "sqlite" else None
        saved: dict[str, Any] = {}
        if raw is not None:
            # No transaction is open yet (pysqlite's own handling is off), so they apply now;
            # PRAGMA foreign_keys is silently ignored inside one.
            for pragma, value in SQLITE_LOAD_PRAGMAS.items():
                saved[pragma] = raw.execute(f"PRAGMA {pragma}").fetchone()[0]
                raw.execute(f"PRAGMA {pragma}={value}")
        try:
            yield conn
        finally:
            if raw is not None:
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                for pragma, value in saved.items():
                    raw.execute(f"PRAGMA {pragma}={value}")


class Writer:
    """Commits batches on its own thread and connection, in the order they were handed in.

    At most two batches wait, so memory stays bounded; a failure in the writer is raised in
    the caller at its next ``put`` or at ``close``.
    """

    def __init__(self, engine: Engine) -> None:
        self._queue: queue.Queue[Batch | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(engine,), name="demo-writer")
        self._thread.start()

    def _run(self, engine: Engine) -> None:
        closed = False
        try:
            with bulk_connection(engine) as conn:
                while (batch := self._queue.get()) is not None:
                    with conn.begin():
                        for table, rows in batch.rows:
                            conn.execute(table.insert(), rows)
                        # The counter never lags a committed record, even if the load stops
                        # half way: the next push must not hand out a number in use.
                        conn.execute(
                            update(COUNTER)
                            .where(COUNTER.c.id == 1, COUNTER.c.value < batch.last_seq)
                            .values(value=batch.last_seq)
                        )
                closed = True
        except BaseException as exc:  # handed to the caller's thread
            self._error = exc
            while not closed and self._queue.get() is not None:  # never block the caller
                pass

    def put(self, batch: Batch) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(batch)

    def close(self) -> None:
        """Wait for every batch to be committed; raises what the writer ran into."""
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error


class Loader:
    """Turns drafts into record and history rows and hands them on in batches."""

    def __init__(self, writer: Writer, admin_id: int) -> None:
        self.writer = writer
        self.admin_id = admin_id
        self.rows: dict[int, RowWriter] = {}
        self.counts: dict[str, int] = {}
        self.last_seq = 0
        self.pending = 0

    def add(
        self,
        rt: RecordType,
        record_id: str,
        data: dict[str, Any],
        seq: int,
        village: str,
        author: int | None = None,
        reported: str | None = None,
    ) -> None:
        """One record at version 1 and its ``create`` history entry, by ``author`` (the
        admin's import when None); ``reported`` the phone time of an event, if any."""
        user_id = author or self.admin_id
        rows = self.rows.get(user_id)
        if rows is None:
            rows = self.rows[user_id] = RowWriter(
                Author(user_id, DEVICE, DEMO_NOW, 0), versions=False
            )
        canonical = rt.canonical(data)  # exactly what a push stores
        rows.create(
            RecordState(rt, record_id, None, False),
            canonical,
            village,
            observed=Observed(reported, rows.corrected(datetime.fromisoformat(reported)))
            if reported
            else Observed(),
            seq=seq,
        )
        self.counts[rt.name] = self.counts.get(rt.name, 0) + 1
        self.last_seq = max(self.last_seq, seq)
        self.pending += 1
        if 2 * self.pending >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        tables: dict[Table, list[dict[str, Any]]] = {}
        history: list[dict[str, Any]] = []
        for rows in self.rows.values():
            by_type, entries = rows.take()
            for rt, new in by_type:
                tables.setdefault(rt.table, []).extend(new)
            history += entries
        if history:
            self.writer.put(Batch([*tables.items(), (HISTORY, history)], self.last_seq))
        self.pending = 0
