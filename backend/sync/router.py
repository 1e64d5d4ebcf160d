"""The sync endpoints of contract v1: push a batch of ops, pull changes page by page."""

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query
from fastapi.responses import Response

from backend.auth.dependencies import CurrentCaller, SettingsDep
from backend.database import SessionDep
from backend.sync import pull as pull_service, push as push_service
from backend.sync.schemas import PullAnswer, PushAnswer, PushRequest

router = APIRouter(prefix="/api/v1/sync", tags=["sync"])


def _json(answer: PushAnswer | dict[str, Any]) -> Response:
    # orjson: the answer of a 500-op batch or a 1,000-record page is the hot path.
    body = answer if isinstance(answer, dict) else answer.model_dump(mode="json")
    return Response(orjson.dumps(body), media_type="application/json")


@router.post("/push", response_model=PushAnswer)
def push(
    body: PushRequest, caller: CurrentCaller, session: SessionDep, settings: SettingsDep
) -> Response:
    """Apply a batch of ops from a phone; one verdict per op, the batch atomic."""
    return _json(push_service.push(session, settings, caller, body))


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
