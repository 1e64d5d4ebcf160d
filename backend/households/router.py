"""County read APIs: households by village, group and status; counts per group; one file."""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from backend.auth.dependencies import CurrentCaller
from backend.database import SessionDep
from backend.geo.params import GroupCode, TownshipCode, VillageCode
from backend.households import counts, service
from backend.households.counts import CountsAnswer
from backend.households.schemas import HouseholdFile, HouseholdPage
from backend.paging import Page
from backend.timeutil import utcnow

router = APIRouter(prefix="/api/v1/households", tags=["households"])


@router.get("")
def list_households(
    caller: CurrentCaller,
    session: SessionDep,
    page: Page,
    village_code: VillageCode = None,
    group_code: GroupCode = None,
    status: Literal["not_out", "out", "monitored"] | None = None,
    # no control characters: a name or ID digits never has one, and PostgreSQL cannot bind NUL
    q: Annotated[str | None, Query(min_length=1, max_length=50, pattern=r"^[^\x00-\x1f]+$")] = None,
) -> HouseholdPage:
    """Households in the caller's scope, filtered and searched, a page at a time."""
    return service.list_households(
        session,
        caller,
        village_code=village_code,
        group_code=group_code,
        status=status,
        q=q,
        page=page,
    )


@router.get("/counts")
def household_counts(
    caller: CurrentCaller,
    session: SessionDep,
    township_code: TownshipCode = None,
    village_code: VillageCode = None,
    since: Annotated[date | None, Query(description="Start of the visit round")] = None,
) -> CountsAnswer:
    """Per villager group in scope: households by poverty status, members, visits this round."""
    return counts.counts(
        session,
        caller,
        township_code=township_code,
        village_code=village_code,
        since=since,
        now=utcnow(),
    )


@router.get("/{household_id}")
def household_file(household_id: str, caller: CurrentCaller, session: SessionDep) -> HouseholdFile:
    """One household's family file: members, visits and version history."""
    return service.household_file(session, caller, household_id)
