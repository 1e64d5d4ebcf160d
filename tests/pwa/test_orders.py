"""三单制 on the phone, offline: a cadre records a household's order from the branch's menu,
a party member whose skills match is suggested and claims it, the claim is fulfilled and
confirmed by the household; back in signal, the server has all of it."""

import uuid
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.conftest import County, LiveServer
from tests.pwa.conftest import Phone, db_rows, op, push_ops, seed_households

pytestmark = pytest.mark.browser


def test_an_order_is_recorded_claimed_and_fulfilled_offline_then_synced(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    (hid,) = seed_households(server, county.village_a, county.groups[county.village_a], 1)
    [head] = db_rows("SELECT head_name FROM household WHERE id = :id", id=hid)
    item, bees, other = (str(uuid.uuid4()) for _ in range(3))
    verdicts = push_ops(
        server,
        "cadre_a",
        [
            op(
                "branch_item",
                item,
                {
                    "village_code": county.village_a,
                    "name": "中蜂养殖技术指导",
                    "kind": "breeding",
                    "skills": ["bees"],
                },
            ),
            # a party member with a post and no matching skill, and a 无职党员 who keeps bees
            op(
                "member",
                other,
                {
                    "household_id": hid,
                    "name": "王国权",
                    "relation": "spouse",
                    "party_member": True,
                    "has_post": True,
                    "skills": ["policy"],
                },
            ),
            op(
                "member",
                bees,
                {
                    "household_id": hid,
                    "name": "叶传鑫",
                    "relation": "child",
                    "party_member": True,
                    "skills": ["bees", "sales"],
                },
            ),
        ],
    )
    assert [v["status"] for v in verdicts] == ["applied"] * 3
    phone = phones(server)
    phone.open()
    phone.login("cadre_a")
    phone.wait_controlled()
    phone.wait_synced()
    server.kill()  # no signal
    page = phone.page

    phone.go(f"/v/{county.village_a}")
    page.click("[data-testid=orders-link]")
    # the branch adds a service of its own to its menu
    page.click("text=支部服务项目")
    page.click("[data-testid=new-item]")
    page.fill("[data-testid=item-form] input[name=name]", "养牛技术指导")
    page.select_option("[data-testid=item-form] select[name=kind]", "service")
    page.click("[data-testid=item-form] label.chip:has-text('畜牧养殖')")
    page.click("button:has-text('保存')")
    expect(page.locator("[data-testid=items]")).to_contain_text("养牛技术指导")
    phone.wait_pending(1)
    page.click("a[aria-label=返回]")
    page.click("[data-testid=new-order]")
    page.fill("input[name=household_q]", head["head_name"][:2])
    page.click("[data-testid=pick-household]")
    page.select_option("select[name=item_id]", item)
    page.fill("textarea[name=note]", "想养 5 箱")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=已保存")
    phone.wait_pending(2)
    unclaimed = page.locator("[data-testid=unclaimed] [data-testid=order-row]")
    expect(unclaimed).to_have_count(1)
    expect(unclaimed).to_contain_text(f"{head['head_name']}：中蜂养殖技术指导")

    unclaimed.first.click()
    page.click("[data-testid=new-claim]")
    offered = page.locator("[data-testid=suggestion]")
    expect(offered).to_have_count(2)
    # the member whose skills match comes first
    expect(offered.first).to_contain_text("叶传鑫")
    expect(offered.first).to_contain_text("特长相符")
    expect(offered.first).to_contain_text("无职党员")
    offered.first.click()
    phone.wait_pending(3)
    claim = page.locator("[data-testid=claim]")
    expect(claim).to_contain_text("已接单")
    page.click("[data-testid=fulfil]")
    page.fill("[data-testid=claim] textarea[name=note]", "已送蜂箱 5 个")
    page.click("[data-testid=save-fulfil]")
    expect(claim).to_contain_text("已办结")
    page.click("[data-testid=confirm]")
    expect(claim).to_contain_text("群众已确认")
    expect(page.locator("[data-testid=order]")).to_contain_text("群众已确认")
    phone.wait_pending(5)
    # the family file lists the household's order with its status, a link to the order
    phone.go(f"/h/{hid}")
    listed = page.locator("[data-testid=household-orders] [data-testid=household-order]")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("中蜂养殖技术指导")
    expect(listed).to_contain_text("群众已确认")
    listed.click()
    expect(page.locator("[data-testid=order]")).to_contain_text("群众已确认")

    server.start()
    phone.sync()
    phone.wait_pending(0)
    [own] = db_rows("SELECT name, kind, skills FROM branch_item WHERE id != :id", id=item)
    assert (own["name"], own["kind"]) == ("养牛技术指导", "service")
    assert "livestock" in str(own["skills"])
    [order] = db_rows("SELECT id, household_id, item_id, note, village_code FROM household_order")
    assert (order["household_id"], order["item_id"], order["note"]) == (hid, item, "想养 5 箱")
    assert order["village_code"] == county.village_a
    [row] = db_rows(
        "SELECT order_id, member_id, progress, note, fulfilled_on, confirmed, version"
        " FROM order_claim"
    )
    assert (row["order_id"], row["member_id"], row["progress"]) == (order["id"], bees, "fulfilled")
    assert row["note"] == "已送蜂箱 5 个"
    assert row["fulfilled_on"] is not None
    assert row["confirmed"]
    assert row["version"] == 3


def test_the_supervisors_reports_screen_shows_the_orders_report(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    hids = seed_households(server, county.village_a, county.groups[county.village_a], 2)
    item, member, claimed, waiting = (str(uuid.uuid4()) for _ in range(4))
    village = county.village_a
    verdicts = push_ops(
        server,
        "cadre_a",
        [
            op("branch_item", item, {"village_code": village, "name": "肉牛养殖", "kind": "breeding"}),
            op("member", member, {"household_id": hids[0], "name": "张开模", "party_member": True}),
            op("household_order", claimed, {"household_id": hids[0], "item_id": item, "placed_on": "2026-10-01"}),
            op("household_order", waiting, {"household_id": hids[1], "item_id": item, "placed_on": "2026-09-01"}),
            op("order_claim", str(uuid.uuid4()), {"order_id": claimed, "member_id": member, "claimed_on": "2026-10-02"}),
        ],
    )  # fmt: skip
    assert [v["status"] for v in verdicts] == ["applied"] * 5
    sup = phones(server, "supervisor")
    sup.open()
    sup.login("super_t1")
    page = sup.page
    page.click("[data-testid=sv-link]")
    page.click("[data-testid=sv-reports-link]")
    report = page.locator("[data-testid=sv-orders]")
    expect(report.locator("[data-testid=sv-orders-totals]")).to_have_text(
        "点单 2 · 已接单 1 · 已办结 0 · 群众确认 0"
    )
    expect(report.locator("[data-testid=sv-orders-villages] li")).to_have_count(1)
    expect(report.locator("[data-testid=sv-orders-villages]")).to_contain_text("茅坡村")
    expect(report.locator("[data-testid=sv-orders-unclaimed]")).to_contain_text("肉牛养殖")
    expect(report.locator("[data-testid=sv-orders-unclaimed]")).to_contain_text("2026-09-01 点单")
    # the only party member has a claim: nobody is idle
    expect(report).to_contain_text("每名党员都已接单")
