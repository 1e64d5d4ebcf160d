"""The service starts on a migrated database and answers its health checks."""

from tests.conftest import County, login


def test_healthz_checks_the_database(client) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok"}


def test_version(client) -> None:
    assert client.get("/api/v1/version").json()["sync_contract"] == "v1"


def test_me_shows_the_scope(client, county: County) -> None:
    headers = login(client, "cadre_a")
    me = client.get("/api/v1/me", headers=headers).json()
    assert me["role"] == "cadre"
    assert me["village_codes"] == [county.village_a]


def test_unknown_route_has_the_error_shape(client) -> None:
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404
    assert set(r.json()) == {"error", "detail"}
