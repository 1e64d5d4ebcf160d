"""The county's assistance menu (扶贫套餐): the admin writes it, every cadre of the county
pulls it read-only, and a measure picks from it (its own county's only). Two phones editing
different measures of one household both stand."""

from tests.conftest import County
from tests.security.world import _neighbour_and_extra_users
from tests.sync.phone import Phone, household, new_id

CATTLE = {
    "name": "养牛",
    "kind": "industry",
    "standard": "每头补助 3000 元，每户最多 3 头",
    "eligible": "有养殖意愿和圈舍的建档立卡贫困户",
}


def test_the_admin_writes_the_menu_cadres_read_it_and_cannot_edit_it(
    client, county: County
) -> None:
    _neighbour_and_extra_users(county)
    admin, x_admin = Phone(client, "admin", "d-ad"), Phone(client, "x_admin", "d-xa")
    a, c, x = (Phone(client, u, f"d-{u}") for u in ("cadre_a", "cadre_c", "x_cadre"))
    item = new_id()
    [r] = admin.push_ok([admin.op("menu_item", item, CATTLE)])
    assert r["status"] == "applied", r
    for phone in (a, c):
        [got] = [p for p in phone.pull_all()[0] if p["id"] == item]
        assert got["data"]["name"] == "养牛"
    assert item not in {p["id"] for p in x.pull_all()[0]}
    # a cadre can neither change the menu nor add to it
    [r] = a.push_ok([a.op("menu_item", item, {"standard": "每头 1 万元"}, base=1)])
    assert (r["status"], r["error"]["code"]) == ("rejected", "forbidden")
    [r] = a.push_ok([a.op("menu_item", new_id(), {**CATTLE, "name": "养羊"})])
    assert (r["status"], r["error"]["code"]) == ("rejected", "forbidden")
    [r] = x_admin.push_ok([x_admin.op("menu_item", item, {"name": "改"}, base=1)])
    assert r["error"]["code"] == "not_found"

    # a measure picks from its own county's menu, not from another's or from nothing
    hid = new_id()
    a.push_ok([a.op("household", hid, household(county.village_a))])
    pick = {"household_id": hid, "title": "养牛 2 头", "kind": "industry", "menu_item_id": item}
    [r] = a.push_ok([a.op("measure", new_id(), pick)])
    assert r["status"] == "applied", r
    theirs = new_id()
    x_admin.push_ok([x_admin.op("menu_item", theirs, CATTLE)])
    for other in (theirs, new_id()):
        [r] = a.push_ok([a.op("measure", new_id(), {**pick, "menu_item_id": other})])
        assert (r["status"], r["error"]["code"]) == ("rejected", "invalid")
        assert "扶贫套餐" in r["error"]["message"]


def test_a_menu_item_and_a_measure_name_a_policy_of_the_county(client, county: County) -> None:
    admin, a = Phone(client, "admin", "d-ad"), Phone(client, "cadre_a", "d-a")
    pid, item, hid = new_id(), new_id(), new_id()
    admin.push_ok([admin.op("policy", pid, {"category": "industry", "title": "产业奖补"})])
    [r] = admin.push_ok([admin.op("menu_item", item, {**CATTLE, "policy_id": pid})])
    assert r["status"] == "applied", r
    [r] = admin.push_ok([admin.op("menu_item", new_id(), {**CATTLE, "policy_id": new_id()})])
    assert r["error"]["code"] == "invalid"
    a.push_ok([a.op("household", hid, household(county.village_a))])
    data = {"household_id": hid, "title": "养牛", "menu_item_id": item, "policy_id": pid}
    [r] = a.push_ok([a.op("measure", new_id(), data)])
    assert r["status"] == "applied", r


def test_two_phones_editing_different_measures_of_one_household_both_stand(
    client, county: County
) -> None:
    a, a2 = Phone(client, "cadre_a", "d-a1"), Phone(client, "cadre_a2", "d-a2")
    hid, m1, m2 = new_id(), new_id(), new_id()
    a.push_ok([a.op("household", hid, household(county.village_a))])
    base = {"household_id": hid, "kind": "industry"}
    a.push_ok(
        [
            a.op("measure", m1, {**base, "title": "养牛 2 头"}),
            a.op("measure", m2, {**base, "title": "茶苗 3 亩"}),
        ]
    )
    a2.pull_all()
    # offline, each phone marks a different measure done, with its result and date
    [r1] = a.push_ok(
        [
            a.op(
                "measure",
                m1,
                {"status": "done", "done_on": "2026-10-01", "result": "已购牛"},
                base=1,
            )
        ]
    )
    [r2] = a2.push_ok(
        [
            a2.op(
                "measure",
                m2,
                {"status": "done", "done_on": "2026-10-02", "income_per_year": 3000},
                base=1,
            )
        ]
    )
    assert (r1["status"], r2["status"]) == ("applied", "applied")
    got = {x["id"]: x for x in a.pull_all()[0]}
    assert (got[m1]["data"]["result"], got[m1]["has_conflict"]) == ("已购牛", False)
    assert (got[m2]["data"]["income_per_year"], got[m2]["has_conflict"]) == (3000, False)
