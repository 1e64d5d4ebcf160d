"""The county's own records as the console lists them for editing: the caller's county only,
the latest version (the base of an edit), who changed it last; county-wide types only."""

from tests.conftest import County
from tests.policies.test_policies import POLICY
from tests.security.world import _neighbour_and_extra_users
from tests.sync.phone import Phone, new_id


def test_the_console_lists_the_countys_policies(client, county: County) -> None:
    _neighbour_and_extra_users(county)
    admin, x_admin = Phone(client, "admin", "d-ad"), Phone(client, "x_admin", "d-xa")
    ids = [new_id() for _ in range(3)]
    admin.push_ok(
        [admin.op("policy", i, {**POLICY, "title": f"政策{n}"}) for n, i in enumerate(ids)]
    )
    [r] = admin.push_ok([admin.op("policy", ids[0], {"standard": "每生每学年 3500 元"}, base=1)])
    assert r["version"] == 2
    admin.push_ok([admin.op("policy", ids[2], delete=True, base=1)])
    [x] = x_admin.push_ok([x_admin.op("policy", new_id(), {**POLICY, "title": "邻县政策"})])
    assert x["status"] == "applied"

    body = client.get("/api/v1/county-records/policy", headers=admin.headers).json()
    assert (body["type"], body["label"], body["more"]) == ("policy", "政策", False)
    # by title, the deleted one gone, the neighbouring county's not there
    assert [r["data"]["title"] for r in body["records"]] == ["政策0", "政策1"]
    first = body["records"][0]
    assert (first["id"], first["version"], first["data"]["standard"]) == (
        ids[0],
        2,
        "每生每学年 3500 元",
    )
    assert first["updated_by"]
    # a supervisor and a cadre of the county read it too (the console shows it read-only)
    for user in ("super_county", "cadre_c"):
        p = Phone(client, user, f"d-{user}")
        got = client.get("/api/v1/county-records/policy", headers=p.headers).json()
        assert len(got["records"]) == 2
    limited = client.get("/api/v1/county-records/policy?limit=1", headers=admin.headers).json()
    assert (len(limited["records"]), limited["more"]) == (1, True)
    theirs = client.get("/api/v1/county-records/policy", headers=x_admin.headers).json()
    assert [r["data"]["title"] for r in theirs["records"]] == ["邻县政策"]
    # only county-wide types
    for name in ("household", "nothing"):
        r = client.get(f"/api/v1/county-records/{name}", headers=admin.headers)
        assert r.status_code == 404
