"""The policy book in real Chromium: the admin writes a policy in the console (a form made
from the declaration, checked before sending, saved as one op through the sync push with the
server's verdict in Chinese, a clash with another desk's edit included); a cadre's phone gets
it with the next sync and, with no signal, searches the book and opens the policy."""

import uuid
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.conftest import County, LiveServer
from tests.pwa.conftest import Phone, db_rows, op, push_ops

pytestmark = pytest.mark.browser


def test_the_admin_writes_a_policy_and_a_cadre_finds_it_offline(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    # the book holds a few policies already
    push_ops(
        server,
        "admin",
        [
            op("policy", str(uuid.uuid4()), {"category": c, "title": t, "standard": s})
            for c, t, s in [
                ("sector", "农村危房改造", "一级危房每户补助 3.5 万元"),
                ("finance", "精扶贷", "5 万元以下、3 年以内，免担保免抵押"),
                ("security", "农村最低生活保障", "每人每年 4200 元"),
            ]
        ],
    )
    # a cadre's phone holds the book as it was
    phone = phones(server, "cadre")
    phone.open()
    phone.login("cadre_c")
    phone.wait_controlled()
    phone.wait_synced()
    desk = phones(server, "admin")
    desk.open()
    desk.login("admin")
    page = desk.page
    # (the menu and the indicators are county-wide too: the first type offered is not policy)
    desk.go("/console/county/policy")
    # every county-wide type of the schema is offered; the policy book is one
    expect(page.locator("[data-testid=cw-types]")).to_contain_text("政策")
    expect(page.locator("[data-testid=cw-row]")).to_have_count(3)
    page.click("[data-testid=cw-new]")
    form = page.locator("[data-testid=cw-form]")
    expect(form).to_contain_text("扶持标准")  # the declaration's labels
    page.select_option("select[name=category]", "education")
    # refused before sending, in the server's words, next to the field
    page.fill("input[name=title]", "雨" * 101)
    page.click("[data-testid=cw-save]")
    expect(page.locator("label.field[data-field=title] .err")).to_contain_text("政策名称")
    assert db_rows("SELECT count(*) AS n FROM policy")[0]["n"] == 3
    page.fill("input[name=title]", "雨露计划")
    page.fill("textarea[name=standard]", "中职、高职在校生每生每学年补助 3000 元")
    page.fill("textarea[name=eligible]", "建档立卡贫困户家庭子女")
    page.fill("input[name=contact]", "县扶贫办 0856-3221203")
    page.click("[data-testid=cw-save]")
    expect(page.locator("[data-testid=cw-verdict]")).to_contain_text("已保存（第 1 版）")
    [row] = db_rows("SELECT id, version, created_device FROM policy WHERE title = '雨露计划'")
    pid = row["id"]
    device = desk.idb(
        "return await req(db.transaction('meta').objectStore('meta').get('device_id'));"
    )
    assert (row["version"], row["created_device"]) == (1, device)  # the admin's own device

    # an edit: only the changed field, against the version it was made on
    page.fill("textarea[name=standard]", "中职、高职在校生每生每学年补助 3500 元")
    page.click("[data-testid=cw-save]")
    expect(page.locator("[data-testid=cw-verdict]")).to_contain_text("已保存（第 2 版）")
    # another desk changes the same field meanwhile: this form's save clashes with it
    push_ops(
        server,
        "admin",
        [op("policy", pid, {"standard": "每生每学年 4000 元"}, base=2)],
        device_id="other-desk",
    )
    page.fill("textarea[name=standard]", "每生每学年补助 3500 元，分春秋两季发放")
    page.click("[data-testid=cw-save]")
    expect(page.locator("[data-testid=cw-verdict]")).to_contain_text("冲突审核")
    [conflict] = db_rows("SELECT id, type, record_id, status FROM record_conflict")
    assert (conflict["type"], conflict["record_id"], conflict["status"]) == ("policy", pid, "open")
    link = page.locator("[data-testid=cw-verdict] a")
    expect(link).to_have_attribute("href", f"#/console/conflicts/{conflict['id']}")

    # the cadre's phone gets the new policy and its edits with its next sync, then searches
    # the book with no signal
    held = "return (await req(db.transaction('records').objectStore('records').index('village').getAll(['policy', '']))).length;"
    assert phone.idb(held) == 3
    phone.sync()
    assert phone.idb(held) == 4
    server.kill()
    p = phone.page
    phone.go("/")
    p.click("[data-testid=policy-link]")
    expect(p.locator("[data-testid=policy-chapters]")).to_contain_text("教育资助")
    p.fill("[data-testid=policy-search]", "雨露")
    results = p.locator("[data-testid=policy-results]")
    expect(results).to_have_attribute("data-q", "雨露")
    expect(p.locator("[data-testid=policy-row]")).to_have_count(1)
    # substring over the text as well as the title
    p.fill("[data-testid=policy-search]", "免担保")
    expect(p.locator("[data-testid=policy-row]")).to_have_count(1)
    expect(p.locator("[data-testid=policy-row]")).to_contain_text("精扶贷")
    p.fill("[data-testid=policy-search]", "春秋两季")
    p.locator("[data-testid=policy-row]").click()
    article = p.locator("[data-testid=policy-page]")
    expect(article).to_contain_text("雨露计划")
    expect(article).to_contain_text("分春秋两季发放")  # the later edit holds for now
    expect(article).to_contain_text("建档立卡贫困户家庭子女")
    expect(article.locator("a[href='tel:08563221203']")).to_be_visible()
    # back to the search as it was
    p.click("a.back")
    expect(p.locator("[data-testid=policy-search]")).to_have_value("春秋两季")

    # a supervisor reads the county's records in the console, and can change none of them
    server.start()
    sup = phones(server, "sup")
    sup.open()
    sup.login("super_county")
    sup.go("/console/county/policy")
    expect(sup.page.locator("[data-testid=cw-row]")).to_have_count(4)
    expect(sup.page.locator("[data-testid=cw-new]")).to_have_count(0)
    sup.page.locator("[data-testid=cw-row]", has_text="雨露计划").click()
    expect(sup.page.locator("[data-testid=cw-form] input[name=title]")).to_be_disabled()
    expect(sup.page.locator("[data-testid=cw-save]")).to_have_count(0)
    expect(sup.page.locator("[data-testid=cw-form]")).to_contain_text("只读")
