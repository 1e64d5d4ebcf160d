"""小康信息库 on a real phone: a cadre fills the village's base with no signal, the values are
refused offline as the server would, sync, and the county report changes."""

from collections.abc import Callable
from datetime import datetime

import httpx
import pytest
from playwright.sync_api import expect

from backend.timeutil import BEIJING
from backend.villagebase.defaults import indicator_id
from backend.villagebase.records import value_id
from tests.conftest import County, LiveServer
from tests.pwa.conftest import Phone, api_login, db_rows
from tests.villagebase.test_records import install_defaults

pytestmark = pytest.mark.browser


def county_report(server: LiveServer) -> dict:
    headers = api_login(server, "super_county", "d-sup")
    r = httpx.get(f"{server.url}/api/v1/village-base/report", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_a_cadre_fills_the_base_offline_and_the_county_report_changes(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    install_defaults(county)
    server = live_server()
    village = county.village_a
    before = county_report(server)
    assert before["empty_shell"] == []
    assert {t["code"]: t["villages"] for t in before["tiers"]}["none"] == 3

    phone = phones(server)
    phone.open()
    phone.login("cadre_a")
    phone.wait_controlled()
    phone.wait_synced()
    server.kill()  # no signal
    page = phone.page
    phone.go(f"/v/{village}")
    page.click("[data-testid=village-base-link]")
    expect(page.locator("[data-testid=base-summary]")).to_contain_text("已填 0/27")
    expect(page.locator("[data-testid=shihao] h2")).to_have_text("“十好”行动（达标 0/10）")
    expect(page.locator("[data-testid=group-organisation]")).to_contain_text("乡贤会")

    # collective income: a value the server would refuse is refused here, in its words
    page.click("[data-testid=shihao] [data-testid=ind-CY01]")
    expect(page.locator("[data-testid=indicator-def]")).to_contain_text("不低于 50000 元 为达标")
    page.fill("input[name=value_number]", "2000000000000")
    page.click("button:has-text('保存')")
    expect(page.locator("label.field[data-field=value_number] .err")).to_contain_text(
        "不能大于 1000000000000"
    )
    assert phone.pending() == 0
    page.fill("input[name=value_number]", "0")  # an empty-shell village
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=已保存")
    expect(page.locator("[data-testid=ind-CY01] [data-status]").first).to_have_attribute(
        "data-status", "not_met"
    )
    page.click("[data-testid=group-organisation] [data-testid=ind-ZZ02]")
    page.select_option("select[name=value_yes]", "true")
    page.fill("textarea[name=note]", "2026年3月成立，会员12人")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=已保存")
    expect(page.locator("[data-testid=base-summary]")).to_contain_text(
        "已填 2/27 · 达标 1 · 未达标 1"
    )
    expect(page.locator("[data-testid=shihao] h2")).to_have_text("“十好”行动（达标 1/10）")
    phone.wait_pending(2)

    server.start()
    phone.sync()
    phone.wait_pending(0)
    year = datetime.now(BEIJING).year
    rows = db_rows(
        "SELECT id, indicator_id, value_number, value_yes, note FROM indicator_value"
        " WHERE village_code = :v ORDER BY value_number",
        v=village,
    )
    # the phone made each id exactly as the server does (UUIDv5 of village/year/indicator)
    ids = {r["indicator_id"]: r["id"] for r in rows}
    for code in ("CY01", "ZZ02"):
        iid = indicator_id(county.county, code)
        assert ids[iid] == value_id(village, year, iid)
    assert {(r["value_number"], r["value_yes"]) for r in rows} == {(0, None), (None, True)}

    after = county_report(server)
    assert after["empty_shell"] == [village]
    row = next(v for v in after["rows"] if v["code"] == village)
    assert (row["filled"], row["met"], row["not_met"], row["shihao_met"]) == (2, 1, 1, 1)

    # the county's supervisor reads it on the phone's 统计报表 screen, files included
    sup = phones(server, "supervisor")
    sup.open()
    sup.login("super_county")
    sup.go("/sv/reports")
    shells = sup.page.locator("[data-testid=vb-shells]")
    expect(shells).to_contain_text("集体经济空壳村 1 个（上年 0 个）：茅坡村")
    expect(sup.page.locator("[data-testid=vb-worst]")).to_contain_text("村集体经济收入")
    with sup.page.expect_download() as download:
        sup.page.click("button:has-text('下载 XLSX')")
    assert download.value.suggested_filename.endswith(".xlsx")
