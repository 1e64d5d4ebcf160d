"""The village information base's reports: supervisors and admins, in their scope."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from backend.auth.dependencies import Reviewer, SettingsDep
from backend.database import SessionDep
from backend.exports import service as exports
from backend.exports.router import XLSX, _headers, _stamp
from backend.geo.params import TownshipCode
from backend.timeutil import today
from backend.villagebase import reports
from backend.villagebase.schemas import VillageBaseReport

router = APIRouter(prefix="/api/v1/village-base", tags=["village base"])

Year = Annotated[int | None, Query(ge=2000, le=2100, description="default: this year (Beijing)")]


def _build(
    caller: Reviewer, session: SessionDep, year: Year = None, township_code: TownshipCode = None
) -> VillageBaseReport:
    """The report each route answers in its own form (404 for a township out of scope)."""
    return reports.report(session, caller, year=year or today().year, township_code=township_code)


Report = Annotated[VillageBaseReport, Depends(_build)]


def _svg(body: bytes) -> Response:
    return Response(
        body, media_type="image/svg+xml", headers={"Cache-Control": "private, no-cache"}
    )


def _file(
    caller: Reviewer, settings: SettingsDep, town: str | None, fmt: str, body: bytes, media: str
) -> Response:
    # Logged like every export (no ID numbers in it, but who took the county's figures).
    req = exports.prepare(
        caller,
        township_code=town,
        village_code=None,
        skew_flag_s=settings.clock_skew_flag_seconds,
    )
    exports.log_export(req, "village-base", fmt)
    name = f"village-base-{_stamp()}.{fmt}"
    return Response(body, media_type=media, headers=_headers(name, f"小康信息库-{_stamp()}.{fmt}"))


@router.get("/report")
def report(r: Report) -> VillageBaseReport:
    """The base of a year per village: income tier, indicators met, change on last year."""
    return r


@router.get("/tiers.svg", response_class=Response)
def tiers_svg(r: Report) -> Response:
    """Villages per collective economy income tier, as a bar chart."""
    return _svg(reports.tiers_svg(r))


@router.get("/not-met.svg", response_class=Response)
def not_met_svg(r: Report) -> Response:
    """Indicators met and not met per village, as a bar chart."""
    return _svg(reports.not_met_svg(r))


@router.get("/report.csv", response_class=Response)
def report_csv(
    r: Report, caller: Reviewer, settings: SettingsDep, township_code: TownshipCode = None
) -> Response:
    """The summary per village as CSV."""
    return _file(
        caller, settings, township_code, "csv", reports.to_csv(r), "text/csv; charset=utf-8"
    )


@router.get("/report.xlsx", response_class=Response)
def report_xlsx(
    r: Report, caller: Reviewer, settings: SettingsDep, township_code: TownshipCode = None
) -> Response:
    """The summary per village and every indicator not met, as XLSX."""
    return _file(caller, settings, township_code, "xlsx", reports.to_xlsx(r), XLSX)
