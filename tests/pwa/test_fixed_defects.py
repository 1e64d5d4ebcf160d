"""Regressions of defects of issue 16 fixed earlier, in real Chromium on the 360×640 phone:
新增一户 with an empty 户主姓名 shows its error where the cadre looks (in view, focused); the
outbox names the villager group (1组), not its code; a date of another year shows the year."""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from tests.conftest import County, LiveServer
from tests.pwa.conftest import Phone, op, push_ops, seed_households
from tests.pwa.test_readable import unreadable

pytestmark = pytest.mark.browser


def test_new_household_error_in_view_and_outbox_names_the_group(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    village = county.village_a
    group = county.groups[village][0]
    phone = phones(server)
    phone.open()
    phone.login("cadre_a")
    phone.wait_controlled()
    phone.wait_synced()
    page = phone.page
    phone.go(f"/v/{village}/g/{group}/new")
    page.click("button:has-text('保存')")  # scrolled down to it, far from 户主姓名
    err = page.locator("label.field[data-field=head_name] .err")
    expect(err).to_be_visible()
    expect(err).to_be_in_viewport()
    assert page.evaluate("document.activeElement.name") == "head_name"
    assert phone.pending() == 0

    page.fill("input[name=head_name]", "龙再华")
    page.click("button:has-text('保存')")
    phone.wait_pending(1)
    phone.go("/outbox")
    waiting = page.locator("a.row", has_text="龙再华")
    expect(waiting).to_contain_text("村民组＝1组")
    expect(waiting).not_to_contain_text(group)
    assert unreadable(phone) == []  # the waiting list's times too (they were 13 px)


def test_a_visit_of_another_year_shows_its_year(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    village = county.village_a
    (hid,) = seed_households(server, village, county.groups[village][:1], 1)
    beijing = timezone(timedelta(hours=8))
    last_year = datetime(datetime.now(UTC).year - 1, 12, 2, 6, 53, tzinfo=beijing)
    data = {"household_id": hid, "kind": "revisit", "occurred_at": last_year.isoformat()}
    push_ops(server, "cadre_a", [op("visit", str(uuid.uuid4()), data)])
    phone = phones(server)
    phone.open()
    phone.login("cadre_a")
    phone.wait_synced()
    phone.go(f"/h/{hid}")
    expect(phone.page.locator("body")).to_contain_text(f"{last_year.year}-12-02 06:53")
