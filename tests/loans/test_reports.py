"""The 精扶贷 report: its figures equal counts made by hand over a small ledger, and it
answers within the caller's scope only (404 outside, 403 for cadres)."""

from datetime import date, timedelta
from typing import Any

from backend.loans.reports import matures_on
from backend.timeutil import today
from tests.conftest import County
from tests.sync.phone import Phone, household, new_id


def _years_ago(years: int, plus_days: int = 0) -> str:
    t = today()
    return (matures_on(t, -years) + timedelta(days=plus_days)).isoformat()


def _loan(hh: str, **fields: Any) -> dict[str, Any]:
    return {"household_id": hh, "amount": 50_000, "pooled_into": "玉屏大龙实业", **fields}


def _dividend(loan: str, **fields: Any) -> dict[str, Any]:
    return {"loan_id": loan, "payee": "household", "amount": 4000, **fields}


def test_report_figures_equal_hand_counts(client, county: County) -> None:
    a, c = Phone(client, "cadre_a", "d-a"), Phone(client, "cadre_c", "d-c")
    t = today()
    past, soon, later = (t - timedelta(days=10)).isoformat(), t + timedelta(days=10), None
    hh = {n: new_id() for n in ("a1", "a2", "a3", "c1")}
    names = {"a1": "杨光明", "a2": "龙再华", "a3": "吴秀英", "c1": "姚德胜"}
    a.push_ok(
        [
            a.op("household", hh[n], household(county.village_a, head_name=names[n]))
            for n in ("a1", "a2", "a3")
        ]
    )
    c.push_ok([c.op("household", hh["c1"], household(county.village_c, head_name="姚德胜"))])
    loans = {n: new_id() for n in ("a1", "a2", "a3", "c1")}
    a.push_ok(
        [
            # matures in 30 days: listed as maturing
            a.op("loan", loans["a1"], _loan(hh["a1"], lent_on=_years_ago(3, 30))),
            # matured 10 days ago, not repaid: past maturity
            a.op("loan", loans["a2"], _loan(hh["a2"], lent_on=_years_ago(3, -10))),
            # amount unknown (carried over), another enterprise, 100 days out: not listed
            a.op(
                "loan",
                loans["a3"],
                _loan(hh["a3"], amount=None, pooled_into="茶园合作社", lent_on=_years_ago(3, 100)),
            ),
        ]
    )
    # repaid: no maturity, not outstanding
    c.push_ok(
        [
            c.op(
                "loan",
                loans["c1"],
                _loan(
                    hh["c1"],
                    amount=30_000,
                    lent_on=_years_ago(3, 5),
                    status="repaid",
                    repaid_on=_years_ago(0, -5),
                ),
            )
        ]
    )
    div = {n: new_id() for n in range(7)}
    a.push_ok(
        [
            a.op(
                "loan_dividend", div[0], _dividend(loans["a1"], year=1, due_on=past, paid_on=past)
            ),
            a.op(
                "loan_dividend",
                div[1],
                _dividend(loans["a1"], payee="collective", amount=1000, due_on=past, paid_on=past),
            ),
            # overdue: due 10 days ago, unpaid
            a.op("loan_dividend", div[2], _dividend(loans["a2"], year=2, due_on=past)),
            # due in 10 days, unpaid: not overdue yet
            a.op("loan_dividend", div[3], _dividend(loans["a2"], due_on=soon.isoformat())),
            # no due date: not judged
            a.op("loan_dividend", div[4], _dividend(loans["a3"], due_on=later)),
            # overdue, then deleted: not counted
            a.op("loan_dividend", div[5], _dividend(loans["a3"], due_on=past)),
        ]
    )
    [r] = a.push_ok([a.op("loan_dividend", div[5], delete=True, base=1)])
    assert r["status"] == "applied"
    c.push_ok(
        [
            c.op(
                "loan_dividend",
                div[6],
                _dividend(loans["c1"], amount=3000, due_on=past, paid_on=past),
            )
        ]
    )

    admin = Phone(client, "admin", "d-ad")
    r = client.get("/api/v1/loans/report", headers=admin.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["as_of"] == t.isoformat()
    assert body["totals"] == {
        "loans": 4,
        "households": 4,
        "amount": 50_000 + 50_000 + 30_000,
        "amount_unknown": 1,
        "outstanding": 100_000,
        "past_maturity": 1,
        "dividends_paid_household": 4000 + 3000,
        "dividends_paid_collective": 1000,
        "dividends_overdue": 1,
    }
    by_name = {e["name"]: e for e in body["enterprises"]}
    assert set(by_name) == {"玉屏大龙实业", "茶园合作社"}
    assert by_name["玉屏大龙实业"] == {
        "name": "玉屏大龙实业",
        "loans": 3,
        "households": 3,
        "amount": 130_000,
        "amount_unknown": 0,
        "outstanding": 100_000,
        "dividends_paid_household": 7000,
        "dividends_paid_collective": 1000,
        "dividends_overdue": 1,
        "overdue_amount": 4000,
    }
    assert by_name["茶园合作社"]["amount_unknown"] == 1
    [o] = body["overdue_dividends"]
    assert (o["dividend_id"], o["head_name"], o["days_overdue"], o["year"]) == (
        div[2],
        "龙再华",
        10,
        2,
    )
    assert o["village_name"] == "茅坡村"
    [m] = body["maturing"]
    assert (m["loan_id"], m["days_left"], m["head_name"]) == (loans["a1"], 30, "杨光明")
    assert m["matures_on"] == (t + timedelta(days=30)).isoformat()

    # a wider window takes in the loan 100 days out
    wide = client.get("/api/v1/loans/report?days=120", headers=admin.headers).json()
    assert [x["loan_id"] for x in wide["maturing"]] == [loans["a1"], loans["a3"]]

    # the township supervisor sees township 1 only: village c's repaid loan is not there
    sup = Phone(client, "super_t1", "d-s")
    mine = client.get("/api/v1/loans/report", headers=sup.headers).json()
    assert (mine["totals"]["loans"], mine["totals"]["amount"]) == (3, 100_000)
    one = client.get(
        f"/api/v1/loans/report?village_code={county.village_a}", headers=sup.headers
    ).json()
    assert one["totals"]["loans"] == 3
    for query in (f"township_code={county.township_2}", f"village_code={county.village_c}"):
        assert client.get(f"/api/v1/loans/report?{query}", headers=sup.headers).status_code == 404
    # cadres keep the ledger on their phones; the county's report is not theirs
    assert client.get("/api/v1/loans/report", headers=a.headers).status_code == 403


def test_maturity_of_a_leap_day_loan() -> None:
    assert matures_on(date(2016, 2, 29), 3) == date(2019, 2, 28)
    assert matures_on(date(2016, 2, 29), 4) == date(2020, 2, 29)


def test_a_cadre_records_a_loan_and_its_dividends_only_in_their_villages(
    client, county: County
) -> None:
    a, b = Phone(client, "cadre_a", "d-a"), Phone(client, "cadre_b", "d-b")
    hh, loan = new_id(), new_id()
    a.push_ok([a.op("household", hh, household(county.village_a))])
    [r] = a.push_ok([a.op("loan", loan, _loan(hh, amount=60_000))])
    assert r["status"] == "rejected"
    assert "50000" in r["error"]["message"]
    [r] = a.push_ok([a.op("loan", loan, _loan(hh))])
    assert r["status"] == "applied"
    # another village's cadre can neither file a dividend under it nor see it
    [r] = b.push_ok([b.op("loan_dividend", new_id(), _dividend(loan))])
    assert r["error"]["code"] == "unknown_parent"
    assert loan not in {x["id"] for x in b.pull_all()[0]}
    # two phones of the village record different dividends: both kept, no conflict
    a2 = Phone(client, "cadre_a2", "d-a2")
    a2.pull_all()
    d1, d2 = new_id(), new_id()
    [r1] = a.push_ok([a.op("loan_dividend", d1, _dividend(loan, year=1))])
    [r2] = a2.push_ok([a2.op("loan_dividend", d2, _dividend(loan, year=2))])
    assert (r1["status"], r2["status"]) == ("applied", "applied")
    got = {x["id"]: x for x in a.pull_all()[0] if x["type"] == "loan_dividend"}
    assert set(got) == {d1, d2}
    assert all(not x["has_conflict"] for x in got.values())
