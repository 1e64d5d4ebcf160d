"""The demo county's 精扶贷 ledger, at Yuping's scale (seed report 004): every household
marked ``relief_loan`` holds its loan — 50,000 yuan from the credit cooperative, about four
in five pooled into a leading enterprise or a cooperative (1,299 of Yuping's households; 329
chose a project of their own) — with each year's dividends: 4,000 yuan to the household and
1,000 to the village collective, most paid within weeks of their due date, some overdue.

Loans were lent over the last three and a half years, so some have been repaid, some are
past maturity, and some mature within the next 90 days. Built after the family files, from
them, by the village's resident cadre (the admin's import where a village has none).
"""

import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, select

from backend.demo.county import TODAY, make_uuid
from backend.demo.load import Loader, Writer, cyclic_gc_paused
from backend.loans.records import (
    COLLECTIVE_PER_YEAR,
    DIVIDEND_PER_YEAR,
    LOAN,
    LOAN_DIVIDEND,
    MAX_AMOUNT,
    TERM_YEARS,
)
from backend.loans.reports import matures_on
from backend.tables import HOUSEHOLD as H, TOWNSHIP as TWP, VILLAGE as VIL

# The county's leading enterprises (龙头企业) the pooled loans went into, with their weight.
ENTERPRISES = (
    ("青溪温氏畜牧有限公司", 5),
    ("青溪大龙健康食品有限公司", 4),
    ("青溪侗乡茶业有限公司", 3),
    ("贵州黔东油茶开发有限公司", 2),
    ("青溪县扶贫开发投资有限公司", 2),
    ("青溪黄桃产业发展有限公司", 1),
)
# Cooperatives a village's households pooled into instead (a township's own), by product.
COOPERATIVES = ("茶叶", "生猪养殖", "肉牛养殖", "精品水果", "中药材", "生态土鸡")
OWN_PROJECT_SHARE = 329 / 1628
COOPERATIVE_SHARE = 0.15
PAID_SHARE = 0.92  # dividends paid by their due date or soon after; the rest are overdue
LENT_DAYS = (120, 3 * 365 + 180)  # lent between four months and three and a half years ago


def _dividends(
    rng: random.Random, loan_id: str, lent_on: date, closed: bool
) -> list[dict[str, Any]]:
    """Each year's dividends that fell due by today, and the next one still to come."""
    out = []
    for year in range(1, TERM_YEARS + 1):
        due = matures_on(lent_on, year)
        if due > TODAY and (closed or matures_on(lent_on, year - 1) > TODAY):
            break  # only the next one ahead is scheduled
        for payee, amount in (
            ("household", DIVIDEND_PER_YEAR),
            ("collective", COLLECTIVE_PER_YEAR),
        ):
            paid = None
            if due <= TODAY and (closed or rng.random() < PAID_SHARE):
                paid = min(TODAY, due + timedelta(days=rng.randint(0, 25)))
            out.append(
                {
                    "loan_id": loan_id,
                    "payee": payee,
                    "year": year,
                    "due_on": due.isoformat(),
                    "amount": amount,
                    "paid_on": paid.isoformat() if paid else None,
                    "note": None,
                }
            )
    return out


def _loan(rng: random.Random, hh_id: str, town: str) -> tuple[dict[str, Any], date]:
    lent_on = TODAY - timedelta(days=rng.randint(*LENT_DAYS))
    due = matures_on(lent_on, TERM_YEARS)
    roll = rng.random()
    if roll < OWN_PROJECT_SHARE:
        use, pooled = "own_project", None
    elif roll < OWN_PROJECT_SHARE + COOPERATIVE_SHARE:
        use, pooled = "pooled", f"{town}{rng.choice(COOPERATIVES)}专业合作社"
    else:
        names, weights = zip(*ENTERPRISES, strict=True)
        use, pooled = "pooled", rng.choices(names, weights)[0]
    status, repaid_on = "lent", None
    if due <= TODAY:
        fate = rng.random()
        if fate < 0.75:
            status = "repaid"
            repaid_on = min(TODAY, due + timedelta(days=rng.randint(0, 20))).isoformat()
        elif fate < 0.9:
            status = "overdue"
        else:
            status = "compensated"  # the county's risk fund repaid the cooperative
    amount = MAX_AMOUNT if use == "pooled" else rng.choice((20_000, 30_000, 50_000))
    data = {
        "household_id": hh_id,
        "amount": amount,
        "lender": "rural_credit",
        "lent_on": lent_on.isoformat(),
        "term_years": TERM_YEARS,
        "use": use,
        "pooled_into": pooled,
        "dividend_per_year": DIVIDEND_PER_YEAR if use == "pooled" else None,
        "collective_per_year": COLLECTIVE_PER_YEAR if use == "pooled" else None,
        "status": status,
        "repaid_on": repaid_on,
        "note": None,
    }
    return data, lent_on


def load_loans(
    engine: Engine, seed: int, user_ids: dict[str, int], first_seq: int, counts: dict[str, int]
) -> int:
    """The ledger of every household marked ``relief_loan``, numbered from ``first_seq``;
    adds its counts to ``counts`` and answers the last sequence number."""
    rng = random.Random(f"{seed}/loans")
    with engine.connect() as conn:
        households = conn.execute(
            select(H.c.id, H.c.village_code)
            .where(H.c.relief_loan.is_(True), H.c.deleted.is_(False))
            .order_by(H.c.village_code, H.c.seq)
        ).all()
        towns: dict[str, str] = dict(
            conn.execute(
                select(VIL.c.code, TWP.c.name).join(TWP, TWP.c.code == VIL.c.township_code)
            ).all()
        )
    seq = first_seq
    with cyclic_gc_paused():
        writer = Writer(engine)
        try:
            loader = Loader(writer, user_ids["admin"])
            for hh_id, village in households:
                author = user_ids.get(f"cadre_{village}")
                data, lent_on = _loan(rng, hh_id, towns[village])
                loan_id = make_uuid(rng)
                loader.add(LOAN, loan_id, data, seq, village, author)
                seq += 1
                if data["use"] != "pooled":
                    continue
                closed = data["status"] in ("repaid", "compensated")
                for d in _dividends(rng, loan_id, lent_on, closed):
                    loader.add(LOAN_DIVIDEND, make_uuid(rng), d, seq, village, author)
                    seq += 1
            loader.flush()
        except BaseException:
            writer.abandon()
            raise
        writer.close()
    for name, n in loader.counts.items():
        counts[name] = counts.get(name, 0) + n
    return seq - 1
