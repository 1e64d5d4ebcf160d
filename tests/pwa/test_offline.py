"""The phone with no signal: the shell and data survive a dead server, saves queue, sync lands them once."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import County, LiveServer
from tests.pwa.conftest import Phone, db_rows, seed_households

pytestmark = pytest.mark.browser


def open_household(phone: Phone, county: County, head_name: str) -> None:
    page = phone.page
    page.click("text=茅坡村")
    page.click("text=1组")
    page.click(f"text={head_name}")
    page.wait_for_selector("[data-testid=facts]")


def test_offline_reload_visit_and_edit_land_exactly_once(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    ids = seed_households(server, county.village_a, county.groups[county.village_a], 4)
    head = db_rows("SELECT head_name FROM household WHERE id = :id", id=ids[0])[0]["head_name"]

    phone = phones(server)
    phone.open()
    phone.login("cadre_a")
    phone.wait_controlled()
    open_household(phone, county, head)
    assert "3000" in phone.page.text_content("[data-field=income_per_head]")

    server.kill()  # no signal from here on
    phone.page.reload()
    phone.page.wait_for_selector(
        "[data-testid=facts]"
    )  # the shell from the SW, the data from IndexedDB
    assert head in phone.page.text_content("h1")
    phone.go("/")
    phone.page.wait_for_selector("text=茅坡村")
    open_household(phone, county, head)

    # record a visit, with a GPS fix (the phone's GPS works with no signal)
    phone.context.grant_permissions(["geolocation"], origin=server.url)
    phone.context.set_geolocation({"latitude": 27.5183, "longitude": 108.9112, "accuracy": 12})
    phone.page.click("text=记录走访")
    expect(phone.page.locator("[data-testid=gps]")).to_contain_text("精度约 12 米")
    phone.page.fill("textarea[name=notes]", "老人腿脚不便，孙子在县城读初中")
    phone.page.click("label.chip:has-text('就医')")
    phone.page.fill("input[name=follow_up_on]", "2026-12-20")
    phone.page.click("button:has-text('保存走访')")
    phone.page.wait_for_selector("text=已保存")
    phone.wait_pending(1)
    assert "老人腿脚不便" in phone.page.text_content("[data-testid=visits]")

    # edit the family file
    phone.page.click("text=编辑档案")
    phone.page.fill("input[name=income_per_head]", "4200")
    phone.page.fill("input[name=phone]", "13912345678")
    phone.page.click("label.chip:has-text('缺技术')")
    phone.page.click("button:has-text('保存')")
    phone.page.wait_for_selector("text=已保存")
    phone.wait_pending(2)
    assert "4200" in phone.page.text_content("[data-field=income_per_head]")

    # add a member
    phone.page.click("text=＋ 添加成员")
    phone.page.fill("input[name=name]", "李小红")
    phone.page.select_option("select[name=relation]", "grandchild")
    phone.page.select_option("select[name=schooling]", "junior")
    phone.page.click("button:has-text('保存')")
    phone.page.wait_for_selector("text=已保存")
    phone.wait_pending(3)

    # a sync with the server down fails softly and keeps everything
    phone.page.click("[data-testid=sync]")
    phone.page.wait_for_selector("[data-testid=sync-error]")
    assert phone.pending() == 3

    server.start()  # back in signal
    phone.sync()
    phone.wait_pending(0)
    phone.sync()  # a second sync sends nothing again

    visits = db_rows(
        "SELECT notes, needs, follow_up_on, occurred_at, gps FROM visit WHERE household_id = :id",
        id=ids[0],
    )
    assert len(visits) == 1
    assert visits[0]["notes"] == "老人腿脚不便，孙子在县城读初中"
    assert "+08:00" in visits[0]["occurred_at"]  # the phone's own time, with its offset
    gps = visits[0]["gps"]
    gps = json.loads(gps) if isinstance(gps, str) else gps
    assert gps == {"lat": 27.5183, "lon": 108.9112, "accuracy_m": 12.0}
    assert visits[0]["follow_up_on"] == "2026-12-20"
    hh = db_rows(
        "SELECT income_per_head, phone, causes, version FROM household WHERE id = :id", id=ids[0]
    )[0]
    assert (hh["income_per_head"], hh["phone"], hh["version"]) == (4200, "13912345678", 2)
    members = db_rows(
        "SELECT name, relation FROM member WHERE household_id = :id ORDER BY name", id=ids[0]
    )
    assert sorted(m["name"] for m in members) == sorted([head, "李小红"])
    # every op was applied once: the store saw three ops from this phone, no duplicates
    ops = db_rows("SELECT status FROM sync_op WHERE device_id != 'seed-device'")
    assert sorted(o["status"] for o in ops) == ["applied", "applied", "applied"]

    # nothing went to any other origin
    assert all(u.startswith(server.url) for u in phone.requests), [
        u for u in phone.requests if not u.startswith(server.url)
    ]


def test_households_by_group_and_search(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    seed_households(server, county.village_a, county.groups[county.village_a], 6)
    rows: list[dict[str, Any]] = db_rows(
        "SELECT head_name, id_number, group_code FROM household ORDER BY head_name"
    )
    phone = phones(server)
    phone.open()
    phone.login("cadre_a")
    phone.page.click("text=茅坡村")
    phone.page.click("text=全村所有户")
    listed = phone.page.locator("[data-testid=households] li")
    expect(listed).to_have_count(6)
    name = rows[0]["head_name"]
    phone.page.fill("input[type=search]", name)
    expect(listed).to_have_count(sum(name in r["head_name"] for r in rows))
    expect(listed.first).to_contain_text(name)
    # the last digits of an ID number
    tail = rows[2]["id_number"][-4:]
    phone.page.fill("input[type=search]", tail)
    expect(listed).to_have_count(sum(r["id_number"].endswith(tail) for r in rows))
    expect(phone.page.locator("[data-testid=households]")).to_contain_text(rows[2]["head_name"])
    # one group
    group = county.groups[county.village_a][0]
    phone.go(f"/v/{county.village_a}/g/{group}")
    expect(listed).to_have_count(sum(r["group_code"] == group for r in rows))


def test_the_list_shows_a_rename_made_in_this_tab_or_another(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    """The app keeps a village's households read until the next write of records, its own
    or another tab's (pwa/src/db.js writing): a list opened after a rename shows it."""
    server = live_server()
    village = county.village_a
    ids = seed_households(server, village, county.groups[village], 3)
    phone = phones(server)
    phone.open()
    phone.login("cadre_a")
    listed = phone.page.locator("[data-testid=households] li")

    def renamed_in(device: Phone, household_id: str, name: str) -> None:
        device.go(f"/h/{household_id}/edit")
        device.page.fill("input[name=head_name]", name)
        device.page.click("button:has-text('保存')")
        device.page.wait_for_selector("[data-testid=facts]")

    def shown() -> None:
        phone.go("/")
        phone.page.wait_for_selector("text=茅坡村")
        phone.go(f"/v/{village}/g/all")
        expect(listed).to_have_count(3)

    shown()
    renamed_in(phone, ids[0], "改名甲")
    shown()
    expect(listed.filter(has_text="改名甲")).to_have_count(1)

    # a second tab of the same phone renames another household; this tab's list follows
    other = Phone(phone.context, phone.context.new_page(), phone.profile, server)
    other.open("/")
    other.page.wait_for_selector("text=茅坡村")
    renamed_in(other, ids[1], "改名乙")
    shown()
    expect(listed.filter(has_text="改名乙")).to_have_count(1)
    expect(listed.filter(has_text="改名甲")).to_have_count(1)
