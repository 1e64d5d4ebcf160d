"""``GET /api/v1/schema``: every record type's declaration as the phone validates with it;
``GET /api/v1/records/{type}/{id}/changes``: one record's audit trail, old → new."""

from typing import Annotated

from fastapi import APIRouter, Header, Path, Response

from backend.auth.dependencies import CurrentCaller
from backend.database import SessionDep
from backend.records.changes import VersionChanges, record_changes
from backend.records.schema import published

router = APIRouter(prefix="/api/v1", tags=["schema"])


@router.get("/schema", responses={200: {"content": {"application/json": {}}}, 304: {}})
def schema(
    _caller: CurrentCaller, if_none_match: str | None = Header(default=None, max_length=200)
) -> Response:
    """Every record type: fields as JSON Schema with zh-CN labels, rules, messages; ETag."""
    body, version = published()
    etag = f'"{version}"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if if_none_match == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


@router.get("/records/{type_name}/{record_id}/changes", tags=["records"])
def changes(
    caller: CurrentCaller,
    session: SessionDep,
    type_name: Annotated[str, Path(max_length=20)],
    record_id: Annotated[str, Path(max_length=36)],
) -> list[VersionChanges]:
    """Every version of one record in scope, oldest first: who, when, each field old → new."""
    return record_changes(session, caller, type_name, record_id)
