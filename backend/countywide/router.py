"""``GET /api/v1/county-records/{type}``: a county-wide type's records, for the console's
editor (the edits themselves are pushed through ``POST /api/v1/sync/push``)."""

from typing import Annotated

from fastapi import APIRouter, Path, Query

from backend.auth.dependencies import CurrentCaller
from backend.countywide import service
from backend.countywide.schemas import CountyRecords
from backend.database import SessionDep

router = APIRouter(prefix="/api/v1/county-records", tags=["records"])


@router.get("/{type_name}")
def county_records(
    caller: CurrentCaller,
    session: SessionDep,
    type_name: Annotated[str, Path(max_length=20, pattern=r"^[a-z_]+$")],
    limit: Annotated[int, Query(ge=1, le=2000)] = 1000,
) -> CountyRecords:
    """The live records of one county-wide type in the caller's county, by title."""
    return service.county_records(session, caller, type_name, limit)
