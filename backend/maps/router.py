"""Condition maps: the list in scope and one merged map as SVG."""

from fastapi import APIRouter
from fastapi.responses import Response

from backend.auth.dependencies import CurrentCaller
from backend.database import SessionDep
from backend.geo.params import VillageCode
from backend.maps import service
from backend.maps.service import MapSummary

router = APIRouter(prefix="/api/v1/maps", tags=["maps"])


@router.get("")
def list_maps(
    caller: CurrentCaller,
    session: SessionDep,
    village_code: VillageCode = None,
) -> list[MapSummary]:
    """The condition maps in the caller's scope, by village and villager group."""
    return service.list_maps(session, caller, village_code)


@router.get(
    "/{map_id}.svg", response_class=Response, responses={200: {"content": {"image/svg+xml": {}}}}
)
def map_svg(map_id: str, caller: CurrentCaller, session: SessionDep) -> Response:
    """One condition map, merged from every phone, as SVG with its labels and a legend."""
    body = service.render_map(session, caller, map_id)
    return Response(
        body, media_type="image/svg+xml", headers={"Cache-Control": "private, no-cache"}
    )
