"""A type with no screen of its own (帮扶措施) on the phone: listed in the family file, added
offline through the form made from its schema, refused with the server's words, synced."""

import uuid
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.conftest import County, LiveServer
from tests.pwa.conftest import Phone, db_rows, op, push_ops, seed_households

pytestmark = pytest.mark.browser


def test_a_measure_is_added_offline_by_the_form_its_declaration_makes(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    (hid,) = seed_households(server, county.village_a, county.groups[county.village_a], 1)
    phone = phones(server)
    phone.open()
    phone.login("cadre_a")
    phone.wait_controlled()
    phone.wait_synced()
    server.kill()  # no signal
    page = phone.page
    phone.go(f"/h/{hid}")
    section = page.locator("[data-testid=records-measure]")
    expect(section).to_contain_text("帮扶措施")
    section.locator("text=＋ 添加帮扶措施").click()
    form = page.locator("[data-testid=record-form]")
    # the labels and choices are the declaration's
    expect(form).to_contain_text("措施内容")
    expect(form.locator("select[name=kind] option")).to_contain_text(["产业扶持", "就业扶持"])
    page.fill("input[name=title]", "养牛 2 头")
    page.fill("input[name=funds]", "20000000")
    page.click("button:has-text('保存')")
    expect(page.locator("label.field[data-field=funds] .err")).to_have_text(
        "投入资金（元）：不能大于 10000000"
    )
    assert phone.pending() == 0
    page.fill("input[name=funds]", "8000")
    page.select_option("select[name=status]", "under_way")
    page.fill("input[name=owner]", "龙再华")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=已保存")
    phone.wait_pending(1)
    expect(page.locator("[data-testid=records-measure]")).to_contain_text("养牛 2 头")

    server.start()
    phone.sync()
    phone.wait_pending(0)
    [row] = db_rows("SELECT title, funds, status, owner, household_id FROM measure")
    assert (row["title"], row["funds"], row["status"], row["owner"]) == (
        "养牛 2 头",
        8000,
        "under_way",
        "龙再华",
    )
    assert row["household_id"] == hid


def test_overdue_measures_are_on_the_cadres_worklist(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    (hid,) = seed_households(server, county.village_a, county.groups[county.village_a], 1)
    late, done, later = (str(uuid.uuid4()) for _ in range(3))
    base = {"household_id": hid, "kind": "industry"}
    verdicts = push_ops(
        server,
        "cadre_a",
        [
            op("measure", late, {**base, "title": "修缮圈舍", "due_on": "2026-01-31"}),
            op(
                "measure",
                done,
                {**base, "title": "发放鸡苗", "due_on": "2026-01-31", "status": "done"},
            ),
            op("measure", later, {**base, "title": "种茶 3 亩", "due_on": "2999-12-31"}),
        ],
    )
    assert [v["status"] for v in verdicts] == ["applied"] * 3
    phone = phones(server)
    phone.open()
    phone.login("cadre_a")
    phone.wait_synced()
    overdue = phone.page.locator(
        f"[data-testid=work-{county.village_a}] [data-testid=overdue-measures] li"
    )
    expect(overdue).to_have_count(1)  # done, and not yet due, are not overdue
    expect(overdue).to_contain_text("修缮圈舍")
    expect(overdue).to_contain_text("应于 2026-01-31 完成")
    overdue.first.click()
    phone.page.wait_for_selector("[data-testid=facts]")
    assert phone.page.url.endswith(f"#/h/{hid}")
