"""The 精扶贷 ledger (Yuping, 民心党建+信合+): a poverty-relief loan per household and the
dividends it earns, declared for the record engine.

The scheme (seed report 004): a registered poor household borrows up to 50,000 yuan from the
rural credit cooperative (信合); the county pools the money into a leading enterprise or a
cooperative, which pays the household a guaranteed 4,000 yuan a year for three years and the
village collective 1,000 yuan per household a year, and repays the loan at maturity. The
county's risk fund (风险补偿金) steps in when an enterprise cannot.

A dividend is a record of its own under its loan, not an item of a list on it: two phones
recording different years' payments never conflict, and each payment has its own history.
"""

from datetime import date
from typing import Annotated

from backend.records import checks
from backend.records.fields import Vocab, choice, day, integer, ref, text
from backend.records.models import DataSchema
from backend.records.registry import RecordType, declare

# The scheme's figures (Yuping 产金互促5411): what a loan record starts with.
MAX_AMOUNT = 50_000
DIVIDEND_PER_YEAR = 4_000
COLLECTIVE_PER_YEAR = 1_000
TERM_YEARS = 3

LENDER = Vocab(
    rural_credit="农村信用社（信合）",
    agricultural_bank="农业银行",
    postal_bank="邮储银行",
    other="其他",
)
# Pooled into an enterprise or cooperative (入股分红), or used by the household on a project
# of its own (自主发展: 329 of Yuping's households).
LOAN_USE = Vocab(pooled="入股企业或合作社", own_project="自主发展产业")
LOAN_STATUS = Vocab(
    lent="在贷",
    repaid="已还清",
    overdue="逾期未还",
    extended="已展期",
    compensated="风险金代偿",
)
PAYEE = Vocab(household="农户", collective="村集体")


class LoanData(DataSchema):
    household_id: str = ref("所属农户")
    # None: not known yet (a loan carried over from the old yes/no flag), never a guess.
    amount: int | None = integer("贷款金额（元）", ge=1, le=MAX_AMOUNT)
    lender: Annotated[str, LENDER] = choice("放贷机构", "rural_credit")
    lent_on: date | None = day("放款日期", not_after_today=True, years_back=30)
    term_years: int = integer("贷款期限（年）", ge=1, le=10, default=TERM_YEARS)
    use: Annotated[str, LOAN_USE] = choice("资金用途", "pooled")
    pooled_into: str | None = text("入股企业或合作社", 100)
    dividend_per_year: int | None = integer(
        "农户保底分红（元/年）", ge=0, le=MAX_AMOUNT, default=DIVIDEND_PER_YEAR
    )
    collective_per_year: int | None = integer(
        "村集体分红（元/年）", ge=0, le=MAX_AMOUNT, default=COLLECTIVE_PER_YEAR
    )
    status: Annotated[str, LOAN_STATUS] = choice("贷款状态", "lent")
    repaid_on: date | None = day("还款日期", not_after_today=True, years_back=30)
    note: str | None = text("备注", 500, lines=True)


LOAN = declare(
    RecordType(
        name="loan",
        label="精扶贷",
        schema=LoanData,
        parent=("household", "household_id"),
        immutable=frozenset({"household_id"}),
        indexes=("household_id",),
        # a household takes one such loan; a few allow for a renewal or a correction
        max_per_parent=5,
        rules=(
            checks.not_before("repaid_on", "lent_on"),
            # a loan repaid says when
            checks.required_when("repaid_on", "status", "repaid", LOAN_STATUS.labels["repaid"]),
        ),
        title=("pooled_into", "amount", "status"),
        export=(
            "amount",
            "lender",
            "lent_on",
            "term_years",
            "use",
            "pooled_into",
            "dividend_per_year",
            "collective_per_year",
            "status",
            "repaid_on",
            "note",
        ),
    )
)


class LoanDividendData(DataSchema):
    loan_id: str = ref("所属贷款")
    payee: Annotated[str, PAYEE] = choice("收款方", "household")
    year: int | None = integer("分红年度（第几年）", ge=1, le=10)
    due_on: date | None = day("应付日期")
    amount: int | None = integer("金额（元）", ge=0, le=MAX_AMOUNT, default=DIVIDEND_PER_YEAR)
    # Empty while unpaid: a dividend past its due date and still unpaid is overdue.
    paid_on: date | None = day("实付日期", not_after_today=True, years_back=30)
    note: str | None = text("备注", 200)


LOAN_DIVIDEND = declare(
    RecordType(
        name="loan_dividend",
        label="分红",
        schema=LoanDividendData,
        parent=("loan", "loan_id"),
        immutable=frozenset({"loan_id"}),
        indexes=("loan_id",),
        # three years to the household and three to the collective, with room for a renewal
        max_per_parent=24,
        title=("year", "payee", "amount", "paid_on"),
        export=("payee", "year", "due_on", "amount", "paid_on", "note"),
    )
)

Loan = LOAN.model
LoanDividend = LOAN_DIVIDEND.model
