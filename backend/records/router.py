"""``GET /api/v1/schema``: every record type's declaration as the phone validates with it."""

from fastapi import APIRouter, Header, Response

from backend.auth.dependencies import CurrentCaller
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
