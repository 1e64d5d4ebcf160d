"""The village information base through the real push API: the county's indicators reach
every cadre read-only; two phones filling the same village's base offline merge."""

from datetime import timedelta

from backend.database import open_session
from backend.timeutil import utcnow
from backend.villagebase.defaults import DEFAULTS, SHIHAO_CODES, indicator_id, install
from backend.villagebase.records import value_id
from tests.conftest import County
from tests.sync.phone import Phone, new_id

YEAR = 2026


def install_defaults(county: County) -> dict[str, str]:
    """The default indicators of the test county; answers their ids by code."""
    with open_session(write=True) as s:
        install(s, county.county, county.users["admin"], utcnow())
        s.commit()
    return {d["code"]: indicator_id(county.county, d["code"]) for d in DEFAULTS}


def value(village: str, iid: str, **fields: object) -> dict[str, object]:
    return {"village_code": village, "year": YEAR, "indicator_id": iid, **fields}


def test_the_defaults_are_27_in_six_groups_with_the_ten_shihao_items(county: County) -> None:
    assert len(DEFAULTS) == 27
    assert len({d["code"] for d in DEFAULTS}) == 27
    assert {d["group"] for d in DEFAULTS} == {
        "poverty",
        "industry",
        "infrastructure",
        "services",
        "demands",
        "organisation",
    }
    assert len(SHIHAO_CODES) == 10
    assert {d["kind"] for d in DEFAULTS} == {"number", "yes_no", "choice", "text"}
    install_defaults(county)
    with open_session(write=True) as s:  # again: nothing is written twice
        assert install(s, county.county, county.users["admin"], utcnow()) == 0


def test_cadres_pull_the_definitions_and_cannot_change_them(client, county: County) -> None:
    ids = install_defaults(county)
    a = Phone(client, "cadre_a", "d-a")
    pulled = {r["id"]: r for r in a.pull_all()[0] if r["type"] == "indicator"}
    assert set(pulled) == set(ids.values())
    assert pulled[ids["CY01"]]["data"]["threshold"] == 50_000
    [r] = a.push_ok([a.op("indicator", ids["CY01"], {"threshold": 0}, base=1)])
    assert (r["status"], r["error"]["code"]) == ("rejected", "forbidden")
    assert r["error"]["message"] == "您的角色不能修改小康信息库指标"
    [r] = a.push_ok([a.op("indicator", new_id(), {**DEFAULTS[0], "code": "XX01"})])
    assert r["error"]["code"] == "forbidden"
    # the admin's own change is checked: a rule must fit the kind
    admin = Phone(client, "admin", "d-ad")
    [r] = admin.push_ok([admin.op("indicator", ids["ZZ02"], {"rule": "ge"}, base=1)])
    assert r["error"]["message"] == "达标规则“不低于标准值”不适用于是/否类指标"
    [r] = admin.push_ok([admin.op("indicator", ids["CY01"], {"threshold": 100_000}, base=1)])
    assert r["status"] == "applied"
    [r] = admin.push_ok([admin.op("indicator", ids["CY01"], {"code": "CY09"}, base=2)])
    assert r["error"]["message"] == "指标编号创建后不能修改"


def test_two_phones_filling_different_indicators_both_stand(client, county: County) -> None:
    ids = install_defaults(county)
    v = county.village_a
    p1, p2 = Phone(client, "cadre_a", "d-1"), Phone(client, "cadre_a2", "d-2")
    income, road = value_id(v, YEAR, ids["CY01"]), value_id(v, YEAR, ids["JC01"])
    assert income != road
    [r1] = p1.push_ok([p1.op("indicator_value", income, value(v, ids["CY01"], value_number=0))])
    [r2] = p2.push_ok([p2.op("indicator_value", road, value(v, ids["JC01"], value_yes=True))])
    assert (r1["status"], r2["status"]) == ("applied", "applied")
    got = {r["id"]: r for r in p1.pull_all()[0] if r["type"] == "indicator_value"}
    assert got[income]["data"]["value_number"] == 0
    assert got[road]["data"]["value_yes"] is True
    assert (got[income]["version"], got[road]["version"]) == (1, 1)


def test_two_phones_filling_the_same_indicator_make_one_record(client, county: County) -> None:
    """Both phones make the same id offline: the second create merges against nothing (both
    started from an empty value), so the village has one value, never two; the same value
    is agreement, a different one a conflict kept for review — never a silent overwrite."""
    ids = install_defaults(county)
    v = county.village_a
    p1, p2 = Phone(client, "cadre_a", "d-1"), Phone(client, "cadre_a2", "d-2")
    rid = value_id(v, YEAR, ids["CY03"])
    earlier = utcnow() - timedelta(minutes=5)
    [r1] = p1.push_ok(
        [p1.op("indicator_value", rid, value(v, ids["CY03"], value_number=2), recorded_at=earlier)]
    )
    assert (r1["status"], r1["version"]) == ("applied", 1)
    # the same value: agreement, no conflict (the later observation is recorded)
    [same] = p2.push_ok([p2.op("indicator_value", rid, value(v, ids["CY03"], value_number=2))])
    assert same["status"] == "merged"
    assert same["conflict_id"] is None
    # a third phone, another value and a note: the numbers clash (the later observation
    # stands, the other is kept for review); the note nobody else wrote simply applies
    p3 = Phone(client, "cadre_a", "d-3")
    [r3] = p3.push_ok(
        [p3.op("indicator_value", rid, value(v, ids["CY03"], value_number=3, note="新成立一个"))]
    )
    assert r3["status"] == "conflict"
    conflict = client.get(f"/api/v1/conflicts/{r3['conflict_id']}", headers=p1.headers).json()
    assert set(conflict["fields"]) == {"value_number"}
    assert conflict["fields"]["value_number"]["stored"] == 2
    [got] = [r for r in p1.pull_all()[0] if r["id"] == rid]
    assert (got["data"]["value_number"], got["data"]["note"]) == (3, "新成立一个")
    assert got["has_conflict"]
    changes = client.get(f"/api/v1/records/indicator_value/{rid}/changes", headers=p1.headers)
    assert changes.status_code == 200
    assert sorted(c["version"] for c in changes.json()) == [1, 2, 3]


def test_a_value_must_be_of_the_kind_its_indicator_asks(client, county: County) -> None:
    ids = install_defaults(county)
    v = county.village_a
    p = Phone(client, "cadre_a", "d-1")
    bad = [
        (ids["JC01"], {"value_number": 1}, "“通村硬化路”应填是/否"),
        (ids["CY02"], {"value_text": "养鱼"}, "“主导产业”请从选项中选择"),
        (new_id(), {"value_yes": True}, "指标不存在或已删除（请先同步）"),
    ]
    for iid, fields, message in bad:
        [r] = p.push_ok([p.op("indicator_value", value_id(v, YEAR, iid), value(v, iid, **fields))])
        assert r["status"] == "rejected", r
        assert r["error"]["message"] == message
    # another village's value is out of the cadre's reach
    c = county.village_c
    [r] = p.push_ok([p.op("indicator_value", new_id(), value(c, ids["JC01"], value_yes=True))])
    assert r["error"]["code"] == "out_of_scope"
