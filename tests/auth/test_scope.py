"""Geographic scope: each role sees exactly its villages (OWASP API1)."""

import pytest

from tests.conftest import County, login


def _scope(county: County) -> dict[str, set[str]]:
    a, b, c = county.village_a, county.village_b, county.village_c
    return {
        "cadre_a": {a},
        "cadre_a2": {a},
        "cadre_b": {b},
        "cadre_c": {c},
        "super_t1": {a, b},
        "super_county": {a, b, c},
        "admin": {a, b, c},
    }


@pytest.mark.parametrize(
    "username", ["cadre_a", "cadre_a2", "cadre_b", "cadre_c", "super_t1", "super_county", "admin"]
)
def test_villages_lists_only_the_callers_villages(client, county: County, username: str) -> None:
    r = client.get("/api/v1/geo/villages", headers=login(client, username))
    assert r.status_code == 200, r.text
    villages = r.json()
    assert {v["code"] for v in villages} == _scope(county)[username]
    for v in villages:
        assert [g["code"] for g in v["groups"]] == county.groups[v["code"]]
        assert v["township_code"] == v["code"][:9]
        assert v["township_name"]


@pytest.mark.parametrize("username", ["cadre_a", "super_t1", "super_county", "admin"])
def test_me_agrees_with_the_village_list(client, county: County, username: str) -> None:
    headers = login(client, username)
    me = client.get("/api/v1/me", headers=headers).json()
    listed = {v["code"] for v in client.get("/api/v1/geo/villages", headers=headers).json()}
    assert set(me["village_codes"]) == listed == _scope(county)[username]
    assert me["county_wide"] is (username in ("super_county", "admin"))


def test_a_county_wide_role_does_not_see_another_county(client, county: County) -> None:
    from backend.auth.users import create_user
    from backend.database import open_session
    from backend.geo.models import County as CountyRow, Township, Village

    with open_session(write=True) as s:
        s.add(CountyRow(code="520624", name="另一个县"))
        s.flush()
        s.add(Township(code="520624100", county_code="520624", name="某镇"))
        s.flush()
        s.add(Village(code="520624100001", township_code="520624100", name="某村"))
        s.flush()
        create_user(
            s,
            {
                "username": "admin_2",
                "password": "long-enough",
                "role": "admin",
                "county_code": "520624",
            },
        )
        s.commit()

    for username, expected in [
        ("admin", {county.village_a, county.village_b, county.village_c}),
        ("super_county", {county.village_a, county.village_b, county.village_c}),
    ]:
        r = client.get("/api/v1/geo/villages", headers=login(client, username))
        assert {v["code"] for v in r.json()} == expected
    r = client.post(
        "/api/v1/auth/token",
        json={"username": "admin_2", "password": "long-enough", "device_id": "pc"},
    )
    other = {"Authorization": f"Bearer {r.json()['access_token']}"}
    assert [v["code"] for v in client.get("/api/v1/geo/villages", headers=other).json()] == [
        "520624100001"
    ]


def test_villages_need_a_login(client, county) -> None:
    r = client.get("/api/v1/geo/villages")
    assert r.status_code == 401
    assert set(r.json()) == {"error", "detail"}
