"""The village information base report, as the API answers it."""

from pydantic import BaseModel


class TierCount(BaseModel):
    code: str
    label: str
    villages: int
    last_year: int


class NotMet(BaseModel):
    code: str
    name: str
    value: float | bool | str | None


class VillageRow(BaseModel):
    code: str
    name: str
    township_code: str
    township_name: str
    income: float | None  # collective economy income this year (yuan)
    income_last_year: float | None
    tier: str
    tier_last_year: str
    filled: int  # indicators with a value this year
    met: int
    not_met: int
    met_last_year: int
    newly_met: list[str]  # indicator codes met this year and not last year
    newly_not_met: list[str]
    shihao_met: int  # of the 十好 checklist
    completeness: float | None  # filled / indicators
    not_met_list: list[NotMet]


class VillageBaseReport(BaseModel):
    year: int
    indicators: int
    shihao_items: int
    villages: int
    completeness: float | None  # filled values / (villages × indicators)
    tiers: list[TierCount]
    empty_shell: list[str]  # village codes, 空壳村 this year
    empty_shell_last_year: int
    rows: list[VillageRow]
