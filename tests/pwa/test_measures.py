"""一户一策 on the phone: the plan in the family file, a measure added offline (picked from the
county's menu or typed) and refused with the server's words, late measures marked, a measure
marked done offline with its result and date — and the supervisor's report follows."""

import uuid
from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import expect

from tests.conftest import County, LiveServer
from tests.pwa.conftest import Phone, api_login, db_rows, op, push_ops, seed_households

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
    section = page.locator("[data-testid=measure-plan]")
    expect(section).to_contain_text("一户一策")
    section.locator("text=＋ 添加帮扶措施").click()
    form = page.locator("[data-testid=measure-form]")
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
    expect(page.locator("[data-testid=measure-plan]")).to_contain_text("养牛 2 头")

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
                {
                    **base,
                    "title": "发放鸡苗",
                    "due_on": "2026-01-31",
                    "status": "done",
                    "done_on": "2026-01-20",
                },
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


def _report(server: LiveServer) -> dict:
    headers = api_login(server, "super_county", "d-report")
    r = httpx.get(f"{server.url}/api/v1/measures/report", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["total"]


def test_a_measure_picked_from_the_menu_is_marked_done_offline_and_the_report_follows(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    (hid,) = seed_households(server, county.village_a, county.groups[county.village_a], 1)
    item, late = str(uuid.uuid4()), str(uuid.uuid4())
    menu = {"name": "乌骨鸡养殖", "kind": "industry", "standard": "鸡苗免费，每户 50—100 羽"}
    assert push_ops(server, "admin", [op("menu_item", item, menu)])[0]["status"] == "applied"
    late_measure = {
        "household_id": hid,
        "title": "修缮圈舍",
        "kind": "housing",
        "due_on": "2026-01-31",
    }
    assert (
        push_ops(server, "cadre_a", [op("measure", late, late_measure)])[0]["status"] == "applied"
    )
    before = _report(server)
    assert (before["total"], before["done"], before["overdue"]) == (1, 0, 1)

    phone = phones(server)
    phone.open()
    phone.login("cadre_a")
    phone.wait_controlled()
    phone.wait_synced()
    server.kill()  # no signal from here on
    page = phone.page
    phone.go(f"/h/{hid}")
    plan = page.locator("[data-testid=measure-plan]")
    row = plan.locator(f"[data-testid=measure][data-id='{late}']")
    expect(row.locator("[data-testid=late]")).to_have_text("逾期")

    # a new measure picked from the county's menu: what and what kind are filled in
    plan.locator("text=＋ 添加帮扶措施").click()
    page.select_option("select[name=menu_item_id]", item)
    expect(page.locator("input[name=title]")).to_have_value("乌骨鸡养殖")
    expect(page.locator("select[name=kind]")).to_have_value("industry")
    expect(page.locator("[data-testid=measure-form]")).to_contain_text("鸡苗免费")
    page.fill("input[name=due_on]", "2999-12-31")
    page.click("button:has-text('保存')")
    page.wait_for_selector("[data-testid=measure-plan]")
    expect(plan.locator("[data-testid=measure]")).to_have_count(2)

    # the late one is done: the phone asks what it achieved and when
    row.locator("[data-testid=mark-done]").click()
    form = row.locator("[data-testid=done-form]")
    form.locator("button:has-text('确认完成')").click()
    expect(form.locator("label.field[data-field=result] .err")).to_have_text("请填写成效")
    form.locator("textarea[name=result]").fill("圈舍已修好，养牛 2 头")
    form.locator("input[name=done_on]").fill("2026-11-30")
    form.locator("input[name=income_per_year]").fill("3000")
    form.locator("button:has-text('确认完成')").click()
    expect(row).to_contain_text("成效：圈舍已修好，养牛 2 头（2026-11-30）")
    expect(row.locator("[data-testid=late]")).to_have_count(0)
    phone.wait_pending(2)

    server.start()
    phone.sync()
    phone.wait_pending(0)
    after = _report(server)
    assert (after["total"], after["done"], after["overdue"]) == (2, 1, 0)
    assert after["income_per_year"] == 3000
    [picked] = db_rows("SELECT title, kind, menu_item_id FROM measure WHERE id <> :id", id=late)
    assert (picked["title"], picked["kind"], picked["menu_item_id"]) == (
        "乌骨鸡养殖",
        "industry",
        item,
    )

    # online again, the family file prints: a PDF fetched with the cadre's token
    with page.expect_download() as got:
        page.click("[data-testid=pdf-link]")
    assert got.value.suggested_filename == f"{hid}.pdf"
    with open(got.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # the county supervisor's reports screen shows it
    sup = phones(server, "supervisor")
    sup.open()
    sup.login("super_county")
    sup.go("/sv/reports")
    report = sup.page.locator("[data-testid=measure-report]")
    expect(report.locator("[data-testid=measure-done]")).to_have_text("1")
    expect(report.locator("[data-testid=measure-overdue]")).to_have_text("0")
