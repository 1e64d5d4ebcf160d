"""Evidence beside each cadre, against a small hand-built county whose figures are known:
visits 7/30 days, the last visit's place and skew-corrected time, unvisited households,
and the three flags (on post without visits, far from the village, phone clock off)."""

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

from backend.supervision.evidence import BEIJING, haversine_km
from tests.conftest import County
from tests.sync.phone import Phone, household, new_id

ROUNDS = "/api/v1/supervision/rounds"

# Village A's visits cluster here; one visit sits 0.1° (≈ 11 km) north of it.
LAT, LON = 27.0, 108.9


def gps(lat: float, lon: float) -> dict[str, float]:
    return {"lat": lat, "lon": lon, "accuracy_m": 12.0}


def visit(phone: Phone, household_id: str, at: datetime, where: dict | None = None) -> dict:
    data: dict[str, Any] = {"household_id": household_id, "occurred_at": at.isoformat()}
    if where:
        data["gps"] = where
    return phone.op("visit", new_id(), data)


def spot_check(phone: Phone, county: County, cadre: str, village: str, at: datetime) -> dict:
    data = {
        "village_code": village,
        "cadre_id": county.users[cadre],
        "checked_at": at.isoformat(),
        "reached": True,
        "on_post": True,
    }
    return phone.op("spot_check", new_id(), data)


@pytest.fixture
def scene(client, county: County) -> dict[str, Any]:
    now = datetime.now(UTC)
    day = timedelta(days=1)
    a = Phone(client, "cadre_a", "d-a")
    h1, h2, h3 = new_id(), new_id(), new_id()
    a.push_ok([a.op("household", h, household(county.village_a)) for h in (h1, h2, h3)])
    far = visit(a, h1, now - 5 * day, gps(LAT + 0.1, LON))
    a.push_ok(
        [
            visit(a, h1, now - 2 * day, gps(LAT, LON)),
            visit(a, h2, now - 10 * day, gps(LAT + 0.001, LON + 0.001)),
            visit(a, h2, now - 20 * day, gps(LAT - 0.001, LON - 0.001)),
            far,
            visit(a, h1, now - 40 * day),  # no GPS, outside 30 days
        ]
    )
    # cadre_a2's phone runs an hour fast: it says the visit was "a day ago" by its clock.
    a2 = Phone(client, "cadre_a2", "d-a2", skew_s=3600)
    a2.push_ok([visit(a2, h1, a2.now() - day, gps(LAT + 0.0005, LON + 0.0005))])

    # cadre_b has never synced; their village's household comes from the admin.
    admin = Phone(client, "admin", "d-ad")
    admin.push_ok([admin.op("household", new_id(), household(county.village_b))])

    c = Phone(client, "cadre_c", "d-c")
    hc = new_id()
    c.push_ok([c.op("household", hc, household(county.village_c))])
    c.push_ok([visit(c, hc, now - 20 * day)])

    sup = Phone(client, "super_county", "d-sc")
    sup.push_ok(
        [
            spot_check(sup, county, "cadre_a", county.village_a, now - day),
            spot_check(sup, county, "cadre_b", county.village_b, now - day),
            spot_check(sup, county, "cadre_c", county.village_c, now - day),
        ]
    )
    round_ = client.post(ROUNDS, json={"seed": 1}, headers=sup.headers)
    assert round_.status_code == 201, round_.text
    return {"now": now, "sup": sup, "round": round_.json(), "h": (h1, h2, h3), "far": far}


def _by_name(body: dict) -> dict[str, dict]:
    return {c["name"]: c for c in body["cadres"]}


def test_evidence_figures(client, county: County, scene: dict[str, Any]) -> None:
    now: datetime = scene["now"]
    cadres = _by_name(scene["round"])
    assert set(cadres) == {"cadre_a", "cadre_a2", "cadre_b", "cadre_c"}

    a = cadres["cadre_a"]["evidence"]
    assert a["visits_7d"] == 2
    assert a["visits_30d"] == 4
    assert abs(datetime.fromisoformat(a["last_sync_at"]) - now) < timedelta(minutes=1)
    last = a["last_visit"]
    assert last["household_id"] == scene["h"][0]
    assert last["head_name"] == "杨光明"
    assert last["village_name"] == "茅坡村"
    corrected = datetime.fromisoformat(last["occurred_at_corrected"])
    assert abs(corrected - (now - timedelta(days=2))) < timedelta(seconds=5)
    assert last["clock_skew_flag"] is False
    assert last["gps"] == gps(LAT, LON)
    # The village centre is the median of its five fixes: (27.0005, 108.9).
    village = a["villages"][0]
    assert village["code"] == county.village_a
    assert village["centre"] == pytest.approx({"lat": LAT + 0.0005, "lon": LON})
    assert last["distance_km"] == pytest.approx(haversine_km(LAT, LON, LAT + 0.0005, LON), abs=1e-3)
    assert last["far"] is False
    assert a["far_visits_30d"] == 1
    assert a["days_since_last_visit"] == 2
    # Three households, h3 never visited (default window: the last 90 days).
    assert (a["households"], a["households_unvisited"]) == (3, 1)
    assert (village["households"], village["unvisited"]) == (3, 1)
    assert [f["code"] for f in a["flags"]] == ["far_from_village"]
    assert "5 公里" in a["flags"][0]["message"]
    assert a["latest_check"]["on_post"] is True

    # The fast phone: stored as reported, corrected by the skew, flagged.
    a2 = cadres["cadre_a2"]["evidence"]
    last = a2["last_visit"]
    assert last["clock_skew_s"] == pytest.approx(3600, abs=5)
    assert last["clock_skew_flag"] is True
    reported = datetime.fromisoformat(last["occurred_at"].replace("Z", "+00:00"))
    corrected = datetime.fromisoformat(last["occurred_at_corrected"])
    assert abs(corrected - (now - timedelta(days=1))) < timedelta(seconds=5)
    assert abs((reported - corrected) - timedelta(hours=1)) < timedelta(seconds=5)
    assert a2["visits_7d"] == 1
    assert [f["code"] for f in a2["flags"]] == ["clock_skew"]
    assert "快" in a2["flags"][0]["message"]

    # Said on post, never a visit, never synced.
    b = cadres["cadre_b"]["evidence"]
    assert b["last_sync_at"] is None
    assert b["last_visit"] is None
    assert (b["visits_7d"], b["visits_30d"]) == (0, 0)
    assert (b["households"], b["households_unvisited"]) == (1, 1)
    assert [f["code"] for f in b["flags"]] == ["on_post_no_visit"]
    assert "没有任何走访记录" in b["flags"][0]["message"]

    # Said on post, last visit 20 days ago.
    c = cadres["cadre_c"]["evidence"]
    assert (c["visits_7d"], c["visits_30d"], c["days_since_last_visit"]) == (0, 1, 20)
    assert c["last_visit"]["gps"] is None
    assert c["last_visit"]["distance_km"] is None
    assert (c["households"], c["households_unvisited"]) == (1, 0)
    assert [f["code"] for f in c["flags"]] == ["on_post_no_visit"]
    assert "20 天" in c["flags"][0]["message"]


def test_visit_round_window(client, county: County, scene: dict[str, Any]) -> None:
    rid = scene["round"]["id"]
    week_ago = (scene["now"].astimezone(BEIJING) - timedelta(days=7)).date()
    body = client.get(
        f"{ROUNDS}/{rid}", params={"since": week_ago.isoformat()}, headers=scene["sup"].headers
    ).json()
    a = _by_name(body)["cadre_a"]["evidence"]
    # Since a week ago only h1 was visited (2 and 5 days ago; cadre_a2 a day ago).
    assert (a["households"], a["households_unvisited"]) == (3, 2)
    start = datetime.combine(week_ago, time(0), tzinfo=BEIJING)
    assert datetime.fromisoformat(a["round_since"]) == start
    assert _by_name(body)["cadre_c"]["evidence"]["households_unvisited"] == 1
    bad = client.get(f"{ROUNDS}/{rid}", params={"since": "x"}, headers=scene["sup"].headers)
    assert bad.status_code == 422


def test_evidence_is_limited_to_scope(client, county: County, scene: dict[str, Any]) -> None:
    sup = Phone(client, "super_t1", "d-s1")
    body = client.post(ROUNDS, json={"seed": 2, "per_township": 2}, headers=sup.headers).json()
    for c in body["cadres"]:
        for v in c["evidence"]["villages"]:
            assert v["code"] in {county.village_a, county.village_b}
    # Township 2's cadre and village are never named to township 1's supervisor.
    assert "cadre_c" not in _by_name(body)


def test_haversine() -> None:
    assert haversine_km(27.0, 108.9, 27.0, 108.9) == 0
    assert haversine_km(27.0, 108.9, 27.1, 108.9) == pytest.approx(11.12, abs=0.01)
    assert haversine_km(0, 0, 0, 180) == pytest.approx(20015.1, abs=1)
