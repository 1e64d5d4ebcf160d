"""The sync endpoints of contract v1: push a batch of ops, pull changes page by page."""

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from backend.auth.dependencies import CallerBeforeWriting, CurrentCaller, SettingsDep
from backend.database import SessionDep, per_app
from backend.sync import groups, pull as pull_service
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
    and the answer encoded after it; the turn covers only applying and committing, together
    with the pushes waiting beside it (backend/sync/groups.py)."""
    return _json(await groups.push(request.app, settings, caller, body))


# Pull pages made at once. A page is CPU work under the one interpreter lock, so more at a
# time finish no sooner; each only holds its rows and its answer in memory the longer. Fifty
# phones pulling together after their pushes took the server from 180 to 230 MB.
PULLS_AT_ONCE = 4


async def _pull_turn(request: Request) -> AsyncIterator[None]:
    async with per_app(request.app, "pull_turns", lambda: asyncio.Semaphore(PULLS_AT_ONCE)):
        yield


@router.get("/pull", response_model=PullAnswer)
def pull(
    _turn: Annotated[None, Depends(_pull_turn, scope="function")],
    caller: CurrentCaller,
    session: SessionDep,
    settings: SettingsDep,
    cursor: Annotated[str | None, Query(max_length=200, pattern=r"^[A-Za-z0-9_-]*$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> Response:
    """Records in the caller's scope changed since the cursor, in change order, paged."""
    return _json(pull_service.pull(session, caller, cursor, min(limit, settings.max_pull_limit)))
