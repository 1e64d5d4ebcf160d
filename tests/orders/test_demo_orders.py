"""三单制 in the demo county: party members among the members, a menu per village branch,
orders from a fraction of the households, claims by the village's own party members."""

from collections import Counter
from typing import Any

from fastapi.testclient import TestClient

from backend.database import get_engine
from backend.demo.generate import PASSWORD, build_demo
from backend.records.registry import REGISTRY
from tests.demo.test_demo import rows

VILLAGES = 8


def test_the_demo_county_has_menus_orders_and_claims(db: str) -> None:
    engine = get_engine()
    build_demo(engine, seed=3, villages=VILLAGES)
    households = {h["id"]: h for h in rows(engine, REGISTRY["household"].table)}
    members = {m["id"]: m for m in rows(engine, REGISTRY["member"].table)}
    items = {i["id"]: i for i in rows(engine, REGISTRY["branch_item"].table)}
    orders = {o["id"]: o for o in rows(engine, REGISTRY["household_order"].table)}
    claims = rows(engine, REGISTRY["order_claim"].table)

    party = [m for m in members.values() if m["party_member"]]
    assert 0.02 < len(party) / len(members) < 0.06
    assert 0 < sum(m["has_post"] for m in party) < len(party) / 2  # most are 无职党员
    assert all(1 <= len(m["skills"]) <= 3 for m in party)
    assert not any(m["skills"] or m["has_post"] for m in members.values() if not m["party_member"])

    per_village = Counter(i["village_code"] for i in items.values())
    assert len(per_village) == VILLAGES
    assert all(8 <= n <= 15 for n in per_village.values())
    kinds = Counter(i["kind"] for i in items.values())
    assert kinds["planting"] + kinds["breeding"] > 0
    assert kinds["service"] > 0

    ordering = {o["household_id"] for o in orders.values()}
    poor = {h for h, x in households.items() if x["poverty_category"] != "non_poor"}
    assert 0.2 < len(ordering & poor) / len(poor) < 0.45
    for o in orders.values():
        assert items[o["item_id"]]["village_code"] == o["village_code"]
        assert households[o["household_id"]]["village_code"] == o["village_code"]

    per_order = Counter(c["order_id"] for c in claims)
    assert 0.6 < len(per_order) / len(orders) < 0.95
    assert any(n > 1 for n in per_order.values())  # 多对一
    for c in claims:
        m, o = members[c["member_id"]], orders[c["order_id"]]
        assert m["party_member"]
        assert m["village_code"] == c["village_code"] == o["village_code"]
        assert c["claimed_on"] >= o["placed_on"]
        if c["confirmed"]:
            assert c["progress"] == "fulfilled"
            assert c["confirmed_on"] >= c["fulfilled_on"] >= c["claimed_on"]
    progress = Counter(c["progress"] for c in claims)
    assert set(progress) == {"claimed", "under_way", "fulfilled"}

    # the county supervisor's report agrees with these rows
    with TestClient(_app()) as client:
        r = client.post(
            "/api/v1/auth/token",
            json={"username": "county_sup", "password": PASSWORD, "device_id": "d-1"},
        )
        headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        body: dict[str, Any] = client.get("/api/v1/reports/orders", headers=headers).json()
    t = body["totals"]
    assert (t["items"], t["orders"], t["claimed"]) == (len(items), len(orders), len(per_order))
    fulfilled = {c["order_id"] for c in claims if c["progress"] == "fulfilled"}
    assert t["fulfilled"] == len(fulfilled)
    resident = [m for m in party if m["status"] == "resident"]
    assert t["party_members"] == len(resident)
    busy = {c["member_id"] for c in claims}
    assert t["idle_party_members"] == len([m for m in resident if m["id"] not in busy])


def _app() -> Any:
    from backend.main import create_app

    return create_app()
