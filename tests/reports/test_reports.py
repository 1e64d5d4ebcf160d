"""Reports against a hand-built county with known figures: coverage per village, township
and cadre; spot-check results per township and month; the recall list; open conflicts;
the SVG charts; scope and roles."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from backend.reports.service import month_start
from tests.conftest import County
from tests.sync.phone import Phone, household, new_id

REPORTS = "/api/v1/reports"
SVG_NS = "{http://www.w3.org/2000/svg}"


def visit(phone: Phone, household_id: str, at: datetime) -> dict[str, Any]:
    return phone.op(
        "visit", new_id(), {"household_id": household_id, "occurred_at": at.isoformat()}
    )


@pytest.fixture
def visits(client, county: County) -> dict[str, Any]:
    now = datetime.now(UTC)
    day = timedelta(days=1)
    a = Phone(client, "cadre_a", "d-a")
    ha = [new_id() for _ in range(4)]
    a.push_ok([a.op("household", h, household(county.village_a)) for h in ha])
    a.push_ok([visit(a, ha[0], now - 2 * day), visit(a, ha[1], now - 10 * day)])
    a.push_ok([visit(a, ha[2], now - 100 * day)])  # outside the 90-day round
    a.push_ok([visit(a, ha[3], now + 3 * day)])  # dated in the future: not a visit yet
    a2 = Phone(client, "cadre_a2", "d-a2")
    a2.push_ok([visit(a2, ha[0], now - day)])
    b = Phone(client, "cadre_b", "d-b")
    hb = [new_id(), new_id()]
    b.push_ok([b.op("household", h, household(county.village_b)) for h in hb])
    b.push_ok([visit(b, hb[0], now - 3 * day)])
    c = Phone(client, "cadre_c", "d-c")
    c.push_ok([c.op("household", new_id(), household(county.village_c))])
    return {"now": now, "ha": ha}


def test_coverage(client, county: County, visits: dict[str, Any]) -> None:
    sup = Phone(client, "super_county", "d-sc")
    r = client.get(f"{REPORTS}/coverage", headers=sup.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == {"households": 7, "visited": 3, "share": round(3 / 7, 4)}
    villages = {v["code"]: v for v in body["villages"]}
    assert villages[county.village_a]["households"] == 4
    assert villages[county.village_a]["visited"] == 2
    assert villages[county.village_a]["share"] == 0.5
    assert villages[county.village_a]["name"] == "茅坡村"
    assert villages[county.village_a]["township_name"] == "平溪街道"
    assert (villages[county.village_b]["visited"], villages[county.village_b]["share"]) == (1, 0.5)
    assert (villages[county.village_c]["visited"], villages[county.village_c]["share"]) == (0, 0)
    towns = {t["code"]: t for t in body["townships"]}
    assert towns[county.township_1] == {
        "code": county.township_1,
        "name": "平溪街道",
        "villages": 2,
        "households": 6,
        "visited": 3,
        "share": 0.5,
    }
    assert towns[county.township_2]["share"] == 0
    cadres = {c["name"]: c for c in body["cadres"]}
    # Per cadre: the households of their villages *they* visited.
    assert cadres["cadre_a"]["visited"] == 2
    assert cadres["cadre_a"]["households"] == 4
    assert cadres["cadre_a"]["visits"] == 2
    assert cadres["cadre_a2"]["visited"] == 1
    assert cadres["cadre_a2"]["share"] == 0.25
    assert cadres["cadre_b"]["share"] == 0.5
    assert cadres["cadre_c"]["visited"] == 0
    assert cadres["cadre_c"]["villages"] == [county.village_c]

    # A longer window takes in the visit of 100 days ago.
    since = (visits["now"] - timedelta(days=120)).date().isoformat()
    longer = client.get(f"{REPORTS}/coverage", params={"since": since}, headers=sup.headers)
    assert longer.json()["total"]["visited"] == 4

    # A township supervisor sees their township only; another township is 404.
    t1 = Phone(client, "super_t1", "d-s1")
    mine = client.get(f"{REPORTS}/coverage", headers=t1.headers).json()
    assert {v["code"] for v in mine["villages"]} == {county.village_a, county.village_b}
    assert {c["name"] for c in mine["cadres"]} == {"cadre_a", "cadre_a2", "cadre_b"}
    assert mine["total"]["households"] == 6
    other = client.get(
        f"{REPORTS}/coverage", params={"township_code": county.township_2}, headers=t1.headers
    )
    assert other.status_code == 404
    only = client.get(
        f"{REPORTS}/coverage", params={"township_code": county.township_2}, headers=sup.headers
    ).json()
    assert [v["code"] for v in only["villages"]] == [county.village_c]


def _svg(r: Any) -> ET.Element:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "image/svg+xml"
    return ET.fromstring(r.content)


def _texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG_NS}text")]


def test_coverage_chart(client, county: County, visits: dict[str, Any]) -> None:
    sup = Phone(client, "super_county", "d-sc")
    root = _svg(client.get(f"{REPORTS}/coverage.svg", headers=sup.headers))
    texts = _texts(root)
    assert "遍访覆盖率（按村）" in texts
    assert {"茅坡村", "朱家场村", "彰寨村"} <= set(texts)
    assert "2/4 50%" in texts
    assert "0/1 0%" in texts
    assert root.get("viewBox", "").startswith("0 0 360 ")
    rows = [g for g in root.iter(f"{SVG_NS}g") if g.get("class") == "row"]
    assert len(rows) == 3
    by_cadre = _texts(
        _svg(client.get(f"{REPORTS}/coverage.svg", params={"by": "cadre"}, headers=sup.headers))
    )
    assert "1/4 25%" in by_cadre
    by_town = _texts(
        _svg(client.get(f"{REPORTS}/coverage.svg", params={"by": "township"}, headers=sup.headers))
    )
    assert {"平溪街道", "大龙街道"} <= set(by_town)


def _check(
    phone: Phone, county: County, cadre: str, village: str, at: datetime, reached: bool,
    on_post: bool | None,
) -> dict[str, Any]:  # fmt: skip
    data = {
        "village_code": village,
        "cadre_id": county.users[cadre],
        "checked_at": at.isoformat(),
        "reached": reached,
        "on_post": on_post,
    }
    return phone.op("spot_check", new_id(), data)


@pytest.fixture
def checks(client, county: County) -> dict[str, Any]:
    now = datetime.now(UTC)
    # In this month and not after now (the 1st's first hour included); then last month.
    this_month = min(month_start(now) + timedelta(hours=1), now)
    last_month = month_start(now) - timedelta(days=1)
    long_ago = now - timedelta(days=400)
    sup = Phone(client, "super_county", "d-sc")
    a, b, c = county.village_a, county.village_b, county.village_c
    sup.push_ok(
        [
            _check(sup, county, "cadre_a", a, this_month, True, True),
            _check(sup, county, "cadre_a", a, last_month, True, False),
            _check(sup, county, "cadre_b", b, this_month, False, None),
            _check(sup, county, "cadre_b", b, last_month, False, None),
            _check(sup, county, "cadre_b", b, long_ago, False, None),
            _check(sup, county, "cadre_c", c, last_month, True, False),
            _check(sup, county, "cadre_c", c, this_month, True, None),
        ]
    )
    return {
        "now": now,
        "this": month_start(this_month).strftime("%Y-%m"),
        "last": month_start(last_month).strftime("%Y-%m"),
    }


def test_spot_check_results_per_township_and_month(
    client, county: County, checks: dict[str, Any]
) -> None:
    sup = Phone(client, "super_county", "d-sc")
    body = client.get(f"{REPORTS}/spot-checks", headers=sup.headers).json()
    assert len(body["periods"]) == 6
    assert body["periods"][-2:] == [checks["last"], checks["this"]]
    towns = {t["code"]: t for t in body["townships"]}
    t1 = {p["period"]: p for p in towns[county.township_1]["periods"]}
    assert t1[checks["this"]] == {
        "period": checks["this"], "checks": 2, "reached": 1, "on_post": 1, "absent": 1,
    }  # fmt: skip
    assert t1[checks["last"]] == {
        "period": checks["last"], "checks": 2, "reached": 1, "on_post": 0, "absent": 2,
    }  # fmt: skip
    t2 = {p["period"]: p for p in towns[county.township_2]["periods"]}
    assert (t2[checks["this"]]["checks"], t2[checks["this"]]["absent"]) == (1, 0)
    assert (t2[checks["last"]]["checks"], t2[checks["last"]]["absent"]) == (1, 1)
    assert body["total"] == {"checks": 6, "reached": 4, "on_post": 1, "absent": 4}

    t1_sup = Phone(client, "super_t1", "d-s1")
    mine = client.get(f"{REPORTS}/spot-checks", headers=t1_sup.headers).json()
    assert [t["code"] for t in mine["townships"]] == [county.township_1]
    assert mine["total"]["checks"] == 4

    root = _svg(client.get(f"{REPORTS}/spot-checks.svg", headers=sup.headers))
    texts = _texts(root)
    assert "电话抽查结果（在岗/抽查人数）" in texts
    assert {"平溪街道", "大龙街道", "1/2", "0/2", "0/1"} <= set(texts)
    assert f"{int(checks['this'][5:])}月" in texts


def test_recall_list(client, county: County, checks: dict[str, Any]) -> None:
    sup = Phone(client, "super_county", "d-sc")
    body = client.get(f"{REPORTS}/recall", headers=sup.headers).json()
    assert [c["name"] for c in body["cadres"]] == ["cadre_b"]
    b = body["cadres"][0]
    # The check of 400 days ago is outside the year.
    assert (b["checks"], b["absences"], b["not_reached"], b["not_on_post"]) == (2, 2, 2, 0)
    assert b["tel"] == "tel:13800000000"
    assert b["township"] == {"code": county.township_1, "name": "平溪街道"}
    assert b["villages"] == [{"code": county.village_b, "name": "朱家场村"}]
    assert b["evidence"]["visits_30d"] == 0
    assert b["evidence"]["latest_check"]["reached"] is False

    everyone = client.get(f"{REPORTS}/recall", params={"min_absences": 1}, headers=sup.headers)
    by_name = {c["name"]: c for c in everyone.json()["cadres"]}
    assert set(by_name) == {"cadre_a", "cadre_b", "cadre_c"}
    assert [c["name"] for c in everyone.json()["cadres"]][0] == "cadre_b"  # most absences first
    assert (by_name["cadre_a"]["absences"], by_name["cadre_a"]["not_on_post"]) == (1, 1)
    assert by_name["cadre_c"]["checks"] == 2

    older = (checks["now"] - timedelta(days=500)).date().isoformat()
    longer = client.get(f"{REPORTS}/recall", params={"since": older}, headers=sup.headers).json()
    assert longer["cadres"][0]["absences"] == 3

    t2 = client.get(
        f"{REPORTS}/recall",
        params={"township_code": county.township_2, "min_absences": 1},
        headers=sup.headers,
    ).json()
    assert [c["name"] for c in t2["cadres"]] == ["cadre_c"]
    t1_sup = Phone(client, "super_t1", "d-s1")
    seen = client.get(f"{REPORTS}/recall", params={"min_absences": 1}, headers=t1_sup.headers)
    assert {c["name"] for c in seen.json()["cadres"]} == {"cadre_a", "cadre_b"}


def test_open_conflicts_per_village(client, county: County) -> None:
    a, a2 = Phone(client, "cadre_a", "d-a"), Phone(client, "cadre_a2", "d-a2")
    for _ in range(2):
        hid = new_id()
        a.push_ok([a.op("household", hid, household(county.village_a))])
        a.push_ok([a.op("household", hid, {"income_per_head": 4200}, base=1)])
        res = a2.push_ok([a2.op("household", hid, {"income_per_head": 5100}, base=1)])
        assert res[0]["status"] == "conflict"
    sup = Phone(client, "super_county", "d-sc")
    body = client.get(f"{REPORTS}/conflicts", headers=sup.headers).json()
    assert body == {
        "total": 2,
        "villages": [
            {
                "code": county.village_a,
                "name": "茅坡村",
                "township_code": county.township_1,
                "township_name": "平溪街道",
                "open": 2,
                "by_type": {"household": 2},
            }
        ],
    }
    texts = _texts(_svg(client.get(f"{REPORTS}/conflicts.svg", headers=sup.headers)))
    assert "待处理的数据冲突（按村）" in texts
    assert "茅坡村" in texts
    assert "2" in texts
    t2 = client.get(
        f"{REPORTS}/conflicts", params={"township_code": county.township_2}, headers=sup.headers
    ).json()
    assert t2 == {"total": 0, "villages": []}
    empty = _texts(
        _svg(
            client.get(
                f"{REPORTS}/conflicts.svg",
                params={"township_code": county.township_2},
                headers=sup.headers,
            )
        )
    )
    assert "暂无数据" in empty


@pytest.mark.parametrize(
    "path",
    ["coverage", "coverage.svg", "spot-checks", "spot-checks.svg", "recall", "conflicts",
     "conflicts.svg"],
)  # fmt: skip
def test_cadres_get_403(client, county: County, path: str) -> None:
    cadre = Phone(client, "cadre_a", "d-a")
    r = client.get(f"{REPORTS}/{path}", headers=cadre.headers)
    assert r.status_code == 403
    assert r.json()["error"] == "forbidden"
    assert client.get(f"{REPORTS}/{path}").status_code == 401
    admin = Phone(client, "admin", "d-ad")
    assert client.get(f"{REPORTS}/{path}", headers=admin.headers).status_code == 200
