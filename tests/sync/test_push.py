"""Push: the rules of the sync contract v1, one by one, on the real database."""

from datetime import datetime

from sqlalchemy import func, select

from backend.database import open_session
from backend.households.records import Household, Member
from backend.records.models import RecordHistory
from backend.visits.records import Visit
from tests.conftest import County
from tests.sync.phone import Phone, household, new_id


def count(model, **where) -> int:  # type: ignore[no-untyped-def]
    with open_session() as s:
        stmt = select(func.count()).select_from(model)
        for k, v in where.items():
            stmt = stmt.where(getattr(model, k) == v)
        return int(s.execute(stmt).scalar_one())


def test_create_household_member_and_visit(client, county: County) -> None:
    phone = Phone(client, "cadre_a", "d-a1")
    hid, mid, vid = new_id(), new_id(), new_id()
    results = phone.push_ok(
        [
            phone.op("household", hid, household(county.village_a, county.group(county.village_a))),
            phone.op("member", mid, {"household_id": hid, "name": "杨小红", "relation": "child"}),
            phone.op(
                "visit",
                vid,
                {
                    "household_id": hid,
                    "kind": "first_visit",
                    "occurred_at": "2026-11-18T10:20:00+08:00",
                    "gps": {"lat": 27.23, "lon": 108.9, "accuracy_m": 15},
                    "needs": ["medical"],
                },
            ),
        ]
    )
    assert [r["status"] for r in results] == ["applied"] * 3
    assert all(r["version"] == 1 for r in results)
    assert count(Household) == count(Member) == count(Visit) == 1
    assert count(RecordHistory) == 3


def test_replayed_batch_changes_nothing(client, county: County) -> None:
    phone = Phone(client, "cadre_a", "d-a1")
    hid = new_id()
    ops = [phone.op("household", hid, household(county.village_a))]
    batch_id = new_id()
    first = phone.push(ops, batch_id).json()["results"]
    again = phone.push(ops, batch_id).json()["results"]
    assert first[0]["status"] == "applied"
    assert again[0]["status"] == "duplicate"
    assert again[0]["first_status"] == "applied"
    assert again[0]["version"] == first[0]["version"]
    assert count(Household) == 1
    assert count(RecordHistory) == 1


def test_rejected_op_does_not_sink_the_others(client, county: County) -> None:
    phone = Phone(client, "cadre_a", "d-a1")
    good, bad = new_id(), new_id()
    results = phone.push_ok(
        [
            phone.op("household", bad, household(county.village_a, head_name="")),
            phone.op("household", good, household(county.village_a)),
            phone.op("member", new_id(), {"household_id": new_id(), "name": "无主"}),
        ]
    )
    assert [r["status"] for r in results] == ["rejected", "applied", "rejected"]
    assert results[0]["error"]["code"] == "invalid"
    assert "户主姓名" in results[0]["error"]["message"]
    assert results[2]["error"]["code"] == "unknown_parent"
    assert count(Household) == 1


def test_different_fields_merge(client, county: County) -> None:
    a, b = Phone(client, "cadre_a", "d-a1"), Phone(client, "cadre_a2", "d-a2")
    hid = new_id()
    a.push_ok([a.op("household", hid, household(county.village_a))])
    r1 = a.push_ok([a.op("household", hid, {"income_per_head": 4200}, base=1)])
    r2 = b.push_ok([b.op("household", hid, {"phone": "13900001111"}, base=1)])
    assert r1[0]["status"] == "applied"
    assert r2[0]["status"] == "merged"
    assert r2[0]["version"] == 3
    with open_session() as s:
        h = s.get(Household, hid)
        assert h is not None
        assert (h.income_per_head, h.phone, h.has_conflict) == (4200, "13900001111", False)


def test_same_field_conflicts_and_keeps_both(client, county: County) -> None:
    a, b = Phone(client, "cadre_a", "d-a1"), Phone(client, "cadre_a2", "d-a2")
    hid = new_id()
    a.push_ok([a.op("household", hid, household(county.village_a))])
    a.push_ok([a.op("household", hid, {"income_per_head": 4200, "address": "茅坡村3组"}, base=1)])
    r = b.push_ok([b.op("household", hid, {"income_per_head": 5100, "relocated": True}, base=1)])
    assert r[0]["status"] == "conflict"
    assert r[0]["conflict_id"]
    with open_session() as s:
        h = s.get(Household, hid)
        assert h is not None
        # b's change was observed later: it is current for now; its other field applied
        assert (h.income_per_head, h.relocated, h.address, h.has_conflict) == (
            5100,
            True,
            "茅坡村3组",
            True,
        )
    c = client.get(f"/api/v1/conflicts/{r[0]['conflict_id']}", headers=a.headers)
    assert c.status_code == 200, c.text
    f = c.json()["fields"]["income_per_head"]
    assert (f["base"], f["stored"], f["incoming"], f["winner"]) == (3200, 4200, 5100, "incoming")


def test_same_field_same_value_is_no_conflict(client, county: County) -> None:
    a, b = Phone(client, "cadre_a", "d-a1"), Phone(client, "cadre_a2", "d-a2")
    hid = new_id()
    a.push_ok([a.op("household", hid, household(county.village_a))])
    a.push_ok([a.op("household", hid, {"poverty_status": "out"}, base=1)])
    r = b.push_ok([b.op("household", hid, {"poverty_status": "out"}, base=1)])
    assert r[0]["status"] == "merged"


def test_a_device_never_conflicts_with_itself(client, county: County) -> None:
    a, b = Phone(client, "cadre_a", "d-a1"), Phone(client, "cadre_a2", "d-a2")
    hid = new_id()
    a.push_ok([a.op("household", hid, household(county.village_a))])
    # two offline edits of one field on one phone, both from base 1, in one batch
    r = a.push_ok(
        [
            a.op("household", hid, {"income_per_head": 4000}, base=1),
            a.op("household", hid, {"income_per_head": 4100}, base=1),
        ]
    )
    assert [x["status"] for x in r] == ["applied", "applied"]
    # another phone's change in between, then this phone again from its old base
    b.push_ok([b.op("household", hid, {"address": "新址"}, base=3)])
    r = a.push_ok([a.op("household", hid, {"income_per_head": 4200}, base=1)])
    assert r[0]["status"] == "merged"


def test_visits_are_corrected_only_by_their_author(client, county: County) -> None:
    a, b = Phone(client, "cadre_a", "d-a1"), Phone(client, "cadre_a2", "d-a2")
    hid, vid = new_id(), new_id()
    visit = {"household_id": hid, "kind": "revisit", "occurred_at": "2026-11-18T10:20:00+08:00"}
    a.push_ok([a.op("household", hid, household(county.village_a)), a.op("visit", vid, visit)])
    r = b.push_ok([b.op("visit", vid, {"notes": "改"}, base=1)])
    assert r[0]["status"] == "rejected"
    assert r[0]["error"]["code"] == "event_immutable"
    r = a.push_ok([a.op("visit", vid, {"notes": "补记"}, base=1)])
    assert r[0]["status"] == "applied"


def test_out_of_scope_ops_reveal_nothing(client, county: County) -> None:
    a, c = Phone(client, "cadre_a", "d-a1"), Phone(client, "cadre_c", "d-c1")
    hid = new_id()
    a.push_ok([a.op("household", hid, household(county.village_a))])
    existing = c.push_ok([c.op("household", hid, {"income_per_head": 1}, base=1)])[0]
    missing = c.push_ok([c.op("household", new_id(), {"income_per_head": 1}, base=1)])[0]
    assert existing["status"] == missing["status"] == "rejected"
    assert existing["error"] == missing["error"]
    # A create re-using an id from another village never makes a second row. It is judged
    # as a create with a fresh id first, so a refusal reads the same whether the id is
    # taken or not; only a create that would stand learns that its id cannot be used.
    wrong_village = c.push_ok([c.op("household", new_id(), household(county.village_a))])[0]
    taken_wrong_village = c.push_ok([c.op("household", hid, household(county.village_a))])[0]
    assert wrong_village["error"]["code"] == "out_of_scope"
    assert taken_wrong_village["error"] == wrong_village["error"]
    invalid = c.push_ok([c.op("household", new_id(), household(county.village_c, head_name=""))])
    taken_invalid = c.push_ok([c.op("household", hid, household(county.village_c, head_name=""))])
    assert taken_invalid[0]["error"] == invalid[0]["error"]
    recreate = c.push_ok([c.op("household", hid, household(county.village_c))])[0]
    assert recreate["error"]["code"] == "id_taken"
    assert count(Household) == 1


def test_clock_skew_is_measured_and_corrects_visit_times(client, county: County) -> None:
    phone = Phone(client, "cadre_a", "d-a1", skew_s=3 * 24 * 3600)  # three days ahead
    hid, vid = new_id(), new_id()
    r = phone.push(
        [
            phone.op("household", hid, household(county.village_a)),
            phone.op(
                "visit", vid, {"household_id": hid, "occurred_at": "2026-11-21T10:00:00+08:00"}
            ),
        ]
    )
    body = r.json()
    assert abs(body["clock_skew_s"] - 3 * 24 * 3600) < 60
    with open_session() as s:
        v = s.get(Visit, vid)
        assert v is not None
        assert v.occurred_at == "2026-11-21T10:00:00+08:00"  # as reported
        assert v.occurred_at_corrected is not None
        corrected = v.occurred_at_corrected.replace(tzinfo=None)
        # 10:00 +08:00 on the 21st by a clock three days fast: 02:00 UTC on the 18th
        assert abs((corrected - datetime(2026, 11, 18, 2, 0)).total_seconds()) < 60
        assert v.clock_skew_s is not None
        assert v.clock_skew_s > 3 * 24 * 3600 - 60


def test_batch_over_the_limit_is_413(client, county: County) -> None:
    phone = Phone(client, "cadre_a", "d-a1")
    ops = [phone.op("household", new_id(), household(county.village_a)) for _ in range(501)]
    r = phone.push(ops)
    assert r.status_code == 413
    assert "500" in r.json()["detail"]
    assert count(Household) == 0


def test_delete_leaves_a_tombstone_that_pulls(client, county: County) -> None:
    a = Phone(client, "cadre_a", "d-a1")
    hid = new_id()
    a.push_ok([a.op("household", hid, household(county.village_a))])
    _, cursor = a.pull_all()
    r = a.push_ok([a.op("household", hid, delete=True, base=1)])
    assert r[0]["status"] == "applied"
    assert r[0]["version"] == 2
    records, _ = a.pull_all(cursor)
    assert [(x["id"], x["deleted"], x["data"]) for x in records] == [(hid, True, None)]


def test_a_create_with_an_existing_id_never_makes_a_second_row(client, county: County) -> None:
    a, b = Phone(client, "cadre_a", "d-a1"), Phone(client, "cadre_a2", "d-a2")
    hid = new_id()
    a.push_ok([a.op("household", hid, household(county.village_a, income_per_head=100))])
    r = b.push_ok([b.op("household", hid, household(county.village_a, income_per_head=200))])
    # both creates started from nothing: the incomes clash, the later observation stands
    # for now and the other is kept for review; what they agree on is no clash
    assert r[0]["status"] == "conflict"
    assert count(Household) == 1
    conflict = client.get(f"/api/v1/conflicts/{r[0]['conflict_id']}", headers=a.headers).json()
    assert set(conflict["fields"]) == {"income_per_head"}
    assert (
        conflict["fields"]["income_per_head"]["stored"],
        conflict["fields"]["income_per_head"]["incoming"],
    ) == (100, 200)
    a.push_ok([a.op("household", hid, {"income_per_head": 300}, base=1)])
    with open_session() as s:
        h = s.get(Household, hid)
        assert h is not None
        assert h.version == 3
        assert h.has_conflict


def test_string_limits_name_the_limit(client, county: County) -> None:
    phone = Phone(client, "cadre_a", "d-a1")
    r = phone.push_ok(
        [phone.op("household", new_id(), household(county.village_a, head_name="长" * 51))]
    )
    assert r[0]["status"] == "rejected"
    assert "50" in r[0]["error"]["message"]


def test_a_spot_check_is_about_a_cadre_of_its_village(client, county: County) -> None:
    sup = Phone(client, "super_t1", "d-s1")

    def check(cadre: str, village: str) -> dict:  # type: ignore[type-arg]
        data = {
            "village_code": village,
            "cadre_id": county.users[cadre],
            "checked_at": sup.now().isoformat(),
            "reached": True,
        }
        return sup.push_ok([sup.op("spot_check", new_id(), data)])[0]

    assert check("cadre_a", county.village_a)["status"] == "applied"
    wrong = check("cadre_b", county.village_a)
    assert wrong["status"] == "rejected"
    assert "驻村干部" in wrong["error"]["message"]
    # cadres neither write nor pull spot checks
    a = Phone(client, "cadre_a", "d-a1")
    assert (
        a.push_ok(
            [
                a.op(
                    "spot_check",
                    new_id(),
                    {
                        "village_code": county.village_a,
                        "cadre_id": 1,
                        "checked_at": a.now().isoformat(),
                    },
                )
            ]
        )[0]["error"]["code"]
        == "forbidden"
    )
    assert [r for r in a.pull_all()[0] if r["type"] == "spot_check"] == []


def test_groups_of_a_county_wide_batch_are_checked_op_by_op(client, county: County) -> None:
    """One batch over several villages: each household's group must be its own village's,
    whether the op names the group or keeps the one on file (the batch reads the groups it
    names in one query)."""
    a, b = county.village_a, county.village_b
    phone = Phone(client, "admin", "d-admin")
    kept, moved = new_id(), new_id()
    phone.push_ok(
        [
            phone.op("household", kept, household(b, county.group(b))),
            phone.op("household", moved, household(a, county.group(a))),
        ]
    )
    cases = {
        new_id(): (household(a, county.group(a)), "applied"),
        new_id(): (household(b, county.group(b)), "applied"),
        new_id(): (household(a, county.group(b)), "rejected"),  # another village's group
        new_id(): (household(b, b + "999"), "rejected"),  # no such group
        new_id(): (household(a), "applied"),  # no group named
    }
    ops = [phone.op("household", hid, data) for hid, (data, _) in cases.items()]
    ops.append(phone.op("household", kept, {"head_name": "龙再华"}, base=1))
    ops.append(phone.op("household", moved, {"group_code": county.group(b)}, base=1))
    results = {r["id"]: r for r in phone.push_ok(ops)}
    for hid, (_, status) in cases.items():
        assert results[hid]["status"] == status, results[hid]
    assert results[kept]["status"] == "applied", results[kept]
    assert results[moved]["status"] == "rejected", results[moved]
    assert "不属于村" in results[moved]["error"]["message"]
    assert count(Household, village_code=a) == 3
    assert count(Household, village_code=b) == 2
