"""Bodies of the 精扶贷 report."""

from datetime import date

from pydantic import BaseModel


class LoanTotals(BaseModel):
    loans: int  # live loans of live households in the report's villages
    households: int
    amount: int  # the sum of the amounts known
    amount_unknown: int  # loans whose amount is not recorded yet (carried over from the flag)
    outstanding: int  # amounts known of loans not repaid nor compensated
    past_maturity: int  # loans past their maturity, neither repaid nor compensated
    dividends_paid_household: int  # yuan paid to households
    dividends_paid_collective: int  # yuan paid to village collectives
    dividends_overdue: int  # dividends past their due date and unpaid


class EnterpriseTotals(BaseModel):
    name: str  # the enterprise or cooperative; 自主发展 / 未填写 for the rest
    loans: int
    households: int
    amount: int
    amount_unknown: int
    outstanding: int
    dividends_paid_household: int
    dividends_paid_collective: int
    dividends_overdue: int
    overdue_amount: int


class LoanPlace(BaseModel):
    """Whose loan, where, pooled into what: what a list row names it by."""

    loan_id: str
    household_id: str
    head_name: str
    village_code: str
    village_name: str
    pooled_into: str | None


class OverdueDividend(LoanPlace):
    dividend_id: str
    payee: str
    year: int | None
    due_on: date
    amount: int | None
    days_overdue: int


class MaturingLoan(LoanPlace):
    amount: int | None
    lent_on: date
    matures_on: date
    days_left: int
    status: str


class LoanReport(BaseModel):
    as_of: date  # today in Beijing
    days: int  # the maturing window
    totals: LoanTotals
    enterprises: list[EnterpriseTotals]
    overdue_dividends: list[OverdueDividend]  # the longest overdue first, at most LIST_LIMIT
    overdue_dividends_more: int  # how many more there were beyond the list
    maturing: list[MaturingLoan]  # the soonest first, at most LIST_LIMIT
    maturing_more: int
