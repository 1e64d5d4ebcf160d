"""A record's audit trail, old → new (issue 16: the console listed only the names of the
fields a version changed)."""

from tests.conftest import County
from tests.sync.phone import Phone, household, new_id


def test_each_version_says_old_and_new_values(client, county: County) -> None:
    a = Phone(client, "cadre_a", "d-a1")
    hid = new_id()
    a.push_ok([a.op("household", hid, household(county.village_a))])
    a.push_ok([a.op("household", hid, {"income_per_head": 4200, "remark": "新修了院坝"}, base=1)])
    sup = Phone(client, "super_t1", "d-s1")
    r = client.get(f"/api/v1/records/household/{hid}/changes", headers=sup.headers)
    assert r.status_code == 200, r.text
    first, second = r.json()
    assert (first["version"], first["op"]) == (1, "create")
    assert second["version"] == 2
    assert second["user_id"] == county.users["cadre_a"]
    assert second["device_id"] == "d-a1"
    changes = {c["field"]: (c["old"], c["new"]) for c in second["changes"]}
    old_income = household(county.village_a).get("income_per_head")
    assert changes == {"income_per_head": (old_income, 4200), "remark": (None, "新修了院坝")}
    # ID numbers stay masked for a supervisor, in the trail too
    ids = [c for c in first["changes"] if c["field"] == "id_number" and c["new"]]
    assert all("*" in c["new"] for c in ids)

    outsider = Phone(client, "cadre_c", "d-c1")
    assert (
        client.get(f"/api/v1/records/household/{hid}/changes", headers=outsider.headers).status_code
        == 404
    )
    assert client.get("/api/v1/records/nothing/x/changes", headers=sup.headers).status_code == 404
    spot = client.get(f"/api/v1/records/spot_check/{hid}/changes", headers=a.headers)
    assert spot.status_code == 403
