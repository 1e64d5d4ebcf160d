"""The 精扶贷 report for supervisors and admins, within their scope."""

from typing import Annotated

from fastapi import APIRouter, Query

from backend.auth.dependencies import Reviewer
from backend.database import SessionDep
from backend.geo.params import TownshipCode, VillageCode
from backend.loans import reports
from backend.loans.schemas import LoanReport
from backend.timeutil import today

router = APIRouter(prefix="/api/v1/loans", tags=["loans"])


@router.get("/report")
def loan_report(
    caller: Reviewer,
    session: SessionDep,
    township_code: TownshipCode = None,
    village_code: VillageCode = None,
    days: Annotated[int, Query(ge=1, le=366, description="The maturing window in days")] = 90,
) -> LoanReport:
    """精扶贷: totals per enterprise, dividends overdue, loans maturing within ``days``."""
    return reports.loan_report(
        session,
        caller,
        township_code=township_code,
        village_code=village_code,
        days=days,
        today=today(),
    )
