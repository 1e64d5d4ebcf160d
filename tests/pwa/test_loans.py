"""The 精扶贷 ledger on the phone, in real Chromium: the family file lists the household's
loan; the loan's page lists its dividends; with no signal a dividend is added (and a loan
over 50,000 refused in the server's words), then synced; the supervisor's reports screen
shows the ledger's totals."""

import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from backend.timeutil import today
from tests.conftest import County, LiveServer
from tests.pwa.conftest import Phone, db_rows, op, push_ops, seed_households

pytestmark = pytest.mark.browser


def test_a_loan_and_its_dividends_in_the_family_file(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    (hid,) = seed_households(server, county.village_a, county.groups[county.village_a], 1)
    loan, paid = str(uuid.uuid4()), str(uuid.uuid4())
    lent = today() - timedelta(days=400)
    push_ops(
        server,
        "cadre_a",
        [
            op(
                "loan",
                loan,
                {
                    "household_id": hid,
                    "amount": 50_000,
                    "lent_on": lent.isoformat(),
                    "pooled_into": "青溪温氏畜牧有限公司",
                },
            ),
            op(
                "loan_dividend",
                paid,
                {
                    "loan_id": loan,
                    "year": 1,
                    "due_on": (lent + timedelta(days=365)).isoformat(),
                    "amount": 4000,
                    "paid_on": (lent + timedelta(days=370)).isoformat(),
                },
            ),
        ],
    )
    phone = phones(server)
    phone.open()
    phone.login("cadre_a")
    phone.wait_controlled()
    phone.wait_synced()
    server.kill()  # no signal
    page = phone.page
    phone.go(f"/h/{hid}")
    loans = page.locator("[data-testid=records-loan]")
    expect(loans).to_contain_text("精扶贷")
    expect(loans).to_contain_text("青溪温氏畜牧有限公司 50000 在贷")
    loans.locator("a.row").click()
    form = page.locator("[data-testid=record-form]")
    expect(form).to_contain_text("入股企业或合作社")
    # the loan's own dividends, listed under it
    dividends = page.locator("[data-testid=records-loan_dividend]")
    expect(dividends.locator("li")).to_have_count(1)
    # a loan over the scheme's 50,000 is refused on the phone, in the server's words
    page.fill("input[name=amount]", "60000")
    page.click("button:has-text('保存')")
    expect(page.locator("label.field[data-field=amount] .err")).to_have_text(
        "贷款金额（元）：不能大于 50000"
    )
    page.fill("input[name=amount]", "50000")
    dividends.locator("text=＋ 添加分红").click()
    page.fill("input[name=year]", "2")
    page.fill("input[name=due_on]", (lent + timedelta(days=730)).isoformat())
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=已保存")
    phone.wait_pending(1)
    # back on the loan's page, both dividends listed
    expect(page.locator("[data-testid=records-loan_dividend] li")).to_have_count(2)

    server.start()
    phone.sync()
    phone.wait_pending(0)
    rows = db_rows("SELECT year, amount, paid_on, village_code FROM loan_dividend ORDER BY year")
    assert [(r["year"], r["amount"], r["paid_on"]) for r in rows] == [
        (1, 4000, (lent + timedelta(days=370)).isoformat()),
        (2, 4000, None),  # the declared default: the scheme's 4,000 a year
    ]
    assert {r["village_code"] for r in rows} == {county.village_a}

    # the township supervisor's reports screen shows the ledger
    sup = phones(server, "sup")
    sup.open()
    sup.login("super_t1")
    sup.go("/sv/reports")
    ledger = sup.page.locator("[data-testid=sv-loans]")
    expect(ledger.locator("[data-testid=loan-totals]")).to_contain_text(
        "1 户贷款 1 笔，金额 5 万元"
    )
    expect(ledger.locator("[data-testid=loan-enterprise]")).to_contain_text("青溪温氏畜牧有限公司")
