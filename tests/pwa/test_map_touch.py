"""The map's 农户 and 文字 tools under a finger (issue 16), with real touch input: a tap
opens its sheet and the same tap neither picks the household that comes to lie under the
finger nor closes the sheet again (a tap in the upper half landed on the sheet's backdrop)."""

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.conftest import County, LiveServer
from tests.pwa.conftest import Phone, seed_households
from tests.pwa.test_maps import SVG, at, count, open_map, tool, wait_count

pytestmark = pytest.mark.browser


def test_pin_and_label_tools_by_touch(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    village = county.village_a
    group = county.groups[village][0]
    seed_households(server, village, [group], 12)
    phone = phones(server, "a")
    phone.open()
    phone.login("cadre_a")
    phone.wait_controlled()
    open_map(phone, village, group)
    phone.page.click("[data-testid=map-create]")
    phone.page.wait_for_selector(SVG)
    finger = phone.page.touchscreen

    # 农户: the list opens under the finger; the tap that opened it picks nothing.
    tool(phone, "pin")
    for fy in (0.5, 0.8):
        finger.tap(*at(phone, 0.5, fy))
        sheet = phone.page.locator("[data-testid=pick-household]")
        expect(sheet).to_be_visible()
        phone.page.wait_for_timeout(400)
        expect(sheet).to_be_visible()
        assert count(phone) == 0
        phone.page.click("[data-testid=pick-household] button:has-text('取消')")
    finger.tap(*at(phone, 0.5, 0.5))
    first = phone.page.locator("[data-testid=pick-household] [data-household]").first
    phone.page.wait_for_timeout(400)
    first.tap()
    wait_count(phone, 1)

    # 文字: a tap in the upper half opens the text box, and it stays open.
    tool(phone, "label")
    for fy in (0.15, 0.35, 0.8):
        finger.tap(*at(phone, 0.5, fy))
        box = phone.page.locator("input[name=label_text]")
        expect(box).to_be_visible()
        phone.page.wait_for_timeout(400)
        expect(box).to_be_visible()
        phone.page.click("form.sheet button:has-text('取消')")
    finger.tap(*at(phone, 0.3, 0.2))
    phone.page.fill("input[name=label_text]", "清水河")
    phone.page.click("form.sheet button[type=submit]")
    wait_count(phone, 2)
