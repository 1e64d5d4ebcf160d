"""三单制: branch menu items, households' orders and party members' claims, through push and
pull like every record; many-to-one claims offline; claims kept to the order's village; the
reports against counts made by hand."""

from typing import Any

import httpx

from tests.conftest import County
from tests.sync.phone import Phone, household, new_id

TODAY = "2026-11-20"


def member(hid: str, name: str, **extra: Any) -> dict[str, Any]:
    return {"household_id": hid, "name": name, "relation": "head", **extra}


def party(hid: str, name: str, **extra: Any) -> dict[str, Any]:
    return member(hid, name, party_member=True, **extra)


def item(village: str, name: str = "中蜂养殖技术指导", **extra: Any) -> dict[str, Any]:
    return {"village_code": village, "name": name, "kind": "breeding", "skills": ["bees"], **extra}


def order(hid: str, item_id: str, placed_on: str = "2026-10-01") -> dict[str, Any]:
    return {"household_id": hid, "item_id": item_id, "placed_on": placed_on, "note": "想养 5 箱"}


def claim(oid: str, mid: str, **extra: Any) -> dict[str, Any]:
    return {"order_id": oid, "member_id": mid, "claimed_on": "2026-10-05", **extra}


def statuses(results: list[dict[str, Any]]) -> list[str]:
    return [r["status"] for r in results]


def test_two_phones_claim_one_order_offline_and_both_claims_stand(
    client: httpx.Client, county: County
) -> None:
    a, a2 = Phone(client, "cadre_a", "d-a1"), Phone(client, "cadre_a2", "d-a2")
    hid, m1, m2, iid, oid = (new_id() for _ in range(5))
    setup = a.push_ok(
        [
            a.op("household", hid, household(county.village_a)),
            a.op("member", m1, party(hid, "叶传鑫", skills=["bees"])),
            a.op("member", m2, party(hid, "倪永连", skills=["bees", "sales"])),
            a.op("branch_item", iid, item(county.village_a)),
            a.op("household_order", oid, order(hid, iid)),
        ]
    )
    assert statuses(setup) == ["applied"] * 5
    assert oid in {r["id"] for r in a2.pull_all()[0]}
    # offline, each phone records a claim of the same order by a different party member
    c1, c2 = new_id(), new_id()
    first = a.op("order_claim", c1, claim(oid, m1))
    second = a2.op("order_claim", c2, claim(oid, m2, progress="under_way", note="已联系"))
    assert statuses(a2.push_ok([second])) == ["applied"]
    assert statuses(a.push_ok([first])) == ["applied"]
    # many-to-one: both stand, nothing conflicts, and each phone pulls the other's
    pulled = {r["id"]: r for r in a.pull_all()[0]}
    assert {c1, c2} <= set(pulled)
    assert pulled[c2]["data"]["progress"] == "under_way"
    assert not any(r["has_conflict"] for r in pulled.values())
    assert {c1, c2} <= {r["id"] for r in a2.pull_all()[0]}
    # the claimer and the order are fixed: another claimer is another claim
    [r] = a.push_ok([a.op("order_claim", c1, {"member_id": m2}, base=1)])
    assert r["error"]["code"] == "immutable_field"
    # progress to the end: fulfilled, then confirmed by the household
    [r] = a.push_ok(
        [
            a.op(
                "order_claim",
                c1,
                {"progress": "fulfilled", "fulfilled_on": "2026-11-01", "note": "已送蜂箱"},
                base=1,
            )
        ]
    )
    assert r["status"] == "applied"
    [r] = a2.push_ok(
        [a2.op("order_claim", c1, {"confirmed": True, "confirmed_on": "2026-10-31"}, base=2)]
    )
    assert r["error"]["message"] == "数据有误 — 确认日期：不能早于办结日期"


def test_an_order_is_claimed_only_in_its_own_village(client: httpx.Client, county: County) -> None:
    a, b = Phone(client, "cadre_a", "d-a1"), Phone(client, "cadre_b", "d-b1")
    c = Phone(client, "cadre_c", "d-c1")
    admin = Phone(client, "admin", "d-adm")
    hid, mine, iid, oid = new_id(), new_id(), new_id(), new_id()
    hb, theirs, ib = new_id(), new_id(), new_id()
    a.push_ok(
        [
            a.op("household", hid, household(county.village_a)),
            a.op("member", mine, party(hid, "叶传鑫")),
            a.op("branch_item", iid, item(county.village_a)),
            a.op("household_order", oid, order(hid, iid)),
        ]
    )
    b.push_ok(
        [
            b.op("household", hb, household(county.village_b)),
            b.op("member", theirs, party(hb, "王国权")),
            b.op("branch_item", ib, item(county.village_b)),
        ]
    )
    # a cadre of another village, of this township or another, cannot reach the order
    for phone, member_id in ((b, theirs), (c, theirs)):
        [r] = phone.push_ok([phone.op("order_claim", new_id(), claim(oid, member_id))])
        assert r["status"] == "rejected"
        assert r["error"]["code"] == "unknown_parent"
    # even one who reaches both villages cannot have another village's member claim it,
    # nor order another village's item
    [r] = admin.push_ok([admin.op("order_claim", new_id(), claim(oid, theirs))])
    assert r["error"]["message"] == "接单党员不是本村的家庭成员"
    [r] = admin.push_ok([admin.op("household_order", new_id(), order(hid, ib))])
    assert r["error"]["message"] == "点单项目不是本村支部的项目"
    # the village's own party member can; a member created in the same batch too
    newer = new_id()
    results = a.push_ok(
        [
            a.op("member", newer, party(hid, "令狐绍敏", relation="spouse")),
            a.op("order_claim", new_id(), claim(oid, mine)),
            a.op("order_claim", new_id(), claim(oid, newer)),
        ]
    )
    assert statuses(results) == ["applied"] * 3
    # nothing of the refused claims was written
    rows = [r for r in a.pull_all()[0] if r["type"] == "order_claim"]
    assert {r["data"]["member_id"] for r in rows} == {mine, newer}


def test_order_reports_equal_hand_counts(client: httpx.Client, county: County) -> None:
    a, b = Phone(client, "cadre_a", "d-a1"), Phone(client, "cadre_b", "d-b1")
    c = Phone(client, "cadre_c", "d-c1")
    ids: dict[str, str] = {}

    def i(name: str) -> str:
        return ids.setdefault(name, new_id())

    # village a: 3 households; 4 party members (one left the village), 2 menu items + 1 closed
    a.push_ok(
        [
            *(a.op("household", i(f"ha{n}"), household(county.village_a)) for n in (1, 2, 3)),
            a.op("member", i("busy"), party(i("ha1"), "叶传鑫", has_post=True)),
            a.op("member", i("idle_no_post"), party(i("ha1"), "倪永连", relation="spouse")),
            a.op("member", i("idle_post"), party(i("ha2"), "周文彬", has_post=True)),
            a.op("member", i("plain"), member(i("ha2"), "令狐绍敏", relation="spouse")),
            a.op(
                "member",
                i("gone"),
                party(i("ha3"), "陈开明", status="moved_out", left_on="2026-01-01"),
            ),
            a.op("branch_item", i("ia1"), item(county.village_a)),
            a.op("branch_item", i("ia2"), item(county.village_a, "肉牛养殖")),
            a.op("branch_item", i("ia3"), item(county.village_a, "旧项目", closed=True)),
            # orders: unclaimed (oldest), under way, fulfilled and confirmed, deleted
            a.op("household_order", i("oa1"), order(i("ha1"), i("ia1"), "2026-09-01")),
            a.op("household_order", i("oa2"), order(i("ha2"), i("ia1"), "2026-09-02")),
            a.op("household_order", i("oa3"), order(i("ha3"), i("ia2"), "2026-09-03")),
            a.op("household_order", i("oa4"), order(i("ha3"), i("ia2"), "2026-08-01")),
            a.op("order_claim", i("ca2"), claim(i("oa2"), i("busy"), progress="under_way")),
            a.op(
                "order_claim",
                i("ca3"),
                claim(
                    i("oa3"),
                    i("busy"),
                    progress="fulfilled",
                    fulfilled_on="2026-10-10",
                    confirmed=True,
                    confirmed_on="2026-10-11",
                ),
            ),
        ]
    )
    a.push_ok([a.op("household_order", i("oa4"), delete=True, base=1)])
    # village b: a many-to-one order fulfilled by one of its two claims, and an unclaimed one
    b.push_ok(
        [
            b.op("household", i("hb1"), household(county.village_b)),
            b.op("member", i("b1"), party(i("hb1"), "王国权")),
            b.op("member", i("b2"), party(i("hb1"), "葉永連", relation="spouse")),
            b.op("member", i("b3"), party(i("hb1"), "张治红", relation="child")),
            b.op("branch_item", i("ib1"), item(county.village_b)),
            b.op("household_order", i("ob1"), order(i("hb1"), i("ib1"), "2026-10-01")),
            b.op("household_order", i("ob2"), order(i("hb1"), i("ib1"), "2026-08-15")),
            b.op("order_claim", i("cb1"), claim(i("ob1"), i("b1"))),
            b.op(
                "order_claim",
                i("cb2"),
                claim(i("ob1"), i("b2"), progress="fulfilled", fulfilled_on="2026-10-20"),
            ),
            # a claim withdrawn: its member counts as having none
            b.op("order_claim", i("cb3"), claim(i("ob2"), i("b3"))),
        ]
    )
    b.push_ok([b.op("order_claim", i("cb3"), delete=True, base=1)])
    # village c (another township): one order, so that a township's report leaves it out
    hc, ic = new_id(), new_id()
    c.push_ok(
        [
            c.op("household", hc, household(county.village_c)),
            c.op("branch_item", ic, item(county.village_c)),
            c.op("household_order", new_id(), order(hc, ic)),
        ]
    )

    sup = Phone(client, "super_t1", "d-s1")
    r = client.get("/api/v1/reports/orders", headers=sup.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    got = {v["code"]: v for v in body["villages"]}
    assert set(got) == {county.village_a, county.village_b}
    keys = ("items", "orders", "claimed", "fulfilled", "confirmed", "party_members")
    counts = {code: tuple(v[k] for k in (*keys, "idle_party_members")) for code, v in got.items()}
    assert counts[county.village_a] == (2, 3, 2, 1, 1, 3, 2)
    assert counts[county.village_b] == (1, 2, 1, 1, 0, 3, 1)
    assert tuple(body["totals"][k] for k in keys) == (3, 5, 3, 2, 1, 6)
    # the idle ones: those without a post first
    assert [m["member_id"] for m in body["idle_members"]] == [
        i("idle_no_post"),
        i("b3"),
        i("idle_post"),
    ]
    # the oldest unclaimed first; the deleted order is not one
    assert [(o["order_id"], o["item_name"]) for o in body["unclaimed"]] == [
        (i("ob2"), "中蜂养殖技术指导"),
        (i("oa1"), "中蜂养殖技术指导"),
    ]
    assert body["unclaimed"][0]["placed_on"] == "2026-08-15"

    # scope: another township is not found; cadres do not read reports
    r = client.get(
        "/api/v1/reports/orders", params={"township_code": county.township_2}, headers=sup.headers
    )
    assert r.status_code == 404
    assert client.get("/api/v1/reports/orders", headers=a.headers).status_code == 403
    county_sup = Phone(client, "super_county", "d-s2")
    body = client.get("/api/v1/reports/orders", headers=county_sup.headers).json()
    assert body["totals"]["orders"] == 6
