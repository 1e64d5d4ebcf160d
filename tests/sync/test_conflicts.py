"""Conflict review: list in scope, read both sides, resolve per field into a new version."""

from backend.database import open_session
from backend.households.records import Household
from tests.conftest import County
from tests.sync.phone import Phone, household, new_id


def make_conflict(client, county: County) -> tuple[Phone, Phone, str, str]:  # type: ignore[no-untyped-def]
    a, b = Phone(client, "cadre_a", "d-a1"), Phone(client, "cadre_a2", "d-a2")
    hid = new_id()
    a.push_ok([a.op("household", hid, household(county.village_a))])
    a.push_ok([a.op("household", hid, {"income_per_head": 4200, "phone": "13800000001"}, base=1)])
    r = b.push_ok(
        [b.op("household", hid, {"income_per_head": 5100, "phone": "13800000002"}, base=1)]
    )
    return a, b, hid, r[0]["conflict_id"]


def test_list_and_read_in_scope(client, county: County) -> None:
    _a, _b, hid, cid = make_conflict(client, county)
    sup = Phone(client, "super_t1", "d-s1")
    page = client.get("/api/v1/conflicts", headers=sup.headers).json()
    assert page["total"] == 1
    assert page["items"][0]["record_id"] == hid
    other = Phone(client, "cadre_c", "d-c1")
    assert client.get("/api/v1/conflicts", headers=other.headers).json()["total"] == 0
    assert client.get(f"/api/v1/conflicts/{cid}", headers=other.headers).status_code == 404
    one = client.get(f"/api/v1/conflicts/{cid}", headers=sup.headers).json()
    assert set(one["fields"]) == {"income_per_head", "phone"}
    assert one["incoming"]["device_id"] == "d-a2"
    assert one["incoming"]["display_name"] == "cadre_a2"
    assert one["fields"]["phone"]["stored_by"]["device_id"] == "d-a1"


def test_resolve_per_field_makes_a_version_phones_pull(client, county: County) -> None:
    a, b, hid, cid = make_conflict(client, county)
    _, cursor = a.pull_all()
    sup = Phone(client, "super_t1", "d-s1")
    r = client.post(
        f"/api/v1/conflicts/{cid}/resolve",
        json={
            "fields": {
                "income_per_head": {"choice": "stored"},
                "phone": {"choice": "value", "value": "13800000009"},
            }
        },
        headers=sup.headers,
    )
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 4
    records, _ = a.pull_all(cursor)
    assert len(records) == 1
    rec = records[0]
    assert (rec["version"], rec["has_conflict"]) == (4, False)
    assert (rec["data"]["income_per_head"], rec["data"]["phone"]) == (4200, "13800000009")
    again = client.post(
        f"/api/v1/conflicts/{cid}/resolve",
        json={"fields": {"income_per_head": {"choice": "stored"}, "phone": {"choice": "stored"}}},
        headers=sup.headers,
    )
    assert again.status_code == 409
    with open_session() as s:
        h = s.get(Household, hid)
        assert h is not None
        assert h.version == 4


def test_cadres_cannot_resolve_and_choices_must_cover_every_field(client, county: County) -> None:
    a, _b, _hid, cid = make_conflict(client, county)
    r = client.post(
        f"/api/v1/conflicts/{cid}/resolve",
        json={"fields": {"income_per_head": {"choice": "stored"}}},
        headers=a.headers,
    )
    assert r.status_code == 403
    admin = Phone(client, "admin", "d-admin")
    r = client.post(
        f"/api/v1/conflicts/{cid}/resolve",
        json={"fields": {"income_per_head": {"choice": "stored"}}},
        headers=admin.headers,
    )
    assert r.status_code == 422
    assert "phone" in r.json()["detail"]


def test_id_numbers_stay_masked_for_supervisors_after_resolution(client, county: County) -> None:
    a, b = Phone(client, "cadre_a", "d-a1"), Phone(client, "cadre_a2", "d-a2")
    hid = new_id()
    a.push_ok([a.op("household", hid, household(county.village_a))])
    a.push_ok([a.op("household", hid, {"id_number": "520623198001010311"}, base=1)])
    cid = b.push_ok([b.op("household", hid, {"id_number": "520623198002020722"}, base=1)])[0][
        "conflict_id"
    ]
    admin = Phone(client, "admin", "d-admin")
    r = client.post(
        f"/api/v1/conflicts/{cid}/resolve",
        json={"fields": {"id_number": {"choice": "stored"}}},
        headers=admin.headers,
    )
    assert (
        r.json()["conflict"]["resolution"]["fields"]["id_number"]["value"] == "520623198001010311"
    )
    sup = Phone(client, "super_t1", "d-s1")
    seen = client.get(f"/api/v1/conflicts/{cid}", headers=sup.headers).json()
    assert seen["resolution"]["fields"]["id_number"]["value"] == "520623**********11"
    assert seen["fields"]["id_number"]["incoming"] == "520623**********22"


def test_phones_read_what_was_resolved_since_they_last_looked(client, county: County) -> None:
    a, b, _hid, first = make_conflict(client, county)
    hid2 = new_id()
    a.push_ok([a.op("household", hid2, household(county.village_a))])
    a.push_ok([a.op("household", hid2, {"remark": "路灯坏了"}, base=1)])
    second = b.push_ok([b.op("household", hid2, {"remark": "已修好"}, base=1)])[0]["conflict_id"]
    sup = Phone(client, "super_t1", "d-s1")

    def resolve(cid: str, fields: dict[str, object]) -> dict[str, object]:
        r = client.post(
            f"/api/v1/conflicts/{cid}/resolve", json={"fields": fields}, headers=sup.headers
        )
        assert r.status_code == 200, r.text
        return r.json()["conflict"]  # type: ignore[no-any-return]

    def since(phone: Phone, at: object) -> list[dict[str, object]]:
        params = {"status": "resolved", "resolved_after": str(at)}
        r = client.get("/api/v1/conflicts", params=params, headers=phone.headers)
        assert r.status_code == 200, r.text
        return r.json()["items"]  # type: ignore[no-any-return]

    # the later-made conflict is resolved first: the answer is in the order of resolution
    s = resolve(second, {"remark": {"choice": "incoming"}})
    f = resolve(first, {"income_per_head": {"choice": "stored"}, "phone": {"choice": "incoming"}})
    seen = since(a, "2000-01-01T00:00:00+08:00")
    assert [c["id"] for c in seen] == [second, first]
    assert (seen[1]["resolved_by"], seen[1]["resolved_by_name"]) == (
        county.users["super_t1"],
        "super_t1",
    )
    assert [c["id"] for c in since(a, s["resolved_at"])] == [first]
    assert since(a, f["resolved_at"]) == []
    # a cadre reads one conflict of its village with its resolution; out of scope: nothing
    one = client.get(f"/api/v1/conflicts/{first}", headers=a.headers).json()
    assert one["resolution"]["fields"]["phone"] == {"choice": "incoming", "value": "13800000002"}
    assert one["resolved_by_name"] == "super_t1"
    other = Phone(client, "cadre_c", "d-c1")
    assert client.get(f"/api/v1/conflicts/{first}", headers=other.headers).status_code == 404
    assert since(other, "2000-01-01T00:00:00Z") == []
    # times at the calendar's ends are no server error
    for edge in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"):
        assert len(since(a, edge)) == (2 if edge.startswith("0001") else 0)
