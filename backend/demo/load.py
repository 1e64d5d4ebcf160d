"""Writing the demo records fast: a writer process, driver-level bulk inserts, big transactions.

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
- the rows are written by a process of their own (``Writer``), so that all of its work,
  not only the database's, overlaps with drawing the next batch: on a thread the Python
  halves of both shared one GIL (py-spy: ~27 s each);
- the writer hands the values to the driver itself (backend/records/bulk.py: SQLite
  executemany, PostgreSQL COPY) after SQLAlchemy's own bind processors, skipping its per-row
  bookkeeping (~10 s of the writer's 27 s);
- the drawing process sends drafts; the writer makes the rows (``Rows``). Default county
  (~573,000 records), py-spy, load average ~2.5 (other jobs): drawing ~14 s of CPU,
  writing ~12 s (SQLite itself ~5 s). Wall time, alternating with the old loader at load
  ~1.5: 15.7 s against 35.7 s (PostgreSQL 20.6 s against 47.5 s);
- the drawing process validated every draft (``rt.canonical``): ~10 s of its ~20 s of CPU,
  and it bounded the build. It now stores each draft with its defaults filled in
  (``rt.completed``) and checks one in ``CHECK_EVERY`` of each type, the first among them,
  against ``canonical``; tests/demo checks every record of a small county. Three
  alternated pairs: 17.4-19.1 s against 20.8-25.8 s (the CLI's figure). The writer is
  now the bound;
- SQLite's ``synchronous=NORMAL`` on the load connection: in WAL mode a commit then writes
  the log without waiting for the disk, and the checkpoints (the last one at the end,
  before the build reports) still sync it; a power cut can lose the last batches, never
  the database, and the counter commits with its batch. Three alternated pairs: 18.6-18.9
  s against 19.6-21.1 s with FULL;
- PostgreSQL loads in one transaction with each table's foreign keys dropped before its
  first rows and added back at the end (``References``): a query per reference was ~6 s
  of its build (25.7-25.9 s with them, 19.7-20.0 s with the checks switched off, beside
  other work); three alternated pairs on a quiet machine: 14.0-14.6 s against 17.4-20.0 s.
"""

import gc
import multiprocessing as mp
import pickle
import queue
import traceback
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, text, update

from backend.database import make_engine
from backend.demo.county import DEMO_NOW
from backend.records.bulk import insert_rows
from backend.records.registry import REGISTRY, RecordType
from backend.records.store import Author, Observed, RecordState, RowWriter
from backend.tables import CHANGE_COUNTER as COUNTER, HISTORY

DEVICE = "demo"
CHECK_EVERY = 8
BATCH_ROWS = 100_000
# Set on the load connection only, and put back after it.
SQLITE_LOAD_PRAGMAS = {
    "cache_size": -256_000,
    "wal_autocheckpoint": 25_000,
    "foreign_keys": 0,
    "synchronous": 1,
}


class Abandoned(Exception):
    """The caller stopped the load (it failed drawing it): the writer stops too."""


# Handed to the writer instead of a batch: stop, committing nothing more.
ABANDON = "abandon"

# A record to write: type, id, canonical data, change sequence, village, author's user id
# and the phone time of an event (or None).
Draft = tuple[str, str, dict[str, Any], int, str, int, str | None]


@dataclass
class Batch:
    """Records to insert in one transaction, and the highest change sequence number among them."""

    records: list[Draft]
    last_seq: int


class Rows:
    """Makes the record and history rows of the drafts, in the writer process: one
    ``RowWriter`` per author for the whole load, so the history entries keep the order
    (and ids) they always had. Done here, not where the records are drawn: that process is
    the busier one, and a draft pickles in half the bytes of its two rows."""

    def __init__(self) -> None:
        self.writers: dict[int, RowWriter] = {}

    def of(self, batch: Batch) -> list[tuple[Table, list[dict[str, Any]]]]:
        for name, record_id, data, seq, village, user_id, reported in batch.records:
            rows = self.writers.get(user_id)
            if rows is None:
                rows = self.writers[user_id] = RowWriter(
                    Author(user_id, DEVICE, DEMO_NOW, 0), versions=False
                )
            rows.create(
                RecordState(REGISTRY[name], record_id, None, False),
                data,
                village,
                observed=Observed(reported, rows.corrected(datetime.fromisoformat(reported)))
                if reported
                else Observed(),
                seq=seq,
            )
        tables: dict[Table, list[dict[str, Any]]] = {}
        history: list[dict[str, Any]] = []
        for rows in self.writers.values():
            by_type, entries = rows.take()
            for rt, new in by_type:
                tables.setdefault(rt.table, []).extend(new)
            history += entries
        return [*tables.items(), (HISTORY, history)]


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


class Inbox:
    """The writer's end of the batch queue; knows whether the caller's last word (None, or
    ABANDON) has been taken, so that a writer that fails drains the queue exactly up to it:
    the caller blocks on a full queue, and a writer left waiting for a word already taken
    never exits (the caller's process then hangs joining it at exit)."""

    def __init__(self, batches: "mp.Queue[Batch | str | None]") -> None:
        self.batches = batches
        self.done = False

    def get(self) -> "Batch | str | None":
        item = self.batches.get()
        self.done = item is None or isinstance(item, str)
        return item

    def drain(self) -> None:
        while not self.done:
            self.get()


class References:
    """PostgreSQL checks a foreign key row by row, a query per reference (a record row has
    three: its village and two users): ~6 s of the default county's ~26 s build. Within the
    writer's one transaction, each table's foreign keys are dropped before its first rows
    and added back, exactly as they were, at the end (``check``), which checks every row
    at once (pg_restore's order). A load that fails rolls back with them: the schema is
    never left without its keys. (Turning the checks off would need a superuser; dropping
    them needs the tables' owner, who migrates them.)"""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.quote = conn.dialect.identifier_preparer.quote
        self.seen: set[str] = set()
        self.dropped: list[tuple[str, str, str]] = []  # table, key, its definition

    def defer(self, table: Table) -> None:
        if table.name in self.seen:
            return
        self.seen.add(table.name)
        quote = self.quote
        keys = self.conn.execute(
            text(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'f' AND conrelid = to_regclass(:table) ORDER BY conname"
            ),
            {"table": quote(table.name)},
        ).all()
        for name, definition in keys:
            self.conn.exec_driver_sql(
                f"ALTER TABLE {quote(table.name)} DROP CONSTRAINT {quote(name)}"
            )
            self.dropped.append((table.name, name, definition))

    def check(self) -> None:
        quote = self.quote
        for table, name, definition in self.dropped:
            self.conn.exec_driver_sql(
                f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
            )


def _write(url: str, batches: Inbox) -> None:
    """The writer process: writes the batches until None. SQLite commits each batch in a
    transaction of its own; PostgreSQL the whole load in one, its references checked at the
    end (``References``)."""
    engine = make_engine(url)
    try:
        with bulk_connection(engine) as conn:
            if conn.dialect.name == "postgresql":
                with conn.begin():
                    references = References(conn)
                    _insert(conn, batches, nullcontext, references.defer)
                    references.check()
            else:
                _insert(conn, batches, conn.begin, lambda _table: None)
    finally:
        engine.dispose()


def _insert(
    conn: Connection,
    batches: Inbox,
    transaction: Callable[[], AbstractContextManager[Any]],
    before_writing: Callable[[Table], None],
) -> None:
    made = Rows()
    while (batch := batches.get()) is not None:
        if isinstance(batch, str):  # ABANDON
            raise Abandoned()  # rolls back what is not committed yet
        with transaction():
            for table, rows in made.of(batch):
                before_writing(table)
                insert_rows(conn, table, rows)
            # The counter never lags a committed record, even if the load stops half way:
            # the next push must not hand out a number in use.
            conn.execute(
                update(COUNTER)
                .where(COUNTER.c.id == 1, COUNTER.c.value < batch.last_seq)
                .values(value=batch.last_seq)
            )


def _run(url: str, queued: "mp.Queue[Batch | str | None]", result: "mp.Queue[Any]") -> None:
    batches = Inbox(queued)
    try:
        with cyclic_gc_paused():
            _write(url, batches)
    except BaseException as exc:  # handed to the caller's process, as itself if it can be
        where = traceback.format_exc()
        try:
            pickle.dumps(exc)
        except Exception:
            exc = RuntimeError(where)
        result.put((exc, where))
        batches.drain()  # never block the caller: take what it still sends
    else:
        result.put(None)


class Writer:
    """Commits batches in a process of its own, on its own connection, in the order they
    were handed in.

    A process, not a thread: drawing the records and making the writer's parameters are
    both Python, and on one GIL the wall time was their sum (py-spy: ~27 s each for the
    default county); the database work overlapped, the Python work did not. The rows
    pickle fast. At most two batches wait, so memory stays bounded; a failure in the
    writer is raised in the caller at its next ``put`` or at ``close``.
    """

    def __init__(self, engine: Engine) -> None:
        # fork: the child has every module imported already (spawn re-imports for ~1 s).
        ctx = mp.get_context("fork")
        self._batches: mp.Queue[Batch | str | None] = ctx.Queue(maxsize=2)
        self._result: mp.Queue[Any] = ctx.Queue()
        self._said = False  # whether the writer has answered (with its error, or None)
        self._error: BaseException | None = None
        url = engine.url.render_as_string(hide_password=False)
        self._process = ctx.Process(
            target=_run, args=(url, self._batches, self._result), name="demo-writer"
        )
        self._process.start()

    def _check(self, *, wait: bool) -> None:
        """Raise what the writer ran into, once it has said (waiting for that if ``wait``)."""
        while not self._said:
            try:
                outcome = self._result.get(timeout=1) if wait else self._result.get_nowait()
            except queue.Empty:
                if self._process.is_alive() or not self._result.empty():
                    if wait:
                        continue
                    return
                outcome = (RuntimeError(f"exit code {self._process.exitcode}"), "")  # killed
            self._said = True
            if outcome is not None:
                self._error, where = outcome
                if where:
                    self._error.add_note(f"in the demo writer process:\n{where}")
        if self._error is not None:
            raise self._error

    def _send(self, item: Batch | str | None) -> None:
        while self._process.is_alive():
            try:
                self._batches.put(item, timeout=1)
                return
            except queue.Full:
                pass

    def put(self, batch: Batch) -> None:
        self._check(wait=False)
        self._send(batch)

    def close(self) -> None:
        """Wait for every batch to be committed; raises what the writer ran into (the same
        exception a ``put`` raised, if one did)."""
        self._send(None)  # also ends a failed writer's draining
        self._check(wait=True)
        self._process.join()

    def abandon(self) -> None:
        """Stop the writer without committing what it has not committed yet (on PostgreSQL,
        none of the load), for a caller that failed: its own error is the one to raise."""
        self._send(ABANDON)
        try:
            self._check(wait=True)
        except Exception:  # noqa: BLE001 — ``Abandoned``, or what the writer met before it
            pass
        self._process.join()


class Loader:
    """Validates drafts and hands them on to the writer in batches."""

    def __init__(self, writer: Writer, admin_id: int) -> None:
        self.writer = writer
        self.admin_id = admin_id
        self.records: list[Draft] = []
        self.counts: dict[str, int] = {}
        self.last_seq = 0

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
        made = self.counts.get(rt.name, 0)
        stored = rt.completed(data)
        # Exactly what a push stores: checked on a sample of each type, the first one and
        # then one in CHECK_EVERY (tests/demo checks every record of a small county).
        # Validating all of them was half of the drawing process's CPU, ~10 s of the build.
        if made % CHECK_EVERY == 0 and rt.canonical(data) != stored:
            raise ValueError(
                f"demo {rt.name} {record_id}: drawn data differs from its canonical form"
            )
        self.records.append(
            (rt.name, record_id, stored, seq, village, author or self.admin_id, reported)
        )
        self.counts[rt.name] = made + 1
        self.last_seq = max(self.last_seq, seq)
        if 2 * len(self.records) >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        if self.records:
            self.writer.put(Batch(self.records, self.last_seq))
        self.records = []
