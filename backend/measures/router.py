"""一户一策 reports (supervisors, admins) and the printable family file (anyone in scope)."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from backend.auth.dependencies import CurrentCaller, Reviewer
from backend.database import SessionDep
from backend.exports.router import XLSX, _headers
from backend.geo.params import TownshipCode, VillageCode
from backend.measures import reports
from backend.timeutil import today

router = APIRouter(tags=["measures"])

PDF: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}}}
TABLES = {"kind": 0, "village": 1, "unit": 2}


# The two routes that print import the family file's module themselves, not at start: its
# PDF library (fpdf2 over fontTools) is 27 MiB of the process's memory, which a county
# process that syncs phones all day and never prints should not carry (bench/load_bench.py:
# the township burst's server RSS goal). The first print loads it, once.
def _pdf(body: bytes, name: str) -> Response:
    return Response(
        body,
        media_type="application/pdf",
        # inline: the browser shows it, and prints from there
        headers={**_headers("family-file.pdf", name), "Content-Disposition": "inline"},
    )


@router.get("/api/v1/households/{household_id}.pdf", response_class=Response, responses=PDF)
def household_pdf(
    household_id: Annotated[str, Path(max_length=36)], caller: CurrentCaller, session: SessionDep
) -> Response:
    """One household's family file as an A4 PDF (ID numbers masked as the role requires)."""
    from backend.measures import familyfile

    h = familyfile.household_row(session, caller, household_id)
    return _pdf(familyfile.household_pdf(session, caller.role, h), f"家庭档案-{h['head_name']}.pdf")


@router.get(
    "/api/v1/villages/{village_code}/households.pdf", response_class=Response, responses=PDF
)
def village_pdf(
    village_code: Annotated[str, Path(pattern=r"^[0-9]{12}$")],
    caller: CurrentCaller,
    session: SessionDep,
) -> Response:
    """Every household of one village, a family file each, in one PDF."""
    from backend.measures import familyfile

    rows = familyfile.village_rows(session, caller, village_code)
    return _pdf(familyfile.village_pdf(session, caller.role, village_code, rows), "家庭档案.pdf")


@router.get("/api/v1/measures/report")
def measures_report(
    caller: Reviewer,
    session: SessionDep,
    township_code: TownshipCode = None,
    village_code: VillageCode = None,
) -> reports.MeasureReport:
    """一户一策 in scope: by kind, done rate, overdue per village and per helping unit."""
    return reports.report(
        session, caller, township_code=township_code, village_code=village_code, today=today()
    )


@router.get("/api/v1/measures/report.csv", response_class=Response)
def measures_report_csv(
    caller: Reviewer,
    session: SessionDep,
    table: Annotated[Literal["kind", "village", "unit"], Query()] = "village",
    township_code: TownshipCode = None,
    village_code: VillageCode = None,
) -> Response:
    """One table of the report (by kind, village or helping unit) as CSV."""
    rep = reports.report(
        session, caller, township_code=township_code, village_code=village_code, today=today()
    )
    return Response(
        reports.csv_bytes(rep, TABLES[table]),
        media_type="text/csv; charset=utf-8",
        headers=_headers(f"measures-{table}.csv", f"帮扶措施统计-{table}.csv"),
    )


@router.get("/api/v1/measures/report.xlsx", response_class=Response)
def measures_report_xlsx(
    caller: Reviewer,
    session: SessionDep,
    township_code: TownshipCode = None,
    village_code: VillageCode = None,
) -> Response:
    """The report's three tables as one workbook."""
    rep = reports.report(
        session, caller, township_code=township_code, village_code=village_code, today=today()
    )
    return Response(
        reports.xlsx_bytes(rep),
        media_type=XLSX,
        headers=_headers("measures.xlsx", "帮扶措施统计.xlsx"),
    )
