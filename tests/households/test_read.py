"""County read APIs: lists by village, group and status, search, one family file, masking."""

from tests.conftest import County
from tests.sync.phone import Phone, household, new_id


def test_list_filter_search_and_file(client, county: County) -> None:
    a = Phone(client, "cadre_a", "d-a1")
    g1, g2 = county.groups[county.village_a]
    h1, h2, m1 = new_id(), new_id(), new_id()
    a.push_ok(
        [
            a.op(
                "household",
                h1,
                household(county.village_a, g1, head_name="龙再华", id_number="520623197001010018"),
            ),
            a.op(
                "household",
                h2,
                household(county.village_a, g2, head_name="杨秀英", poverty_status="out"),
            ),
            a.op(
                "member",
                m1,
                {"household_id": h1, "name": "龙小军", "id_number": "52062320100202033X"},
            ),
            a.op(
                "visit", new_id(), {"household_id": h1, "occurred_at": "2026-11-18T10:00:00+08:00"}
            ),
        ]
    )
    page = client.get("/api/v1/households", headers=a.headers).json()
    assert page["total"] == 2
    assert (
        client.get("/api/v1/households", params={"group_code": g2}, headers=a.headers).json()[
            "total"
        ]
        == 1
    )
    assert (
        client.get("/api/v1/households", params={"status": "out"}, headers=a.headers).json()[
            "items"
        ][0]["id"]
        == h2
    )
    by_member = client.get("/api/v1/households", params={"q": "小军"}, headers=a.headers).json()
    assert [i["id"] for i in by_member["items"]] == [h1]
    by_digits = client.get("/api/v1/households", params={"q": "033x"}, headers=a.headers).json()
    assert [i["id"] for i in by_digits["items"]] == [h1]
    f = client.get(f"/api/v1/households/{h1}", headers=a.headers).json()
    assert f["household"]["data"]["head_name"] == "龙再华"
    assert len(f["members"]) == 1
    assert len(f["visits"]) == 1
    assert f["history"][0]["op"] == "create"


def test_scope_and_masking(client, county: County) -> None:
    a = Phone(client, "cadre_a", "d-a1")
    h1 = new_id()
    a.push_ok([a.op("household", h1, household(county.village_a, id_number="520623197001010018"))])
    c = Phone(client, "cadre_c", "d-c1")
    assert client.get(f"/api/v1/households/{h1}", headers=c.headers).status_code == 404
    assert client.get("/api/v1/households", headers=c.headers).json()["total"] == 0
    sup = Phone(client, "super_t1", "d-s1")
    item = client.get("/api/v1/households", headers=sup.headers).json()["items"][0]
    assert item["id_number"] == "520623**********18"
    admin = Phone(client, "admin", "d-ad")
    item = client.get("/api/v1/households", headers=admin.headers).json()["items"][0]
    assert item["id_number"] == "520623197001010018"
