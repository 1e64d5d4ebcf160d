"""The demo county's condition maps on a phone (issue 16, item 5): cadre1 opens a group's
map and finds the demo's drawing — the same record, not a second map started beside it."""

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from backend.database import get_engine
from backend.demo.generate import PASSWORD, build_demo
from backend.demo.maps import group_map_id
from tests.conftest import LiveServer
from tests.pwa.conftest import Phone, db_rows
from tests.pwa.test_maps import SVG, count, open_map

pytestmark = pytest.mark.browser


def test_a_cadre_opens_the_demo_map_of_a_group(
    db: str, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    build_demo(get_engine(), seed=7, villages=3)
    (m,) = db_rows(
        "SELECT m.id, m.village_code, m.group_code FROM condition_map m"
        " JOIN user_village uv ON uv.village_code = m.village_code"
        " JOIN \"user\" u ON u.id = uv.user_id WHERE u.username = 'cadre1'"
        " ORDER BY m.group_code LIMIT 1"
    )
    assert m["id"] == group_map_id(m["village_code"], m["group_code"])
    elements = db_rows("SELECT count(*) AS n FROM map_element WHERE map_id = :id", id=m["id"])
    server = live_server()
    phone = phones(server)
    phone.open()
    phone.page.fill("input[name=username]", "cadre1")
    phone.page.fill("input[name=password]", PASSWORD)  # the demo's, not the tests'
    phone.page.click("button[type=submit]")
    phone.wait_synced(60_000)
    open_map(phone, m["village_code"], m["group_code"])
    expect(phone.page.locator("[data-testid=map-create]")).to_have_count(0)
    expect(phone.page.locator(SVG)).to_be_visible()
    expect(phone.page.locator("[data-testid=map-count]")).to_have_attribute(
        "data-count", str(elements[0]["n"])
    )
    assert count(phone) > 20
