"""Members who leave are marked (死亡, 迁出, 婚嫁, 分户) with a date, never deleted; counts
and the household list count only resident members (在册)."""

from datetime import date, timedelta

from tests.conftest import County
from tests.sync.phone import Phone, household, new_id


def test_a_member_who_leaves_is_kept_but_not_counted(client, county: County) -> None:
    a = Phone(client, "cadre_a", "d-a1")
    g1 = county.groups[county.village_a][0]
    h, head, gone = new_id(), new_id(), new_id()
    a.push_ok(
        [
            a.op("household", h, household(county.village_a, g1)),
            a.op("member", head, {"household_id": h, "name": "杨光明", "relation": "head"}),
            a.op("member", gone, {"household_id": h, "name": "杨秀英"}),
        ]
    )
    records, _ = a.pull_all()
    member = next(r for r in records if r["id"] == head)
    assert member["data"]["status"] == "resident"  # the default: 在册

    left = (date.today() - timedelta(days=3)).isoformat()
    change = {"status": "married_out", "left_on": left, "left_reason": "嫁到邻村"}
    [res] = a.push_ok([a.op("member", gone, change, base=1)])
    assert res["status"] == "applied", res

    rows = client.get("/api/v1/households/counts", headers=a.headers).json()["rows"]
    assert sum(r["members"] for r in rows) == 1
    listed = client.get(
        "/api/v1/households", params={"village_code": county.village_a}, headers=a.headers
    ).json()["items"]
    assert [x["members"] for x in listed] == [1]
    # still in the family file, with why and when
    f = client.get(f"/api/v1/households/{h}", headers=a.headers).json()
    kept = next(m for m in f["members"] if m["id"] == gone)
    assert kept["data"]["status"] == "married_out"
    assert kept["data"]["left_on"] == left


def test_a_status_must_be_one_of_the_vocabulary(client, county: County) -> None:
    a = Phone(client, "cadre_a", "d-a1")
    h = new_id()
    a.push_ok([a.op("household", h, household(county.village_a, None))])
    [res] = a.push_ok(
        [a.op("member", new_id(), {"household_id": h, "name": "杨光明", "status": "gone"})]
    )
    assert res["status"] == "rejected"
    assert "在册状态" in res["error"]["message"]


def test_a_member_who_left_says_when(client, county: County) -> None:
    a = Phone(client, "cadre_a", "d-a1")
    h = new_id()
    a.push_ok([a.op("household", h, household(county.village_a, None))])
    [res] = a.push_ok(
        [a.op("member", new_id(), {"household_id": h, "name": "杨光明", "status": "dead"})]
    )
    assert res["status"] == "rejected"
    assert res["error"]["message"].endswith("离开日期：在册状态为“在册”以外时必须填写")
