"""The sync endpoints of contract v1: push a batch of ops, pull changes page by page."""

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from backend.auth.dependencies import Caller, CallerBeforeWriting, CurrentCaller, SettingsDep
from backend.config import Settings
from backend.database import SessionDep, open_session, writers_turn
from backend.sync import pull as pull_service, push as push_service
from backend.sync.schemas import PullAnswer, PushAnswer, PushRequest

router = APIRouter(prefix="/api/v1/sync", tags=["sync"])


def _json(answer: PushAnswer | dict[str, Any]) -> Response:
    # orjson: the answer of a 500-op batch or a 1,000-record page is the hot path.
    body = answer if isinstance(answer, dict) else answer.model_dump(mode="json")
    return Response(orjson.dumps(body), media_type="application/json")


@router.post("/push", response_model=PushAnswer)
async def push(
    body: PushRequest, caller: CallerBeforeWriting, settings: SettingsDep, request: Request
) -> Response:
    """Apply a batch of ops from a phone; one verdict per op, the batch atomic.

    The caller is checked and the body parsed before the batch waits for the writers' turn,
    and the answer encoded after it: the turn covers one worker thread's unit of work (open,
    apply, commit), not the hops between the event loop and the pool that each dependency
    with a session of its own costs. Under fifty phones at once those hops, taken while
    holding the turn, were a third of it (bench/load_bench.py --demo)."""
    async with writers_turn(request.app):
        answer = await run_in_threadpool(_push_committed, settings, caller, body)
    return _json(answer)


def _push_committed(settings: Settings, caller: Caller, body: PushRequest) -> PushAnswer:
    """The batch in one transaction, committed before the phone is told anything."""
    with open_session(write=True) as session:
        answer = push_service.push(session, settings, caller, body)
        session.commit()
    return answer


@router.get("/pull", response_model=PullAnswer)
def pull(
    caller: CurrentCaller,
    session: SessionDep,
    settings: SettingsDep,
    cursor: Annotated[str | None, Query(max_length=200, pattern=r"^[A-Za-z0-9_-]*$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> Response:
    """Records in the caller's scope changed since the cursor, in change order, paged."""
    return _json(pull_service.pull(session, caller, cursor, min(limit, settings.max_pull_limit)))
