"""Conflict review: the open conflicts in scope, one conflict, and its resolution."""

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from backend.auth.dependencies import CurrentCaller, Reviewer, SettingsDep
from backend.conflicts import service
from backend.conflicts.schemas import ConflictOut, ConflictPage, ResolveAnswer, ResolveRequest
from backend.database import SessionDep
from backend.geo.params import VillageCode
from backend.paging import Page

router = APIRouter(prefix="/api/v1/conflicts", tags=["conflicts"])


@router.get("")
def list_conflicts(
    caller: CurrentCaller,
    session: SessionDep,
    page: Page,
    settings: SettingsDep,
    status: Literal["open", "resolved"] | None = "open",
    village_code: VillageCode = None,
    type: Annotated[str | None, Query(pattern=r"^[a-z_]{1,20}$")] = None,
    resolved_after: Annotated[
        datetime | None,
        Query(description="Only those resolved after this time (the server's), oldest first"),
    ] = None,
) -> ConflictPage:
    """Conflicts in the caller's scope, filtered by status, village, type and resolution time."""
    return service.list_conflicts(
        session,
        settings,
        caller,
        status=status,
        village_code=village_code,
        type_=type,
        page=page,
        resolved_after=resolved_after,
    )


@router.get("/{conflict_id}")
def get_conflict(
    conflict_id: str,
    caller: CurrentCaller,
    session: SessionDep,
    settings: SettingsDep,
) -> ConflictOut:
    """One conflict: base value, both values, who and when."""
    return service.get_conflict(session, settings, caller, conflict_id)


@router.post("/{conflict_id}/resolve")
def resolve(
    conflict_id: str,
    body: ResolveRequest,
    caller: Reviewer,
    session: SessionDep,
    settings: SettingsDep,
) -> ResolveAnswer:
    """Resolve field by field; the record gets a new version that phones pull."""
    return service.resolve(session, settings, caller, conflict_id, body)
