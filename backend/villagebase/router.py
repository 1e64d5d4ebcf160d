"""The village information base's reports: supervisors and admins, in their scope."""

from typing import Annotated

from fastapi import APIRouter, Query
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


def _report(
    caller: Reviewer, session: SessionDep, year: int | None, town: str | None
) -> VillageBaseReport:
    return reports.report(session, caller, year=year or today().year, township_code=town)


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
def report(
    caller: Reviewer, session: SessionDep, year: Year = None, township_code: TownshipCode = None
) -> VillageBaseReport:
    """The base of a year per village: income tier, indicators met, change on last year."""
    return _report(caller, session, year, township_code)


@router.get("/tiers.svg", response_class=Response)
def tiers_svg(
    caller: Reviewer, session: SessionDep, year: Year = None, township_code: TownshipCode = None
) -> Response:
    """Villages per collective economy income tier, as a bar chart."""
    body = reports.tiers_svg(_report(caller, session, year, township_code))
    return Response(
        body, media_type="image/svg+xml", headers={"Cache-Control": "private, no-cache"}
    )


@router.get("/not-met.svg", response_class=Response)
def not_met_svg(
    caller: Reviewer, session: SessionDep, year: Year = None, township_code: TownshipCode = None
) -> Response:
    """Indicators met and not met per village, as a bar chart."""
    body = reports.not_met_svg(_report(caller, session, year, township_code))
    return Response(
        body, media_type="image/svg+xml", headers={"Cache-Control": "private, no-cache"}
    )


@router.get("/report.csv", response_class=Response)
def report_csv(
    caller: Reviewer,
    session: SessionDep,
    settings: SettingsDep,
    year: Year = None,
    township_code: TownshipCode = None,
) -> Response:
    """The summary per village as CSV."""
    body = reports.to_csv(_report(caller, session, year, township_code))
    return _file(caller, settings, township_code, "csv", body, "text/csv; charset=utf-8")


@router.get("/report.xlsx", response_class=Response)
def report_xlsx(
    caller: Reviewer,
    session: SessionDep,
    settings: SettingsDep,
    year: Year = None,
    township_code: TownshipCode = None,
) -> Response:
    """The summary per village and every indicator not met, as XLSX."""
    body = reports.to_xlsx(_report(caller, session, year, township_code))
    return _file(caller, settings, township_code, "xlsx", body, XLSX)
