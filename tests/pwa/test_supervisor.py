"""The supervisor's phone (督查 · 电话抽查) in real Chromium: a township supervisor draws a
round online, reads each cadre's evidence beside a tap-to-call link, loses the signal,
records the outcome of a call as a spot_check record, and the sync lands it exactly once;
the reports page shows the server's charts as images; a cadre gets no supervisor screen."""

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.conftest import County, LiveServer
from tests.pwa.conftest import Phone, api_login, db_rows, op, seed_households

pytestmark = pytest.mark.browser

BEIJING = timezone(timedelta(hours=8))
ROUNDS = "/api/v1/supervision/rounds"


def push_visit(
    server: LiveServer, username: str, household_id: str, skew_s: int = 0, gps: Any = None
) -> None:
    """A visit from the cadre's phone, whose clock runs ``skew_s`` seconds fast."""
    device_id = f"phone-{username}"
    phone_now = datetime.now(UTC) + timedelta(seconds=skew_s)
    data: dict[str, Any] = {
        "household_id": household_id,
        "kind": "revisit",
        "occurred_at": (phone_now - timedelta(hours=2)).astimezone(BEIJING).isoformat(),
    }
    if gps:
        data["gps"] = gps
    r = httpx.post(
        f"{server.url}/api/v1/sync/push",
        json={
            "device_id": device_id,
            "batch_id": str(uuid.uuid4()),
            "device_time": phone_now.isoformat(),
            "ops": [op("visit", str(uuid.uuid4()), data)],
        },
        headers=api_login(server, username, device_id),
    )
    assert r.status_code == 200, r.text
    assert r.json()["results"][0]["status"] == "applied", r.text


def round_detail(server: LiveServer, round_id: str) -> dict[str, Any]:
    r = httpx.get(f"{server.url}{ROUNDS}/{round_id}", headers=api_login(server, "super_t1", "api"))
    assert r.status_code == 200, r.text
    return r.json()


def scene(server: LiveServer, county: County) -> None:
    """Households in villages A and B; cadre_a's phone runs an hour fast, cadre_a2's an
    hour slow (so any two cadres drawn include a skewed clock), cadre_b has never visited."""
    a = seed_households(server, county.village_a, county.groups[county.village_a], 3)
    seed_households(server, county.village_b, county.groups[county.village_b], 2, "cadre_b")
    push_visit(server, "cadre_a", a[0], skew_s=3600, gps={"lat": 27.5183, "lon": 108.9112})
    push_visit(server, "cadre_a2", a[1], skew_s=-3600)


def short_time(iso: str | None) -> str:
    """labels.js shortTime on a phone in Beijing time."""
    if iso is None:
        return "从未同步"
    t = datetime.fromisoformat(iso).astimezone(BEIJING)
    return f"{t.month}-{t.day:02d} {t.hour:02d}:{t.minute:02d}"


def cadre_card(phone: Phone, cadre_id: int) -> Any:
    return phone.page.locator(f"[data-testid=sv-cadre][data-cadre='{cadre_id}']")


def check_evidence(phone: Phone, cadre: dict[str, Any]) -> bool:
    """The card shows what the server knows about the cadre; answers whether it flagged a
    skewed clock."""
    card = cadre_card(phone, cadre["cadre_id"])
    ev = cadre["evidence"]
    expect(card).to_contain_text(cadre["name"])
    for v in cadre["villages"]:
        expect(card).to_contain_text(v["name"])
    call = card.locator("[data-testid=sv-call]")
    expect(call).to_have_attribute("href", cadre["tel"])
    expect(call).to_contain_text("拨打")
    expect(card.locator("[data-ev=visits]")).to_contain_text(
        f"近 7 天 {ev['visits_7d']} 次 · 近 30 天 {ev['visits_30d']} 次"
    )
    expect(card.locator("[data-ev=unvisited]")).to_contain_text(
        f"{ev['households_unvisited']} / {ev['households']} 户"
    )
    expect(card.locator("[data-ev=last-sync]")).to_contain_text(short_time(ev["last_sync_at"]))
    last = ev["last_visit"]
    skew = card.locator("[data-testid=sv-skew]")
    if last is None:
        expect(card.locator("[data-ev=last-visit]")).to_contain_text("没有走访记录")
        expect(skew).to_have_count(0)
    else:
        expect(card.locator("[data-ev=last-visit]")).to_contain_text(last["village_name"])
        if last["gps"]:
            expect(card.locator("[data-ev=last-visit]")).to_contain_text("定位 27.5183, 108.9112")
        if last["clock_skew_flag"]:
            ahead = "快" if last["clock_skew_s"] > 0 else "慢"
            expect(skew).to_contain_text(f"手机时钟{ahead}约 60 分钟")
        else:
            expect(skew).to_have_count(0)
    for flag in ev["flags"]:
        expect(card.locator(f"[data-flag={flag['code']}]")).to_have_text(flag["message"])
    return bool(last and last["clock_skew_flag"])


def test_supervisor_records_a_spot_check_offline_and_it_syncs_once(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    scene(server, county)
    phone = phones(server, "supervisor")
    page = phone.page
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    phone.open()
    phone.login("super_t1")
    phone.wait_controlled()

    # the 督查 home: start a round of two cadres per township
    page.click("[data-testid=sv-link]")
    expect(page.locator("[data-testid=sv-start-form]")).to_be_visible()
    page.select_option("select[name=per_township]", "2")
    page.click("[data-testid=sv-start]")
    expect(page).to_have_url(re.compile(r"#/sv/r/[0-9a-f-]{36}$"))
    round_id = page.url.rsplit("/", 1)[-1]
    cards = page.locator("[data-testid=sv-cadre]")
    expect(cards).to_have_count(2)
    expect(page.locator("[data-testid=sv-progress]")).to_have_text("已抽查 0 / 2 人")

    # the id made on the phone is the round's id on the server: one round, two cadres
    detail = round_detail(server, round_id)
    assert detail["id"] == round_id
    assert (detail["size"], detail["checked"]) == (2, 0)
    assert len(db_rows("SELECT id FROM spot_check_round")) == 1
    names = {c["cadre_id"]: c["name"] for c in detail["cadres"]}
    assert set(names.values()) <= {"cadre_a", "cadre_a2", "cadre_b"}
    skewed = 0
    for cadre in detail["cadres"]:
        skewed += check_evidence(phone, cadre)
        expect(cadre_card(phone, cadre["cadre_id"])).to_have_attribute("data-state", "todo")
    assert skewed >= 1  # the clock flag was shown

    # no signal from here on: the round opens again from the phone itself
    server.kill()
    page.reload()
    expect(cards).to_have_count(2)
    expect(page.locator("[data-testid=sv-offline]")).to_contain_text("无信号")
    target = detail["cadres"][0]
    other = detail["cadres"][1]
    check_evidence(phone, target)

    # the call's outcome
    cadre_card(phone, target["cadre_id"]).locator("[data-testid=sv-record]").click()
    expect(page.locator("[data-testid=sv-form]")).to_be_visible()
    page.click("[data-testid=sv-save]")  # nothing chosen yet
    expect(page.locator("[data-testid=sv-form-error]")).to_contain_text("请先选择是否接通")
    page.check("input[name=reached][value=true]")
    page.check("input[name=on_post][value=true]")
    page.check("input[name=back_on_post][value=true]")
    page.check("input[name=studied_documents][value=false]")
    page.fill("input[name=talks_held]", "3")
    page.fill("textarea[name=recent_work]", "入户走访 5 户，召开院坝会一次")
    page.fill("textarea[name=remark]", "通话清楚，本人在村委会")
    page.click("[data-testid=sv-save]")
    expect(page.locator(".toast")).to_contain_text("已保存，待同步")
    phone.wait_pending(1)
    card = cadre_card(phone, target["cadre_id"])
    expect(card).to_have_attribute("data-state", "pending")
    expect(card.locator("[data-testid=sv-outcome]")).to_contain_text(
        "已接通 · 在岗 · 已返岗 · 未传达学习上级文件 · 谈心谈话 3 次"
    )
    expect(cadre_card(phone, other["cadre_id"])).to_have_attribute("data-state", "todo")
    expect(page.locator("[data-testid=sv-progress]")).to_have_text("已抽查 1 / 2 人")
    outbox = phone.outbox()
    assert [(o["type"], o["state"]) for o in outbox] == [("spot_check", "pending")]

    # a sync with the server down keeps it
    page.click("[data-testid=sync]")
    expect(page.locator("[data-testid=sync-error]")).to_be_visible()
    assert phone.pending() == 1

    server.start()  # back in signal
    phone.sync()
    phone.wait_pending(0)
    phone.sync()  # a second sync sends nothing again
    expect(card).to_have_attribute("data-state", "done")
    expect(page.locator("[data-testid=sv-offline]")).to_have_count(0)  # the server's copy again

    rows = db_rows("SELECT * FROM spot_check")
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] == outbox[0]["id"]
    assert row["round_id"] == round_id
    assert row["cadre_id"] == target["cadre_id"]
    assert row["village_code"] == target["village_code"]
    assert row["created_by"] == county.users["super_t1"]
    assert (row["reached"], row["on_post"], row["back_on_post"], row["studied_documents"]) == (
        True,
        True,
        True,
        False,
    )
    assert row["talks_held"] == 3
    assert row["recent_work"] == "入户走访 5 户，召开院坝会一次"
    assert row["remark"] == "通话清楚，本人在村委会"
    assert "+08:00" in str(row["checked_at"])  # the phone's own time, with its offset
    assert row["deleted"] in (False, 0)
    ops = db_rows("SELECT status FROM sync_op WHERE type = 'spot_check'")
    assert [o["status"] for o in ops] == ["applied"]

    # the server's round says the same
    after = round_detail(server, round_id)
    assert after["checked"] == 1
    by_id = {c["cadre_id"]: c for c in after["cadres"]}
    assert [c["id"] for c in by_id[target["cadre_id"]]["checks"]] == [row["id"]]
    assert by_id[other["cadre_id"]]["checks"] == []

    # and the rounds list on the phone
    phone.go("/sv")
    expect(page.locator(f"[data-testid=sv-round][data-round='{round_id}']")).to_contain_text(
        "抽取 2 人 · 已抽查 1 人"
    )
    assert errors == []


def test_not_reached_then_corrected_reports_as_images_and_no_screen_for_a_cadre(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    scene(server, county)
    sup = phones(server, "supervisor")
    page = sup.page
    sup.open()
    sup.login("super_t1")
    page.click("[data-testid=sv-link]")
    page.click("[data-testid=sv-start]")  # one cadre per township
    card = page.locator("[data-testid=sv-cadre]")
    expect(card).to_have_count(1)
    round_id = page.url.rsplit("/", 1)[-1]

    # not reached: the questions for the cadre are not asked
    card.locator("[data-testid=sv-record]").click()
    page.check("input[name=reached][value=false]")
    expect(page.locator("input[name=on_post]")).to_have_count(0)
    page.fill("textarea[name=remark]", "连打三次无人接听")
    page.click("[data-testid=sv-save]")
    expect(card.locator("[data-testid=sv-outcome]")).to_contain_text("未接通")
    sup.sync()
    sup.wait_pending(0)
    expect(card).to_have_attribute("data-state", "done")
    first = db_rows("SELECT id, version, checked_at, reached, on_post FROM spot_check")
    assert len(first) == 1
    assert not first[0]["reached"]
    assert first[0]["on_post"] is None

    # the author corrects it: the cadre called back
    card.locator("[data-testid=sv-outcome] a:has-text('修改')").click()
    expect(page.locator("input[name=reached][value=false]")).to_be_checked()
    expect(page.locator("textarea[name=remark]")).to_have_value("连打三次无人接听")
    page.check("input[name=reached][value=true]")
    page.check("input[name=on_post][value=true]")
    page.fill("textarea[name=remark]", "干部回电，在村里开会")
    page.click("[data-testid=sv-save]")
    expect(card).to_have_attribute("data-state", "pending")
    sup.sync()
    sup.wait_pending(0)
    expect(card.locator("[data-testid=sv-outcome]")).to_contain_text("已接通 · 在岗")
    rows = db_rows(
        "SELECT id, version, checked_at, reached, on_post, remark, round_id FROM spot_check"
    )
    assert [(r["id"], r["version"]) for r in rows] == [(first[0]["id"], 2)]
    assert (rows[0]["reached"], rows[0]["on_post"], rows[0]["remark"]) == (
        True,
        True,
        "干部回电，在村里开会",
    )
    assert rows[0]["checked_at"] == first[0]["checked_at"]  # the time of the call stays
    assert rows[0]["round_id"] == round_id

    page.click("a[aria-label=返回]")
    page.click("[data-testid=sv-reports-link]")
    charts = page.locator("[data-testid=sv-chart] img")
    expect(charts).to_have_count(6)  # 4 reports, and the village base's 2 (ui/villagebase-reports.js)
    for i in range(6):
        img = charts.nth(i)
        expect(img).to_have_attribute("src", re.compile(r"^blob:"))
        # the SVG decoded into a picture (a broken image has no natural width)
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=img.element_handle()
        )
    expect(page.locator("[data-testid=sv-recall]")).to_contain_text("没有多次缺岗的干部")

    cadre = phones(server, "cadre")
    cadre.open()
    cadre.login("cadre_a")
    # the village is listed (and headed again by the home screen's worklist)
    expect(cadre.page.locator("text=茅坡村").first).to_be_visible()
    expect(cadre.page.locator("[data-testid=sv-link]")).to_have_count(0)
    cadre.go("/sv")
    expect(cadre.page.locator("[data-testid=no-access]")).to_have_text("无权访问")


def test_a_call_not_got_through_then_answered_is_one_round_result(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    """未接通, then 再记录一次 接通·不在岗: the card's round result is the answered call,
    with the attempt counted beside it (issue 16, item 4)."""
    server = live_server()
    scene(server, county)
    sup = phones(server, "supervisor")
    page = sup.page
    sup.open()
    sup.login("super_t1")
    page.click("[data-testid=sv-link]")
    page.click("[data-testid=sv-start]")
    card = page.locator("[data-testid=sv-cadre]")
    expect(card).to_have_count(1)

    card.locator("[data-testid=sv-record]").click()
    page.check("input[name=reached][value=false]")
    page.click("[data-testid=sv-save]")
    expect(card.locator("[data-testid=sv-result]")).to_have_text("本轮结果：未接通（未接通 1 次）")

    card.locator("[data-testid=sv-record]").click()
    page.check("input[name=reached][value=true]")
    page.check("input[name=on_post][value=false]")
    page.click("[data-testid=sv-save]")
    expect(card.locator("[data-testid=sv-outcome]")).to_have_count(2)
    expect(card.locator("[data-testid=sv-result]")).to_have_text(
        "本轮结果：已接通 · 不在岗（未接通 1 次）"
    )
    sup.sync()
    sup.wait_pending(0)
    expect(card.locator("[data-testid=sv-result]")).to_contain_text("已接通 · 不在岗")
