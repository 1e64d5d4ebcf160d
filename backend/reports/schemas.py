"""Bodies of the supervisors' reports."""

from datetime import datetime

from pydantic import BaseModel

from backend.supervision.evidence import Evidence
from backend.supervision.schemas import Named


class Coverage(BaseModel):
    households: int
    visited: int  # households with a visit in the window
    share: float | None  # visited / households, None without households


class VillageCoverage(Coverage):
    code: str
    name: str
    township_code: str
    township_name: str


class TownshipCoverage(Coverage):
    code: str
    name: str
    villages: int


class CadreCoverage(Coverage):
    """Households in the cadre's villages (in scope) that *this cadre* visited."""

    cadre_id: int
    name: str
    villages: list[str]
    visits: int  # the cadre's visits in the window


class CoverageReport(BaseModel):
    since: datetime
    until: datetime
    total: Coverage
    townships: list[TownshipCoverage]
    villages: list[VillageCoverage]
    cadres: list[CadreCoverage]


class CheckCounts(BaseModel):
    checks: int = 0
    reached: int = 0
    on_post: int = 0  # reached and said on post
    absent: int = 0  # not reached, or said not on post


class PeriodCounts(CheckCounts):
    period: str  # YYYY-MM, Beijing time


class TownshipChecks(BaseModel):
    code: str
    name: str
    periods: list[PeriodCounts]
    total: CheckCounts


class SpotCheckReport(BaseModel):
    since: datetime
    until: datetime
    periods: list[str]
    townships: list[TownshipChecks]
    total: CheckCounts


class RecallCadre(BaseModel):
    cadre_id: int
    name: str
    phone: str
    tel: str | None
    active: bool
    township: Named | None
    villages: list[Named]
    checks: int
    absences: int
    not_reached: int
    not_on_post: int
    last_absent_at: datetime | None
    last_check_at: datetime | None
    evidence: Evidence


class RecallReport(BaseModel):
    since: datetime
    until: datetime
    min_absences: int
    cadres: list[RecallCadre]


class VillageConflicts(BaseModel):
    code: str
    name: str
    township_code: str
    township_name: str
    open: int
    by_type: dict[str, int]


class ConflictReport(BaseModel):
    total: int
    villages: list[VillageConflicts]
