"""Spot-check rounds (电话抽查): draw one, list them, read one with the evidence per cadre."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Body, Query

from backend.auth.dependencies import Reviewer, SettingsDep
from backend.database import SessionDep
from backend.paging import RoundsPage
from backend.supervision import service
from backend.supervision.evidence import round_start
from backend.supervision.schemas import RoundAudit, RoundDetail, RoundPage, RoundRequest
from backend.timeutil import utcnow

router = APIRouter(prefix="/api/v1/supervision", tags=["supervision"])

Since = Annotated[
    date | None,
    Query(description="Start of the visit round (Beijing date); default the last 90 days"),
]


@router.post("/rounds", status_code=201)
def draw_round(
    caller: Reviewer,
    session: SessionDep,
    settings: SettingsDep,
    body: Annotated[RoundRequest | None, Body()] = None,
    since: Since = None,
) -> RoundDetail:
    """Draw a reproducible random sample of resident cadres to call, by the county rule."""
    now = utcnow()
    return service.create_round(
        session,
        caller,
        body or RoundRequest(),
        now=now,
        skew_flag_s=settings.clock_skew_flag_seconds,
        round_since=round_start(since, now),
    )


@router.get("/rounds")
def list_rounds(
    caller: Reviewer,
    session: SessionDep,
    page: RoundsPage,
) -> RoundPage:
    """The spot-check rounds in the caller's scope, newest first."""
    return service.list_rounds(session, caller, page)


@router.get("/rounds/{round_id}")
def get_round(
    round_id: str, caller: Reviewer, session: SessionDep, settings: SettingsDep, since: Since = None
) -> RoundDetail:
    """One round: each drawn cadre's phone, villages, recorded checks and evidence."""
    now = utcnow()
    return service.get_round(
        session,
        caller,
        round_id,
        now=now,
        skew_flag_s=settings.clock_skew_flag_seconds,
        round_since=round_start(since, now),
    )


@router.get("/rounds/{round_id}/audit")
def audit_round(round_id: str, caller: Reviewer, session: SessionDep) -> RoundAudit:
    """The draw's inputs (pool, weights, rule, seed) and whether they draw the same again."""
    return service.audit_round(session, caller, round_id)
