"""Refresh-token rotation, the lost-answer retry, reuse detection, logout, device
revocation by an admin, and the failed-login limits."""

import httpx
import pytest

from backend.config import get_settings
from tests.conftest import PASSWORD, County, login


def _refresh(client: httpx.Client, token: str) -> httpx.Response:
    return client.post("/api/v1/auth/refresh", json={"refresh_token": token})


def _fresh(client: httpx.Client, token: str) -> str:
    """Refresh and answer the successor, asserting it worked."""
    r = _refresh(client, token)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer"
    assert body["access_token"]
    return str(body["refresh_token"])


def _refused(r: httpx.Response, code: str) -> None:
    assert r.status_code == 401, r.text
    assert r.json() == {"error": code, "detail": r.json()["detail"]}


def _bearer(client: httpx.Client, refresh_token: str) -> dict[str, str]:
    r = _refresh(client, refresh_token)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _password_login(
    client: httpx.Client, username: str, password: str, device: str = "dev-1"
) -> httpx.Response:
    return client.post(
        "/api/v1/auth/token",
        json={"username": username, "password": password, "device_id": device},
    )


# ── rotation and reuse ────────────────────────────────────────────────────────────────────


def test_refresh_answers_a_working_access_token(client, county: County) -> None:
    t0 = login(client, "cadre_a")["X-Refresh"]
    r = _refresh(client, t0)
    assert r.status_code == 200
    assert r.json()["refresh_token"] != t0
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"})
    assert me.status_code == 200
    assert me.json()["username"] == "cadre_a"


def test_rotation_then_reuse_revokes_the_family(client, county: County) -> None:
    t0 = login(client, "cadre_a")["X-Refresh"]
    t1 = _fresh(client, t0)
    t2 = _fresh(client, t1)  # t0's successor has now been used

    # t0 coming back means two holders: refused, and the whole family dies with it.
    _refused(_refresh(client, t0), "refresh_reused")
    _refused(_refresh(client, t2), "refresh_invalid")
    _refused(_refresh(client, t1), "refresh_invalid")


def test_a_retry_is_honoured_only_until_the_successor_is_used(client, county) -> None:
    t0 = login(client, "cadre_a")["X-Refresh"]
    t1 = _fresh(client, t0)
    t2 = _fresh(client, t1)
    # t2 unused: t1 coming back may be a lost answer, so it is honoured — with t2 again,
    # never a second live token (a thief holding t1 would otherwise keep one) …
    assert _fresh(client, t1) == t2
    # … but once t2 is used, t1 coming back is theft.
    t3 = _fresh(client, t2)
    _refused(_refresh(client, t1), "refresh_reused")
    _refused(_refresh(client, t3), "refresh_invalid")


def test_a_family_revoked_on_one_device_leaves_other_devices_alone(client, county) -> None:
    phone = login(client, "cadre_a", "phone")["X-Refresh"]
    tablet = login(client, "cadre_a", "tablet")["X-Refresh"]
    _fresh(client, _fresh(client, phone))
    _refused(_refresh(client, phone), "refresh_reused")
    _fresh(client, tablet)


def test_lost_answer_retry_within_the_grace_window(client, county: County) -> None:
    t0 = login(client, "cadre_a")["X-Refresh"]
    lost = _fresh(client, t0)  # the answer never reached the phone
    t1 = _fresh(client, t0)  # the phone retries with the token it still has
    assert t1 == lost  # the same successor again: there is never a second live token

    t2 = _fresh(client, t1)  # the line goes on from the retry
    _fresh(client, t2)


def test_two_lost_answers_in_a_row(client, county: County) -> None:
    t0 = login(client, "cadre_a")["X-Refresh"]
    lost1 = _fresh(client, t0)
    lost2 = _fresh(client, t0)
    t1 = _fresh(client, t0)
    assert lost1 == lost2 == t1
    _fresh(client, t1)


def test_reuse_after_the_grace_window_revokes(client, county, monkeypatch) -> None:
    # Settings are lru-cached and handed to routes by Depends(get_settings): patching the
    # cached object's field is what the running app sees.
    monkeypatch.setattr(get_settings(), "refresh_grace_seconds", 0)
    t0 = login(client, "cadre_a")["X-Refresh"]
    t1 = _fresh(client, t0)  # never used, so only the window protects t0
    _refused(_refresh(client, t0), "refresh_reused")
    _refused(_refresh(client, t1), "refresh_invalid")


def test_unknown_refresh_token_is_refused(client, county) -> None:
    _refused(_refresh(client, "x" * 43), "refresh_invalid")


def test_malformed_refresh_request_is_422(client, county) -> None:
    r = client.post("/api/v1/auth/refresh", json={"refresh_token": "short"})
    assert r.status_code == 422
    assert r.json()["error"] == "validation_error"


def test_logout_kills_the_refresh_token_and_the_access_token(client, county: County) -> None:
    headers = login(client, "cadre_a")
    refresh_token = headers.pop("X-Refresh")
    other_phone = login(client, "cadre_a", device_id="dev-2")
    other_phone.pop("X-Refresh")
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    r = client.post("/api/v1/auth/logout", headers=headers)
    assert r.status_code == 204
    _refused(_refresh(client, refresh_token), "refresh_invalid")
    # The access token handed out before the logout is dead too, not alive for its 15 minutes.
    r = client.get("/api/v1/me", headers=headers)
    assert r.status_code == 401
    assert r.json()["error"] == "logged_out"
    assert client.get("/api/v1/me", headers=other_phone).status_code == 200  # only this phone
    # Logging in again on the same phone works: logout is not a revocation; the old access
    # token stays dead beside the new one.
    again = login(client, "cadre_a")
    again.pop("X-Refresh")
    assert client.get("/api/v1/me", headers=again).status_code == 200
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_logout_needs_a_token(client, county) -> None:
    assert client.post("/api/v1/auth/logout").status_code == 401


# ── devices ───────────────────────────────────────────────────────────────────────────────


def _admin(client: httpx.Client) -> dict[str, str]:
    headers = login(client, "admin", "admin-pc")
    headers.pop("X-Refresh")
    return headers


def _device_pk(client: httpx.Client, admin: dict[str, str], username: str, device_id: str) -> int:
    r = client.get("/api/v1/devices", headers=admin)
    assert r.status_code == 200, r.text
    (pk,) = [d["id"] for d in r.json() if (d["username"], d["device_id"]) == (username, device_id)]
    return int(pk)


def test_admin_lists_the_countys_devices(client, county: County) -> None:
    login(client, "cadre_a", "phone-a")
    login(client, "cadre_b", "phone-b")
    admin = _admin(client)
    r = client.get("/api/v1/devices", headers=admin)
    assert r.status_code == 200
    seen = {(d["username"], d["device_id"]) for d in r.json()}
    assert seen == {("cadre_a", "phone-a"), ("cadre_b", "phone-b"), ("admin", "admin-pc")}
    one = next(d for d in r.json() if d["device_id"] == "phone-a")
    assert one["user_id"] == county.users["cadre_a"]
    assert one["revoked_at"] is None
    assert one["last_seen_at"] is not None

    only = client.get(
        "/api/v1/devices", params={"user_id": county.users["cadre_b"]}, headers=admin
    ).json()
    assert [d["device_id"] for d in only] == ["phone-b"]


def test_admin_revokes_a_device(client, county: County) -> None:
    cadre = login(client, "cadre_a", "phone-a")
    refresh_token = cadre.pop("X-Refresh")
    other_phone = login(client, "cadre_a", "phone-a-2")
    other_phone.pop("X-Refresh")
    admin = _admin(client)
    pk = _device_pk(client, admin, "cadre_a", "phone-a")

    r = client.post(f"/api/v1/devices/{pk}/revoke", headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()["revoked_at"] is not None

    # At once: the access token still inside its 15 minutes is refused …
    _refused(client.get("/api/v1/me", headers=cadre), "device_revoked")
    # … its refresh token is dead, with the reason the phone shows …
    _refused(_refresh(client, refresh_token), "device_revoked")
    # … and the same phone cannot simply log in again.
    _refused(_password_login(client, "cadre_a", PASSWORD, "phone-a"), "device_revoked")
    # The user's other device is untouched.
    assert client.get("/api/v1/me", headers=other_phone).status_code == 200

    # Revoking twice is harmless; the listing shows the revocation.
    assert client.post(f"/api/v1/devices/{pk}/revoke", headers=admin).status_code == 200
    listed = client.get("/api/v1/devices", headers=admin).json()
    assert next(d for d in listed if d["id"] == pk)["revoked_at"] is not None


def test_admin_restores_a_revoked_device(client, county: County) -> None:
    cadre = login(client, "cadre_a", "phone-a")
    refresh_token = cadre.pop("X-Refresh")
    admin = _admin(client)
    pk = _device_pk(client, admin, "cadre_a", "phone-a")
    assert client.post(f"/api/v1/devices/{pk}/revoke", headers=admin).status_code == 200

    r = client.post(f"/api/v1/devices/{pk}/restore", headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()["revoked_at"] is None
    # The tokens it held before stay dead: a person logs in on it again, with the password.
    _refused(client.get("/api/v1/me", headers=cadre), "logged_out")
    _refused(_refresh(client, refresh_token), "refresh_invalid")
    again = _password_login(client, "cadre_a", PASSWORD, "phone-a")
    assert again.status_code == 200, again.text
    headers = {"Authorization": f"Bearer {again.json()['access_token']}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    listed = client.get("/api/v1/devices", headers=admin).json()
    assert next(d for d in listed if d["id"] == pk)["revoked_at"] is None


@pytest.mark.parametrize("username", ["cadre_a", "super_t1", "super_county"])
def test_non_admins_may_not_list_or_revoke_devices(client, county, username: str) -> None:
    login(client, "cadre_b", "phone-b")
    pk = _device_pk(client, _admin(client), "cadre_b", "phone-b")
    headers = login(client, username, f"{username}-phone")
    headers.pop("X-Refresh")

    for r in (
        client.get("/api/v1/devices", headers=headers),
        client.post(f"/api/v1/devices/{pk}/revoke", headers=headers),
        client.post(f"/api/v1/devices/{pk}/restore", headers=headers),
    ):
        assert r.status_code == 403, r.text
        assert r.json()["error"] == "forbidden"
    assert client.get("/api/v1/me", headers=login(client, "cadre_b", "phone-b")).status_code == 200


def test_devices_need_a_login(client, county) -> None:
    assert client.get("/api/v1/devices").status_code == 401
    assert client.post("/api/v1/devices/1/revoke").status_code == 401
    assert client.post("/api/v1/devices/1/restore").status_code == 401


def test_an_admin_cannot_revoke_another_countys_device(client, county: County) -> None:
    from backend.auth.users import create_user
    from backend.database import open_session
    from backend.geo.models import County as CountyRow

    with open_session(write=True) as s:
        s.add(CountyRow(code="520624", name="另一个县"))
        s.flush()
        create_user(
            s,
            {"username": "admin_2", "password": PASSWORD, "role": "admin", "county_code": "520624"},
        )
        s.commit()

    login(client, "cadre_a", "phone-a")
    pk = _device_pk(client, _admin(client), "cadre_a", "phone-a")
    other = login(client, "admin_2", "other-pc")
    other.pop("X-Refresh")

    for action in ("revoke", "restore"):
        r = client.post(f"/api/v1/devices/{pk}/{action}", headers=other)
        assert r.status_code == 404
        assert r.json()["error"] == "not_found"
    listed = client.get("/api/v1/devices", headers=other).json()
    assert [d["username"] for d in listed] == ["admin_2"]
    # Nothing happened to the device.
    assert client.post("/api/v1/devices/999999/revoke", headers=other).status_code == 404
    assert client.get("/api/v1/me", headers=login(client, "cadre_a", "phone-a")).status_code == 200


# ── failed-login limits ───────────────────────────────────────────────────────────────────


def test_wrong_password_is_401(client, county) -> None:
    _refused(_password_login(client, "cadre_a", "wrong-password"), "bad_credentials")
    _refused(_password_login(client, "nobody", "wrong-password"), "bad_credentials")


def test_failed_logins_are_limited_per_user(client, county) -> None:
    for _ in range(5):
        _refused(_password_login(client, "cadre_a", "wrong-password"), "bad_credentials")

    r = _password_login(client, "cadre_a", "wrong-password")
    assert r.status_code == 429
    assert r.json()["error"] == "too_many_requests"
    assert int(r.headers["Retry-After"]) >= 1
    # Even the right password waits: the limit is on the account, not on wrong guesses.
    assert _password_login(client, "cadre_a", PASSWORD).status_code == 429
    # Case does not dodge the limit.
    assert _password_login(client, "CADRE_A", "wrong-password").status_code == 429
    # Another user from the same address still gets in.
    assert _password_login(client, "cadre_b", PASSWORD).status_code == 200


def test_failed_logins_are_limited_per_address(client, county, monkeypatch) -> None:
    monkeypatch.setattr(get_settings(), "login_failures_per_address", "3/minute")
    for name in ("cadre_a", "cadre_b", "nobody"):
        _refused(_password_login(client, name, "wrong-password"), "bad_credentials")
    r = _password_login(client, "cadre_c", PASSWORD)
    assert r.status_code == 429
    assert "Retry-After" in r.headers
