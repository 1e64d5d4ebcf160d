"""People and devices: accounts, assignments, password resets, sync health."""

from datetime import timedelta

from sqlalchemy import update

from backend.auth.models import Device, User
from backend.database import open_session
from backend.timeutil import utcnow
from tests.conftest import PASSWORD, County, login
from tests.sync.phone import Phone, household, new_id


def test_admin_creates_assigns_disables_and_resets(client, county: County) -> None:
    admin = login(client, "admin", "d-admin")
    r = client.post(
        "/api/v1/users",
        json={
            "username": "cadre_new",
            "password": PASSWORD,
            "role": "cadre",
            "villages": [county.village_b],
            "phone": "13900000001",
            "display_name": "新干部",
        },
        headers=admin,
    )
    assert r.status_code == 201, r.text
    uid = r.json()["id"]
    assert r.json()["village_codes"] == [county.village_b]
    phone = Phone(client, "cadre_new", "d-new")  # logs in
    # reassigned to village C: the phone's next pull brings village C whole
    r = client.patch(f"/api/v1/users/{uid}", json={"villages": [county.village_c]}, headers=admin)
    assert r.json()["village_codes"] == [county.village_c]
    me = client.get("/api/v1/me", headers=phone.headers).json()
    assert me["village_codes"] == [county.village_c]
    # a password reset kills the phone's refresh token
    r = client.post(
        f"/api/v1/users/{uid}/password", json={"password": "another-pass-2"}, headers=admin
    )
    assert r.status_code == 204
    refresh = client.post(
        "/api/v1/auth/refresh", json={"refresh_token": phone.headers["X-Refresh"]}
    )
    assert refresh.status_code == 401
    # disabled: refused at once
    client.patch(f"/api/v1/users/{uid}", json={"is_active": False}, headers=admin)
    assert client.get("/api/v1/me", headers=phone.headers).json()["error"] == "user_disabled"


def test_bad_input_and_roles(client, county: County) -> None:
    admin = login(client, "admin", "d-admin")
    bad = client.post(
        "/api/v1/users",
        json={"username": "x1", "password": "long-enough-1", "role": "cadre", "villages": ["999"]},
        headers=admin,
    )
    assert bad.status_code == 422
    assert "999" in bad.json()["detail"]
    taken = client.post(
        "/api/v1/users",
        json={
            "username": "cadre_a",
            "password": PASSWORD,
            "role": "cadre",
            "villages": [county.village_a],
        },
        headers=admin,
    )
    assert taken.status_code == 422
    sup = login(client, "super_t1", "d-s")
    assert client.get("/api/v1/users", headers=sup).status_code == 403
    assert client.patch("/api/v1/users/1", json={"phone": "1"}, headers=sup).status_code == 403
    assert client.patch("/api/v1/users/9999", json={"phone": "1"}, headers=admin).status_code == 404


def _made_days_ago(model: type, days: int, *where: object) -> None:
    with open_session(write=True) as s:
        s.execute(update(model).where(*where).values(created_at=utcnow() - timedelta(days=days)))
        s.commit()


def test_sync_health_per_cadre(client, county: County) -> None:
    # cadre_b's account is ten days old and has never synced: stale.
    _made_days_ago(User, 10, User.username == "cadre_b")  # type: ignore[arg-type]
    a = Phone(client, "cadre_a", "d-a1")
    a.push_ok([a.op("household", new_id(), household(county.village_a))])
    a.push_ok([a.op("household", new_id(), household(county.village_c))])  # rejected: not theirs
    sup = login(client, "super_t1", "d-s")
    rows = {r["username"]: r for r in client.get("/api/v1/sync-health", headers=sup).json()}
    assert set(rows) == {"cadre_a", "cadre_a2", "cadre_b"}  # township 1 only
    assert rows["cadre_a"]["stale"] is False
    assert rows["cadre_a"]["rejected_ops_30d"] == 1
    assert rows["cadre_b"]["stale"] is True
    assert rows["cadre_b"]["last_sync_at"] is None
    other = client.get(
        "/api/v1/sync-health", params={"township_code": county.township_2}, headers=sup
    )
    assert other.status_code == 404
    cadre = login(client, "cadre_b", "d-b")
    assert client.get("/api/v1/sync-health", headers=cadre).status_code == 403


def test_a_phone_registered_minutes_ago_is_not_stale(client, county: County) -> None:
    """Issue 16: a device registered minutes ago was listed under 超过 3 天未同步. Never
    synced counts from the phone's registration (or the account's creation without one)."""
    login(client, "cadre_b", "d-b")  # registers the phone; no sync yet
    _made_days_ago(User, 30, User.username == "cadre_b")  # type: ignore[arg-type]
    sup = login(client, "super_t1", "d-s")
    rows = {r["username"]: r for r in client.get("/api/v1/sync-health", headers=sup).json()}
    assert (rows["cadre_b"]["last_sync_at"], rows["cadre_b"]["stale"]) == (None, False)
    assert rows["cadre_a2"]["stale"] is False  # an account made minutes ago, no phone yet
    _made_days_ago(Device, 4, Device.device_id == "d-b")  # type: ignore[arg-type]
    rows = {r["username"]: r for r in client.get("/api/v1/sync-health", headers=sup).json()}
    assert rows["cadre_b"]["stale"] is True
    assert rows["cadre_b"]["days_since_sync"] is None
