"""The audit trail the console shows: who changed which field, when, from which device; and
what a revoked device can no longer do."""

from tests.conftest import County
from tests.sync.phone import Phone, household, new_id


def test_history_names_fields_users_devices_and_the_resolution(client, county: County) -> None:
    a = Phone(client, "cadre_a", "phone-a")
    a2 = Phone(client, "cadre_a2", "phone-a2")
    hid = new_id()
    a.push_ok([a.op("household", hid, household(county.village_a, head_name="龙再华"))])
    a.push_ok([a.op("household", hid, {"phone": "13900000001"}, base=1)])
    # the same field from another phone, edited from version 1: a conflict
    (res,) = a2.push_ok([a2.op("household", hid, {"income_per_head": 4800}, base=1)])
    (res_a,) = a.push_ok([a.op("household", hid, {"income_per_head": 5100}, base=2)])
    conflict_id = res_a["conflict_id"] or res["conflict_id"]
    assert conflict_id

    sup = Phone(client, "super_t1", "sup-phone")
    r = client.post(
        f"/api/v1/conflicts/{conflict_id}/resolve",
        json={"fields": {"income_per_head": {"choice": "value", "value": 5000}}},
        headers=sup.headers,
    )
    assert r.status_code == 200, r.text

    f = client.get(f"/api/v1/households/{hid}", headers=sup.headers).json()
    assert f["household"]["data"]["income_per_head"] == 5000
    assert f["household"]["has_conflict"] is False
    trail = [(h["version"], h["op"], h["user_id"], h["device_id"]) for h in f["history"]]
    assert trail == [
        (1, "create", county.users["cadre_a"], "phone-a"),
        (2, "update", county.users["cadre_a"], "phone-a"),
        (3, "update", county.users["cadre_a2"], "phone-a2"),
        (4, "update", county.users["cadre_a"], "phone-a"),
        (5, "resolve", county.users["super_t1"], "sup-phone"),
    ]
    changed = {h["version"]: h["changed"] for h in f["history"]}
    assert changed[2] == ["phone"]
    assert changed[3] == ["income_per_head"]
    assert changed[5] == ["income_per_head"]
    assert all(h["at"] for h in f["history"])

    # the conflict keeps both sides and its resolution
    c = client.get(f"/api/v1/conflicts/{conflict_id}", headers=sup.headers).json()
    assert c["status"] == "resolved"
    assert c["resolved_by"] == county.users["super_t1"]
    assert c["resolution"]["fields"]["income_per_head"] == {"choice": "value", "value": 5000}
    assert {
        c["fields"]["income_per_head"]["stored"],
        c["fields"]["income_per_head"]["incoming"],
    } == {
        4800,
        5100,
    }
    resolved = client.get(
        "/api/v1/conflicts", params={"status": "resolved"}, headers=sup.headers
    ).json()
    assert [x["id"] for x in resolved["items"]] == [conflict_id]
    assert client.get("/api/v1/conflicts", headers=sup.headers).json()["total"] == 0


def test_a_revoked_device_pushes_nothing_and_its_owner_sees_why(client, county: County) -> None:
    a = Phone(client, "cadre_a", "phone-a")
    hid = new_id()
    a.push_ok([a.op("household", hid, household(county.village_a))])
    admin = Phone(client, "admin", "admin-pc")
    pk = next(
        d["id"]
        for d in client.get("/api/v1/devices", headers=admin.headers).json()
        if d["device_id"] == "phone-a"
    )
    assert client.post(f"/api/v1/devices/{pk}/revoke", headers=admin.headers).status_code == 200

    r = a.push([a.op("household", hid, {"remark": "撤销后写的"}, base=1)])
    assert r.status_code == 401
    assert r.json()["error"] == "device_revoked"
    assert "停用" in r.json()["detail"]
    r = client.get("/api/v1/sync/pull", headers=a.headers)
    assert (r.status_code, r.json()["error"]) == (401, "device_revoked")
    f = client.get(f"/api/v1/households/{hid}", headers=admin.headers).json()
    assert f["household"]["data"]["remark"] is None
    assert f["household"]["version"] == 1
