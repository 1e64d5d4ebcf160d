"""The console's 同步状况 and person pages in real Chromium, as the admin reads them
(issue 16): a phone registered minutes ago is not listed as late, a never-synced cell reads
从未同步 once, a device without a browser name reads as its id alone."""

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.conftest import County, LiveServer
from tests.pwa.conftest import Phone, api_login, db_exec, op, push_ops
from tests.pwa.test_console import collect_errors, desk, open_console
from tests.sync.phone import household

pytestmark = pytest.mark.browser


def test_sync_health_of_phones_registered_recently_and_long_ago(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    api_login(server, "cadre_b", "ux-api-client")  # registered now, never synced
    api_login(server, "cadre_a", "ux-api-old")
    long_ago = datetime.now(UTC) - timedelta(days=5)
    db_exec("UPDATE device SET created_at = :t WHERE device_id = 'ux-api-old'", t=long_ago)
    db_exec("UPDATE \"user\" SET created_at = :t WHERE username = 'cadre_b'", t=long_ago)

    admin = desk(phones, server, "admin")
    errors = collect_errors(admin.page)
    open_console(admin, "health")
    stale = admin.page.locator("[data-testid=stale-phone]")
    expect(stale).to_have_count(1)
    expect(
        admin.page.locator("[data-testid=stale-phone][data-device=ux-api-client]")
    ).to_have_count(0)
    old = admin.page.locator("[data-testid=stale-phone][data-device=ux-api-old]")
    cells = old.locator("td")
    expect(cells.nth(3)).to_have_text("ux-api-old")  # no "· ux-api-o" without a model
    expect(cells.nth(4)).to_have_text("从未同步")
    expect(cells.nth(5)).to_have_text("登记 5 天")

    fresh = admin.page.locator("[data-testid=health-row][data-username=cadre_b]")
    expect(fresh.locator("td").nth(3)).to_have_text("从未同步")  # not "从未 从未同步"
    late = admin.page.locator("[data-testid=health-row][data-username=cadre_a]")
    expect(late.locator("td").nth(3)).to_have_text("从未同步")
    expect(late).to_have_class("stale")
    assert errors == []


def test_person_page_shows_devices_before_the_village_boxes(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    """停用此设备 is in the first screen; the village boxes open on 修改分配."""
    server = live_server()
    api_login(server, "cadre_a", "ux-api-old")
    admin = desk(phones, server, "admin")
    open_console(admin, "people")
    admin.page.click("[data-testid=user-row][data-username=cadre_a] a")
    stop = admin.page.locator("[data-testid=device-row] button:has-text('停用此设备')")
    expect(stop).to_be_in_viewport()
    boxes = admin.page.locator("[data-testid=assignment] input[name=assign]")
    expect(boxes.first).to_be_hidden()
    stop_y = stop.bounding_box()["y"]  # type: ignore[index]
    admin.page.click("[data-testid=assignment] summary")
    expect(boxes.first).to_be_visible()
    assert boxes.first.bounding_box()["y"] > stop_y  # type: ignore[index]
    expect(admin.page.locator("[data-testid=assignment] input[name=assign]:checked")).to_have_count(
        1
    )


def test_overview_is_by_township_with_villages_on_demand(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    """概况 drew one bar per village (~15,900 px for 310 villages): now a bar per township,
    and a township's villages when it is picked."""
    server = live_server()
    admin = desk(phones, server, "admin")
    open_console(admin, "")
    coverage = admin.page.locator("[data-testid=chart][data-chart*='coverage.svg'] img")
    expect(coverage).to_have_count(1)
    expect(coverage).to_have_attribute("src", re.compile("%E6%8C%89%E4%B9%A1%E9%95%87"))  # 按乡镇
    admin.page.select_option("select[name=overview_township]", county.township_1)
    expect(coverage).to_have_count(2)
    expect(coverage.nth(1)).to_have_attribute("src", re.compile("%E6%8C%89%E6%9D%91"))  # 按村
    expect(coverage.nth(1)).to_have_attribute("src", re.compile("%E8%8C%85%E5%9D%A1%E6%9D%91"))


def test_household_audit_trail_shows_old_and_new_values(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    hid = str(uuid.uuid4())
    data = household(county.village_a)
    push_ops(server, "cadre_a", [op("household", hid, data)])
    push_ops(server, "cadre_a", [op("household", hid, {"income_per_head": 4200}, base=1)])
    admin = desk(phones, server, "admin")
    errors = collect_errors(admin.page)
    admin.go(f"/console/h/{hid}")
    row = admin.page.locator("[data-testid=history-row][data-version='2']")
    expect(row.locator("[data-testid=change]")).to_have_text(
        f"人均纯收入（元）：{data['income_per_head']} → 4200"
    )
    assert errors == []
