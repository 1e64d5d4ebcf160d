"""The policy book (口袋书), the first county-wide type: written by the county's admin, pulled
by every cadre of the county whatever their villages, invisible to a neighbouring county."""

from tests.conftest import County
from tests.security.world import _neighbour_and_extra_users
from tests.sync.phone import Phone, new_id

POLICY = {
    "category": "education",
    "title": "雨露计划",
    "standard": "中职、高职在校生每生每学年补助 3000 元",
    "eligible": "建档立卡贫困户家庭子女",
    "how_to_apply": "每学期开学后向学校提交申请表",
    "contact": "县扶贫办 0856-7221234",
}


def test_the_county_admin_writes_and_every_cadre_of_the_county_reads(
    client, county: County
) -> None:
    _neighbour_and_extra_users(county)
    admin, x_admin = Phone(client, "admin", "d-ad"), Phone(client, "x_admin", "d-xa")
    a, c, x = (Phone(client, u, f"d-{u}") for u in ("cadre_a", "cadre_c", "x_cadre"))
    pid = new_id()
    [r] = admin.push_ok([admin.op("policy", pid, POLICY)])
    assert r["status"] == "applied", r
    # cadres of two townships both hold it; the neighbouring county's cadre does not
    for phone in (a, c):
        [got] = [p for p in phone.pull_all()[0] if p["id"] == pid]
        assert got["data"]["title"] == "雨露计划"
    assert pid not in {p["id"] for p in x.pull_all()[0]}
    # read-only on the phones; the neighbouring county's admin cannot touch it either
    [r] = a.push_ok([a.op("policy", pid, {"title": "改"}, base=1)])
    assert (r["status"], r["error"]["code"]) == ("rejected", "forbidden")
    assert r["error"]["message"] == "您的角色不能修改政策"
    [r] = x_admin.push_ok([x_admin.op("policy", pid, {"title": "改"}, base=1)])
    assert r["error"]["code"] == "not_found"
    # the admin's own edit reaches the cadres on their next pull
    [r] = admin.push_ok([admin.op("policy", pid, {"standard": "每生每学年 3500 元"}, base=1)])
    assert r["status"] == "applied"
    [got] = [p for p in a.pull_all()[0] if p["id"] == pid]
    assert (got["version"], got["data"]["standard"]) == (2, "每生每学年 3500 元")
    # its audit trail answers within the county only
    assert client.get(f"/api/v1/records/policy/{pid}/changes", headers=a.headers).status_code == 200
    r = client.get(f"/api/v1/records/policy/{pid}/changes", headers=x.headers)
    assert r.status_code == 404


def test_the_schema_says_a_policy_belongs_to_the_county(client, county: County) -> None:
    a = Phone(client, "cadre_a", "d-a")
    entry = client.get("/api/v1/schema", headers=a.headers).json()["types"]["policy"]
    assert entry["scope"] == {"county": True}
    assert entry["writers"] == ["admin"]
    assert entry["schema"]["properties"]["category"]["x-labels"]["education"] == "教育资助"
