"""The county console in real Chromium: a reviewer resolves a conflict two phones made and
both phones pull it (the phone whose value did not stand is told); an admin revokes a device
and that phone keeps its outbox (and, restored, pushes it); a cadre opening a console page
gets no data; a supervisor's export downloads and the admin reads who exported what."""

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, County, LiveServer
from tests.pwa.conftest import Phone, api_login, db_rows, seed_households
from tests.pwa.test_sync import edit_household

pytestmark = pytest.mark.browser

DESK = {"width": 1280, "height": 800}


def desk(phones: Callable[..., Phone], server: LiveServer, username: str) -> Phone:
    """A reviewer at a desk: the same app, a wide window."""
    d = phones(server, f"desk-{username}")
    d.page.set_viewport_size(DESK)
    d.open()
    d.login(username)
    return d


def open_console(d: Phone, path: str) -> None:
    d.go(f"/console/{path}")
    expect(d.page.locator("[data-testid=console]")).to_be_visible()


def collect_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_reviewer_resolves_a_conflict_two_phones_made_and_both_phones_pull_it(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    (hid,) = seed_households(server, county.village_a, county.groups[county.village_a], 1)
    head = db_rows("SELECT head_name FROM household WHERE id = :id", id=hid)[0]["head_name"]
    a = phones(server, "a")
    b = phones(server, "b")
    for phone, user in [(a, "cadre_a"), (b, "cadre_a2")]:
        phone.open()
        phone.login(user)
    # the same field on two phones, each edited from version 1
    edit_household(a, hid, income_per_head="5100")
    a.sync()
    a.wait_pending(0)
    edit_household(b, hid, income_per_head="4800")
    b.sync()
    b.wait_pending(0)
    a.sync()
    for phone in (a, b):
        phone.go(f"/h/{hid}")
        expect(phone.page.locator("[data-testid=conflict] dl.both")).to_contain_text("4800")

    rev = desk(phones, server, "super_t1")
    errors = collect_errors(rev.page)
    expect(rev.page.locator("[data-testid=console-link]")).to_be_visible()
    rev.page.click("[data-testid=console-link]")
    expect(rev.page.locator("[data-testid=overview]")).to_contain_text("1待审核冲突")
    rev.page.click("nav.tabs >> text=冲突审核")
    row = rev.page.locator("[data-testid=conflict-row]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(head)  # the record by its household's name
    expect(row).to_contain_text("人均纯收入")
    expect(row).to_contain_text("cadre_a2")  # names of the cadres in scope
    # the age filter: nothing is a day old yet
    rev.page.select_option("select[name=age]", "1")
    expect(rev.page.locator("[data-testid=no-conflicts]")).to_be_visible()
    rev.page.select_option("select[name=age]", "")
    row.click()

    field = rev.page.locator("[data-testid=field-income_per_head]")
    expect(field.locator("[data-side=base]")).to_have_text("3000")
    expect(field.locator("[data-side=stored]")).to_have_text("5100")
    expect(field.locator("[data-side=incoming]")).to_have_text("4800")
    expect(field).to_contain_text("cadre_a")
    for phone in (a, b):  # which device each value came from
        device = phone.idb(
            "return await req(db.transaction('meta').objectStore('meta').get('device_id'));"
        )
        expect(field.locator(f".device[title^='{device}']")).to_have_count(1)
    resolve = rev.page.locator("[data-testid=resolve]")
    expect(resolve).to_be_disabled()  # a choice for every field first
    field.locator("input[type=radio][value=value]").check()
    field.locator("input[name=value-income_per_head]").fill("5000")
    resolve.click()
    expect(rev.page.locator("[data-testid=conflict-detail]")).to_have_attribute(
        "data-status", "resolved"
    )
    expect(field.locator("[data-testid=resolution]")).to_contain_text("5000")

    # resolved conflicts are listed with their resolution
    rev.go("/console/conflicts")
    rev.page.select_option("select[name=status]", "resolved")
    expect(rev.page.locator("[data-testid=conflict-row]")).to_have_count(1)
    expect(rev.page.locator("[data-testid=conflict-row]")).to_contain_text("super_t1")
    expect(rev.page.locator("[data-testid=conflict-row]")).to_contain_text("人均纯收入（元）：5000")

    # the household's file at the county, with who changed what from which device
    rev.go(f"/console/h/{hid}")
    expect(rev.page.locator("[data-field=income_per_head]")).to_have_text("5000")
    history = rev.page.locator("[data-testid=history-row]")
    expect(history).to_have_count(4)
    expect(history.first).to_contain_text("审核处理冲突")
    expect(history.first).to_contain_text("人均纯收入")
    expect(rev.page.locator("[data-testid=history-row][data-version='1']")).to_contain_text("建档")

    # the county browser counts every level
    rev.go("/console/browse")
    town = rev.page.locator(f"[data-testid=count-row][data-code='{county.township_1}']")
    expect(town.locator("[data-k=households]")).to_have_text("1")
    expect(town.locator("[data-k=members]")).to_have_text("1")
    town.locator("a").click()
    village = rev.page.locator(f"[data-testid=count-row][data-code='{county.village_a}']")
    expect(village.locator("[data-k=not_out]")).to_have_text("1")
    village.locator("a").click()
    # the village page is drawn (its groups listed) before typing: the route change resets the box
    group_row = rev.page.locator(
        f"[data-testid=count-row][data-code='{county.group(county.village_a)}']"
    )
    expect(group_row).to_be_visible()
    rev.page.fill("input[name=q]", head[:2])
    expect(rev.page.locator("[data-testid=household-row]")).to_contain_text(head)
    # the ID number is masked for a supervisor
    expect(rev.page.locator("[data-testid=household-row] td.mono")).to_contain_text("****")

    # a supervisor may not manage people: the server refuses, the console says so
    rev.go("/console/people")
    expect(rev.page.locator("[data-testid=no-access]")).to_contain_text("无权访问")
    expect(rev.page.locator("nav.tabs")).not_to_contain_text("人员与设备")
    assert errors == []

    for phone, mine in ((a, "5100"), (b, "4800")):
        phone.sync()
        phone.go(f"/h/{hid}")
        expect(phone.page.locator("[data-field=income_per_head]")).to_have_text("5000")
        expect(phone.page.locator("[data-testid=conflict]")).to_have_count(0)
        # a third value: neither phone's stood, and each is told what became of its own
        expect(phone.page.locator("[data-testid=notice]")).to_contain_text(
            f"「人均纯收入（元）」采用了「5000」，未采用您填写的「{mine}」"
        )
        phone.go(f"/v/{county.village_a}/g/all")
        expect(phone.page.locator("[data-testid=households]")).not_to_contain_text("冲突")
    row_db = db_rows("SELECT income_per_head, has_conflict FROM household WHERE id = :id", id=hid)
    assert (row_db[0]["income_per_head"], bool(row_db[0]["has_conflict"])) == (5000, False)


def test_the_phone_whose_value_did_not_stand_is_told_until_the_cadre_dismisses_it(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    (hid,) = seed_households(server, county.village_a, county.groups[county.village_a], 1)
    head = db_rows("SELECT head_name FROM household WHERE id = :id", id=hid)[0]["head_name"]
    a = phones(server, "a")
    b = phones(server, "b")
    for phone, user in [(a, "cadre_a"), (b, "cadre_a2")]:
        phone.open()
        phone.login(user)
    # a's value is in the store first; b's clashes with it after a's last sync, so a never
    # sees the conflict open
    edit_household(a, hid, income_per_head="5100")
    a.sync()
    a.wait_pending(0)
    edit_household(b, hid, income_per_head="4800")
    b.sync()
    b.wait_pending(0)
    (conflict,) = db_rows("SELECT id FROM record_conflict")
    r = httpx.post(
        f"{server.url}/api/v1/conflicts/{conflict['id']}/resolve",
        json={"fields": {"income_per_head": {"choice": "incoming"}}},
        headers=api_login(server, "super_t1", "desk-super_t1"),
    )
    assert r.status_code == 200, r.text
    for phone in (a, b):
        phone.sync()

    # a's value did not stand: said on the home screen and on the family file
    a.go("/")
    told = a.page.locator("[data-testid=notices]")
    expect(told.locator("h2")).to_have_text("1 条修改审核后未被采纳")
    expect(told.locator("[data-testid=notice]")).to_contain_text(
        f"经上级审核，户档案「{head}」的「人均纯收入（元）」采用了「4800」，未采用您填写的「5100」。"
    )
    expect(told).to_contain_text("审核人 super_t1")
    told.locator("a:has-text('查看这一户')").click()
    expect(a.page.locator("[data-field=income_per_head]")).to_have_text("4800")
    expect(a.page.locator("[data-testid=notice]")).to_contain_text("未采用您填写的「5100」")

    # b's value stood: nothing to tell
    b.go(f"/h/{hid}")
    expect(b.page.locator("[data-field=income_per_head]")).to_have_text("4800")
    expect(b.page.locator("[data-testid=notices]")).to_have_count(0)
    b.go("/")
    expect(b.page.locator(f"a[href='#/v/{county.village_a}']")).to_be_visible()
    expect(b.page.locator("[data-testid=notices]")).to_have_count(0)

    # 知道了: gone, and still gone after a reload and another sync
    a.page.click("[data-testid=notice] button:has-text('知道了')")
    expect(a.page.locator("[data-testid=notices]")).to_have_count(0)
    a.page.reload()
    a.wait_synced()
    a.sync()
    expect(a.page.locator("[data-field=income_per_head]")).to_have_text("4800")
    expect(a.page.locator("[data-testid=notices]")).to_have_count(0)
    a.go("/")
    expect(a.page.locator(f"a[href='#/v/{county.village_a}']")).to_be_visible()
    expect(a.page.locator("[data-testid=notices]")).to_have_count(0)


def test_admin_revokes_a_device_and_that_phone_keeps_its_outbox(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    (hid,) = seed_households(server, county.village_a, county.groups[county.village_a], 1)
    phone = phones(server, "cadre")
    phone.open()
    phone.login("cadre_a")
    edit_household(phone, hid, remark="门前路灯坏了", pairing_cadre="张三")
    phone.go(f"/h/{hid}/visit")
    phone.page.click("button:has-text('保存走访')")
    phone.page.wait_for_selector("text=已保存")
    phone.wait_pending(2)
    before = phone.outbox()
    device = phone.idb(
        "return await req(db.transaction('meta').objectStore('meta').get('device_id'));"
    )

    admin = desk(phones, server, "admin")
    errors = collect_errors(admin.page)
    open_console(admin, "people")
    admin.page.click("[data-testid=user-row][data-username=cadre_a] a")
    row = admin.page.locator(f"[data-testid=device-row][data-device='{device}']")
    expect(row).to_contain_text("使用中")
    admin.page.once("dialog", lambda d: d.accept())
    row.locator("button:has-text('停用此设备')").click()
    expect(row).to_contain_text("已停用")
    assert errors == []

    # the phone's next sync is refused; it says why and keeps every waiting change
    phone.page.click("[data-testid=sync]")
    alert = phone.page.locator("[data-testid=device-revoked]")
    expect(alert).to_contain_text("此设备已被管理员停用")
    expect(alert).to_contain_text("本机 2 条未同步的修改仍保存在本机")
    after = phone.outbox()
    assert [o["op_id"] for o in after] == [o["op_id"] for o in before]
    assert [o["state"] for o in after] == ["pending", "pending"]
    # logging in again on this phone is refused the same way, and still deletes nothing
    phone.page.fill("input[name=username]", "cadre_a")
    phone.page.fill("input[name=password]", PASSWORD)
    submit = phone.page.locator("button[type=submit]")
    submit.click()
    expect(submit).to_have_text("登录")  # the answer came (the alert was up before it)
    expect(submit).to_be_enabled()
    expect(alert).to_contain_text("此设备已被管理员停用")
    assert len(phone.outbox()) == 2
    assert db_rows("SELECT remark FROM household WHERE id = :id", id=hid)[0]["remark"] is None
    assert db_rows("SELECT count(*) AS n FROM visit")[0]["n"] == 0

    # the admin restores the phone; the cadre logs in on it again and the kept outbox goes up
    admin.page.once("dialog", lambda d: d.accept())
    row.locator("button:has-text('恢复此设备')").click()
    expect(row).to_contain_text("使用中")
    expect(row.locator("button:has-text('停用此设备')")).to_be_visible()
    submit.click()
    phone.wait_pending(0)
    assert db_rows("SELECT remark FROM household WHERE id = :id", id=hid)[0]["remark"] == (
        "门前路灯坏了"
    )
    assert db_rows("SELECT count(*) AS n FROM visit")[0]["n"] == 1
    assert errors == []


def test_a_cadre_opening_a_console_page_gets_no_data(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    (hid,) = seed_households(server, county.village_a, county.groups[county.village_a], 1)
    phone = phones(server, "cadre")
    phone.open()
    phone.login("cadre_a")
    expect(phone.page.locator("[data-testid=console-link]")).to_have_count(0)
    start = len(phone.requests)
    for path in ("", "conflicts", "browse", f"h/{hid}", "people", "health"):
        phone.go(f"/console/{path}".rstrip("/"))
        expect(phone.page.locator("[data-testid=no-access]")).to_have_text("无权访问")
    console_reads = (
        "/api/v1/households",
        "/api/v1/conflicts",
        "/api/v1/users",
        "/api/v1/devices",
        "/api/v1/sync-health",
        "/api/v1/reports",
        "/assets/console-",
    )
    asked = [u for u in phone.requests[start:] if any(p in u for p in console_reads)]
    assert asked == []  # not a request: no data, and not even the console's code

    # and the server refuses the cadre whatever the page does
    answers = phone.page.evaluate(
        """async () => {
            const db = await new Promise((ok) => { const r = indexedDB.open('minqing'); r.onsuccess = () => ok(r.result); });
            const auth = await new Promise((ok) => { const r = db.transaction('meta').objectStore('meta').get('auth'); r.onsuccess = () => ok(r.result); });
            db.close();
            const h = { Authorization: 'Bearer ' + auth.access_token, 'Content-Type': 'application/json' };
            const out = {};
            for (const p of ['/api/v1/users', '/api/v1/devices', '/api/v1/sync-health']) out[p] = (await fetch(p, { headers: h })).status;
            out.create = (await fetch('/api/v1/users', { method: 'POST', headers: h, body: JSON.stringify({ username: 'x1', password: 'xxxxxxxx', role: 'admin' }) })).status;
            return out;
        }"""
    )
    assert answers == {
        "/api/v1/users": 403,
        "/api/v1/devices": 403,
        "/api/v1/sync-health": 403,
        "create": 403,
    }


def test_a_supervisor_exports_the_township_and_the_admin_sees_who_did(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    seed_households(server, county.village_a, county.groups[county.village_a], 3)
    seed_households(server, county.village_c, county.groups[county.village_c], 2, "cadre_c")

    sup = desk(phones, server, "super_t1")
    errors = collect_errors(sup.page)
    open_console(sup, "exports")
    pane = sup.page.locator("[data-testid=exports]")
    expect(pane).to_contain_text("身份证号只显示前 6 位和后 2 位")
    pane.locator("select[name=kind]").select_option("households")
    pane.locator("select[name=format]").select_option("csv")
    with sup.page.expect_download() as got:
        pane.locator("[data-testid=export-start]").click()
    download = got.value
    assert download.suggested_filename.startswith("民情_农户_")
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text("utf-8-sig"))))
    assert len(rows) == 3  # township 1 only: the two of village C are not there
    assert all(r["村"] == "茅坡村" for r in rows)
    assert all("**********" in r["身份证号"] for r in rows)
    expect(pane.locator("[data-testid=export-start]")).to_have_text("导出")
    expect(sup.page.locator("[data-testid=export-log]")).to_have_count(0)  # the admin's
    assert errors == []

    admin = desk(phones, server, "admin")
    open_console(admin, "exports")
    row = admin.page.locator("[data-testid=export-row]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("super_t1")
    expect(row).to_contain_text("农户")
    expect(row).to_contain_text("CSV")
    expect(row).to_contain_text("部分隐藏")
    # the admin's own export, whole ID numbers, lands on top of the log
    with admin.page.expect_download() as got:
        admin.page.click("[data-testid=export-start]")
    assert got.value.suggested_filename.endswith(".xlsx")
    expect(row).to_have_count(2)
    expect(row.first).to_contain_text("完整")
    expect(row.first).to_contain_text("全部")
