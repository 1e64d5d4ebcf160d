"""The 精扶贷 report over the caller's villages (or one township or village of them; 404
outside): totals, totals per enterprise or cooperative, dividends overdue and loans
maturing soon.

- A dividend is **overdue** when its due date is before today (Beijing) and it has no paid
  date. Dividends without a due date are not judged.
- A loan **matures** ``term_years`` after it was lent (a 29 February lending matures on
  28 February); one not repaid nor compensated (风险金代偿) maturing within ``days`` is
  listed, one already past it is counted as past maturity.
- Amounts: loans carried over from the old yes/no flag have no amount yet; they are
  counted (``amount_unknown``), never added to a sum as a guess.
Only live loans of live households count, and only live dividends of those loans.

A county holds a few thousand loans and six dividends each: one query per table, summed here.
"""

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from backend.auth.dependencies import Caller
from backend.errors import NotFound
from backend.loans.records import LOAN, LOAN_DIVIDEND, LOAN_USE
from backend.loans.schemas import (
    EnterpriseTotals,
    LoanReport,
    LoanTotals,
    MaturingLoan,
    OverdueDividend,
)
from backend.reports.service import Geography
from backend.tables import HOUSEHOLD as H

LIST_LIMIT = 500
CLOSED = frozenset({"repaid", "compensated"})
NO_ENTERPRISE = "未填写入股企业"


def matures_on(lent_on: date, years: int) -> date:
    """The day a loan lent on ``lent_on`` for ``years`` falls due."""
    try:
        return lent_on.replace(year=lent_on.year + years)
    except ValueError:  # 29 February into a common year
        return lent_on.replace(year=lent_on.year + years, day=28)


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _enterprise(loan: dict[str, Any]) -> str:
    if loan["pooled_into"]:
        return str(loan["pooled_into"])
    return LOAN_USE.labels["own_project"] if loan["use"] == "own_project" else NO_ENTERPRISE


def _place(loan: dict[str, Any], geo: Geography) -> dict[str, Any]:
    """The fields of LoanPlace for a loan row."""
    return {
        "loan_id": loan["id"],
        "household_id": loan["household_id"],
        "head_name": loan["head_name"],
        "village_code": loan["village_code"],
        "village_name": geo.villages[loan["village_code"]][0],
        "pooled_into": loan["pooled_into"],
    }


def loan_report(
    session: Session,
    caller: Caller,
    *,
    township_code: str | None,
    village_code: str | None,
    days: int,
    today: date,
) -> LoanReport:
    """The report for the caller's villages, narrowed to a township or a village of them."""
    geo = Geography(session, caller, township_code)
    codes = geo.codes
    if village_code is not None:
        if village_code not in geo.villages:
            raise NotFound()
        codes = [village_code]
    conn = session.connection()
    L, D = LOAN.table, LOAN_DIVIDEND.table
    loans = {
        r["id"]: dict(r)
        for r in conn.execute(
            select(L, H.c.head_name)
            .join(H, H.c.id == L.c.household_id)
            .where(L.c.village_code.in_(codes), L.c.deleted.is_(False), H.c.deleted.is_(False))
        ).mappings()
    }
    dividends = [
        dict(r)
        for r in conn.execute(
            select(D).where(D.c.village_code.in_(codes), D.c.deleted.is_(False))
        ).mappings()
        if r["loan_id"] in loans
    ]

    per: dict[str, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    households: dict[str, set[str]] = defaultdict(set)
    maturing: list[MaturingLoan] = []
    past_maturity = 0
    for loan in loans.values():
        e = per[_enterprise(loan)]
        e["loans"] += 1
        households[_enterprise(loan)].add(loan["household_id"])
        if loan["amount"] is None:
            e["amount_unknown"] += 1
        else:
            e["amount"] += loan["amount"]
            if loan["status"] not in CLOSED:
                e["outstanding"] += loan["amount"]
        lent_on = _day(loan["lent_on"])
        if lent_on is None or loan["status"] in CLOSED:
            continue
        due = matures_on(lent_on, loan["term_years"])
        left = (due - today).days
        if left < 0:
            past_maturity += 1
        elif left <= days:
            maturing.append(
                MaturingLoan(
                    **_place(loan, geo),
                    amount=loan["amount"],
                    lent_on=lent_on,
                    matures_on=due,
                    days_left=left,
                    status=loan["status"],
                )
            )

    overdue: list[OverdueDividend] = []
    for d in dividends:
        loan = loans[d["loan_id"]]
        e = per[_enterprise(loan)]
        if d["paid_on"]:
            e[f"dividends_paid_{d['payee']}"] += d["amount"] or 0
            continue
        due_on = _day(d["due_on"])
        if due_on is None or due_on >= today:
            continue
        e["dividends_overdue"] += 1
        e["overdue_amount"] += d["amount"] or 0
        overdue.append(
            OverdueDividend(
                **_place(loan, geo),
                dividend_id=d["id"],
                payee=d["payee"],
                year=d["year"],
                due_on=due_on,
                amount=d["amount"],
                days_overdue=(today - due_on).days,
            )
        )

    overdue.sort(key=lambda o: (o.due_on, o.village_code, o.head_name, o.dividend_id))
    maturing.sort(key=lambda m: (m.matures_on, m.village_code, m.head_name, m.loan_id))
    enterprises = [
        EnterpriseTotals(
            name=name,
            households=len(households[name]),
            **{k: e[k] for k in EnterpriseTotals.model_fields if k not in ("name", "households")},
        )
        for name, e in sorted(per.items(), key=lambda kv: (-kv[1]["loans"], kv[0]))
    ]
    total = {
        "loans": len(loans),
        "households": len({loan["household_id"] for loan in loans.values()}),
        "past_maturity": past_maturity,
    }
    for k in LoanTotals.model_fields.keys() - total.keys():
        total[k] = sum(getattr(x, k) for x in enterprises)
    return LoanReport(
        as_of=today,
        days=days,
        totals=LoanTotals(**total),
        enterprises=enterprises,
        overdue_dividends=overdue[:LIST_LIMIT],
        overdue_dividends_more=max(0, len(overdue) - LIST_LIMIT),
        maturing=maturing[:LIST_LIMIT],
        maturing_more=max(0, len(maturing) - LIST_LIMIT),
    )
