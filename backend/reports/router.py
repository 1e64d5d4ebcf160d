"""Supervisors' reports as JSON and as phone-sized SVG charts; supervisors and admins only."""

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from backend.auth.dependencies import Reviewer, SettingsDep
from backend.database import SessionDep
from backend.geo.params import TownshipCode
from backend.reports import charts, service
from backend.reports.schemas import ConflictReport, CoverageReport, RecallReport, SpotCheckReport
from backend.timeutil import utcnow

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])

Since = Annotated[date | None, Query(description="Start of the window (a Beijing date)")]
SVG: dict[int | str, dict[str, Any]] = {200: {"content": {"image/svg+xml": {}}}}


def _svg(body: bytes) -> Response:
    return Response(
        body, media_type="image/svg+xml", headers={"Cache-Control": "private, no-cache"}
    )


@router.get("/coverage")
def coverage(
    caller: Reviewer, session: SessionDep, since: Since = None, township_code: TownshipCode = None
) -> CoverageReport:
    """遍访 coverage: share of households visited in the window, per village, township, cadre."""
    return service.coverage(session, caller, since=since, township_code=township_code, now=utcnow())


@router.get("/coverage.svg", response_class=Response, responses=SVG)
def coverage_svg(
    caller: Reviewer,
    session: SessionDep,
    since: Since = None,
    township_code: TownshipCode = None,
    by: Literal["village", "township", "cadre"] = "village",
) -> Response:
    """遍访 coverage as a bar chart."""
    report = service.coverage(
        session, caller, since=since, township_code=township_code, now=utcnow()
    )
    return _svg(charts.coverage_svg(report, by))


@router.get("/spot-checks")
def spot_checks(
    caller: Reviewer, session: SessionDep, since: Since = None, township_code: TownshipCode = None
) -> SpotCheckReport:
    """Spot-check results per township and month (default: the last 6 months)."""
    return service.spot_checks(
        session, caller, since=since, township_code=township_code, now=utcnow()
    )


@router.get("/spot-checks.svg", response_class=Response, responses=SVG)
def spot_checks_svg(
    caller: Reviewer, session: SessionDep, since: Since = None, township_code: TownshipCode = None
) -> Response:
    """Spot-check results as a township × month grid."""
    report = service.spot_checks(
        session, caller, since=since, township_code=township_code, now=utcnow()
    )
    return _svg(charts.spot_checks_svg(report))


@router.get("/recall")
def recall(
    caller: Reviewer,
    session: SessionDep,
    settings: SettingsDep,
    since: Since = None,
    township_code: TownshipCode = None,
    min_absences: Annotated[int, Query(ge=1, le=100)] = 2,
) -> RecallReport:
    """The recall list: cadres not reached or not on post in ≥ 2 checks (default: a year)."""
    return service.recall(
        session,
        caller,
        since=since,
        min_absences=min_absences,
        township_code=township_code,
        now=utcnow(),
        skew_flag_s=settings.clock_skew_flag_seconds,
    )


@router.get("/conflicts")
def conflicts(
    caller: Reviewer, session: SessionDep, township_code: TownshipCode = None
) -> ConflictReport:
    """Open conflicts per village, most first."""
    return service.conflicts(session, caller, township_code=township_code)


@router.get("/conflicts.svg", response_class=Response, responses=SVG)
def conflicts_svg(
    caller: Reviewer, session: SessionDep, township_code: TownshipCode = None
) -> Response:
    """Open conflicts per village as a bar chart."""
    return _svg(
        charts.conflicts_svg(service.conflicts(session, caller, township_code=township_code))
    )
