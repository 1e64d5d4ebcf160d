"""Pushes that wait for the writers' turn together are committed together (group commit).

Fifty phones at the township office push at once, and every push waits for the one before
it (the change-sequence lock, backend/sync/sequence.py). Each paid a transaction of its own
inside its turn: a worker thread, BEGIN, and a commit with its fsync — a third of the turn
(bench/load_bench.py --demo). Here the pushes waiting when the turn comes round are applied
in one transaction, in arrival order, as one batch (one read of each table and one write
for all of them), and committed once, before any of them is answered:
- a push refused whole (too large, the wrong device) gets its error; the others stand;
- a push that fails otherwise (a database error, a fault) sends the group back to be
  applied one push at a time, each in a SAVEPOINT of its own: it alone gets its error;
- if the commit fails, the group is applied again one push at a time; if that commit
  fails too, none of the group was answered and each gets the error: phones resend, and
  the op ids make the resend safe;
- a push alone is a group of one, as before; a group stops at ``MAX_GROUP_OPS`` ops so that
  the first phone of a burst does not wait for all of it;
- the push that holds the turn applies the groups waiting, one after another, in its
  worker thread (``_drain``), up to ``GROUPS_PER_TURN``, each answered as it commits.
The rules a push follows are unchanged: a later push of a group sees the earlier ones'
records, versions and op ids exactly as it would had they committed just before it.
"""

import asyncio
from dataclasses import dataclass
from typing import Any

from fastapi.concurrency import run_in_threadpool

from backend.auth.dependencies import Caller
from backend.config import Settings
from backend.database import open_session, per_app, writers_turn
from backend.sync import push as push_service
from backend.sync.schemas import PushAnswer, PushRequest

MAX_GROUP_OPS = 2_000
# Groups applied in one turn: then the turn goes round, so a writer waiting for it beside
# the pushes (on SQLite every write request waits there) is not held for a whole burst.
GROUPS_PER_TURN = 4


@dataclass
class _Waiting:
    settings: Settings
    caller: Caller
    body: PushRequest
    done: asyncio.Future[PushAnswer]
    answer: PushAnswer | None = None
    error: BaseException | None = None


async def push(app: Any, settings: Settings, caller: Caller, body: PushRequest) -> PushAnswer:
    """Apply one phone's batch, committed (alone or with the pushes waiting beside it)."""
    queue: list[_Waiting] = per_app(app, "push_queue", list)
    me = _Waiting(settings, caller, body, asyncio.get_running_loop().create_future())
    # Joining the queue and asking for the turn happen without an await between them, and the
    # turn is first come, first served: whoever gets it finds its own push at the front.
    queue.append(me)
    async with writers_turn(app):
        if not me.done.done():
            await run_in_threadpool(_drain, queue, asyncio.get_running_loop())
    return await me.done


def _drain(queue: list[_Waiting], loop: asyncio.AbstractEventLoop) -> None:
    """Apply the waiting pushes group after group in this worker thread, while the turn is
    held, answering each group as it commits. Handing the turn on to the next push between
    groups took a pass through the event loop and a new worker thread: with fifty phones
    the loop is busy parsing and answering the rest, and on PostgreSQL a township's burst
    spent ~400 ms of its ~3.5 s between groups (bench/load_bench.py --demo). Only the
    holder of the turn takes from the queue; the event loop only appends to it."""
    for _ in range(GROUPS_PER_TURN):
        if not queue:
            return
        group = _take(queue)
        try:
            _apply(group)
        except BaseException as exc:  # the commit (or a lone push) failed: none stands
            for w in group:
                w.answer, w.error = None, exc
        loop.call_soon_threadsafe(_answer, group)


def _answer(group: list[_Waiting]) -> None:
    """In the event loop (a future is not thread-safe)."""
    for w in group:
        if w.error is not None:
            w.done.set_exception(w.error)
        else:
            assert w.answer is not None
            w.done.set_result(w.answer)


def _take(queue: list[_Waiting]) -> list[_Waiting]:
    group: list[_Waiting] = []
    ops = 0
    while queue and (not group or ops + len(queue[0].body.ops) <= MAX_GROUP_OPS):
        w = queue.pop(0)
        group.append(w)
        ops += len(w.body.ops)
    return group


def _apply(group: list[_Waiting]) -> None:
    """The group's pushes in one transaction, one commit. They are applied as one batch
    (backend/sync/push.py ``push_all``): one read of each table for all of them and one
    write, not one of each a push. A batch refused whole (too large, the wrong device) is
    answered so and leaves the rest; any other error (the database's, a fault) means that
    push's effects cannot be told from the others', so the group is applied again one push
    at a time, each in a savepoint, and only the failing one fails."""
    requests = [(w.caller, w.body) for w in group]
    try:
        with open_session(write=True) as session:
            outcomes = push_service.push_all(session, group[0].settings, requests)
            session.commit()
    except Exception:
        if len(group) == 1:
            raise
        _apply_one_by_one(group)
        return
    for w, outcome in zip(group, outcomes, strict=True):
        if isinstance(outcome, PushAnswer):
            w.answer = outcome
        else:
            w.error = outcome


def _apply_one_by_one(group: list[_Waiting]) -> None:
    with open_session(write=True) as session:
        for w in group:
            try:
                with session.begin_nested():
                    w.answer = push_service.push(session, w.settings, w.caller, w.body)
            except Exception as exc:  # answered to that phone alone
                w.error = exc
        session.commit()
