"""三单制 reports for supervisors and admins, limited to their scope."""

from fastapi import APIRouter

from backend.auth.dependencies import Reviewer
from backend.database import SessionDep
from backend.geo.params import TownshipCode
from backend.orders import reports
from backend.orders.reports import OrdersReport
from backend.timeutil import today

router = APIRouter(prefix="/api/v1/reports", tags=["orders"])


@router.get("/orders")
def orders(
    caller: Reviewer, session: SessionDep, township_code: TownshipCode = None
) -> OrdersReport:
    """三单制: orders placed, claimed, fulfilled per village; idle party members; oldest unclaimed."""
    return reports.orders_report(session, caller, township_code=township_code, today=today())
