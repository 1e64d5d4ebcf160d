"""Counts per villager group for the county browser: what is counted, the round, the scope."""

from datetime import UTC, datetime, timedelta

from tests.conftest import County
from tests.sync.phone import Phone, household, new_id


def _rows(client, headers, **params) -> dict[tuple[str, str | None], dict]:
    r = client.get("/api/v1/households/counts", params=params, headers=headers)
    assert r.status_code == 200, r.text
    return {(x["village_code"], x["group_code"]): x for x in r.json()["rows"]}


def _seed(client, county: County) -> dict[str, str]:
    a = Phone(client, "cadre_a", "d-a1")
    b = Phone(client, "cadre_b", "d-b1")
    g1, g2 = county.groups[county.village_a]
    h1, h2, h3, h_gone, h_loose, hb = (new_id() for _ in range(6))
    long_ago = datetime.now(UTC) - timedelta(days=200)
    a.push_ok(
        [
            a.op("household", h1, household(county.village_a, g1, head_name="龙再华")),
            a.op("household", h2, household(county.village_a, g1, poverty_status="out")),
            a.op("household", h3, household(county.village_a, g2, poverty_status="monitored")),
            a.op("household", h_gone, household(county.village_a, g2)),
            a.op("household", h_loose, household(county.village_a, None)),
            a.op("member", new_id(), {"household_id": h1, "name": "龙再华", "relation": "head"}),
            a.op("member", new_id(), {"household_id": h1, "name": "龙小军"}),
            a.op("member", new_id(), {"household_id": h3, "name": "杨秀英"}),
            a.op("member", new_id(), {"household_id": h_gone, "name": "不再计入"}),
            a.op("visit", new_id(), {"household_id": h1, "occurred_at": a.now().isoformat()}),
            a.op("visit", new_id(), {"household_id": h3, "occurred_at": a.now().isoformat()}),
            # a visit of the last round: counted only when the window reaches back to it
            a.op("visit", new_id(), {"household_id": h2, "occurred_at": long_ago.isoformat()}),
            a.op("visit", new_id(), {"household_id": h_gone, "occurred_at": a.now().isoformat()}),
        ]
    )
    # a household removed at the county: neither it nor its members and visits count
    admin = Phone(client, "admin", "d-admin")
    admin.push_ok([admin.op("household", h_gone, base=1, delete=True)])
    b.push_ok(
        [b.op("household", hb, household(county.village_b, county.groups[county.village_b][0]))]
    )
    return {"h1": h1, "hb": hb}


def test_counts_per_group_by_status_members_and_visits_of_the_round(client, county) -> None:
    _seed(client, county)
    g1, g2 = county.groups[county.village_a]
    sup = Phone(client, "super_t1", "d-s1")
    rows = _rows(client, sup.headers)
    a1 = rows[county.village_a, g1]
    assert (a1["households"], a1["not_out"], a1["out"], a1["monitored"]) == (2, 1, 1, 0)
    assert (a1["members"], a1["visits"]) == (2, 1)  # the visit 200 days ago is of another round
    a2 = rows[county.village_a, g2]
    assert (a2["households"], a2["monitored"], a2["members"], a2["visits"]) == (1, 1, 1, 1)
    assert rows[county.village_a, None]["households"] == 1  # filed in no group
    assert rows[county.village_b, county.groups[county.village_b][0]]["households"] == 1

    since = (datetime.now(UTC) - timedelta(days=365)).date()
    r = client.get("/api/v1/households/counts", params={"since": str(since)}, headers=sup.headers)
    # 00:00 Beijing time on that day
    assert r.json()["since"].startswith(f"{since - timedelta(days=1)}T16:00:00")
    wider = {(x["village_code"], x["group_code"]): x for x in r.json()["rows"]}
    assert wider[county.village_a, g1]["visits"] == 2

    only_a = _rows(client, sup.headers, village_code=county.village_a)
    assert {v for v, _ in only_a} == {county.village_a}
    only_t1 = _rows(client, sup.headers, township_code=county.township_1)
    assert {v for v, _ in only_t1} == {county.village_a, county.village_b}


def test_counts_keep_to_the_callers_scope(client, county: County) -> None:
    _seed(client, county)
    cadre_a = Phone(client, "cadre_a", "d-a1")
    assert {v for v, _ in _rows(client, cadre_a.headers)} == {county.village_a}
    cadre_c = Phone(client, "cadre_c", "d-c1")
    assert _rows(client, cadre_c.headers) == {}
    for params in ({"village_code": county.village_a}, {"township_code": county.township_1}):
        r = client.get("/api/v1/households/counts", params=params, headers=cadre_c.headers)
        assert r.status_code == 404, r.text
    admin = Phone(client, "admin", "d-admin")
    assert {v for v, _ in _rows(client, admin.headers)} == {county.village_a, county.village_b}
    assert client.get("/api/v1/households/counts").status_code == 401
