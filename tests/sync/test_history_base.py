"""A merge from an old base reads that base rebuilt from the undo log (issue 19: the history
keeps what each version replaced; the row is the whole latest version)."""

from tests.conftest import County
from tests.sync.phone import Phone, household, new_id


def test_a_merge_from_an_old_base_weighs_the_values_the_base_had(client, county: County) -> None:
    a = Phone(client, "cadre_a", "d-a1")
    b = Phone(client, "cadre_a2", "d-a2")
    hid = new_id()
    a.push_ok([a.op("household", hid, household(county.village_a, income_per_head=3200))])
    a.push_ok([a.op("household", hid, {"income_per_head": 4100}, base=1)])
    a.push_ok([a.op("household", hid, {"remark": "新修了院坝"}, base=2)])
    a.push_ok([a.op("household", hid, {"income_per_head": 4500, "address": "上寨"}, base=3)])
    # b edited version 1 offline: it sends the income it had (3200, unchanged on the phone)
    # and a phone number. The income is base's value, so no clash: only read rightly from
    # version 1 (3200), not from the row (4500) or version 2 (4100), does it say so.
    [r] = b.push_ok(
        [b.op("household", hid, {"income_per_head": 3200, "phone": "13800000000"}, base=1)]
    )
    assert (r["status"], r["version"], r["conflict_id"]) == ("merged", 5, None)
    # a real clash names base's value as the base
    [r] = b.push_ok([b.op("household", hid, {"address": "下寨"}, base=1)])
    assert r["status"] == "conflict", r
    sup = Phone(client, "super_t1", "d-s1")
    conflict = client.get(f"/api/v1/conflicts/{r['conflict_id']}", headers=sup.headers).json()
    assert conflict["fields"]["address"]["base"] == household(county.village_a).get("address")
    assert conflict["fields"]["address"]["stored"] == "上寨"

    # the audit trail rebuilds every version: old → new of each, the row being only the last
    trail = client.get(f"/api/v1/records/household/{hid}/changes", headers=sup.headers).json()
    changes = [{c["field"]: (c["old"], c["new"]) for c in v["changes"]} for v in trail]
    assert changes[1] == {"income_per_head": (3200, 4100)}
    assert changes[2] == {"remark": (None, "新修了院坝")}
    assert changes[3] == {"income_per_head": (4100, 4500), "address": (None, "上寨")}
    assert changes[4] == {"phone": (None, "13800000000")}
    assert changes[0]["head_name"] == (None, "杨光明")  # a create: every field, from nothing
