"""Logins, refresh-token rotation with reuse detection, logout and device revocation.

Refresh tokens rotate on every use. The old token stays acceptable for a short grace window
*as long as its successor has not been used*: the answer carrying the successor may have
been lost on a bad link, and the phone retries with the token it still has. Once the
successor has been used, the old token coming back means two holders — one of them a thief
— so the whole family of that device is revoked and the phone must log in again.
"""

import base64
import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from backend.auth import passwords, ratelimit, tokens
from backend.auth.models import Device, RefreshToken, User
from backend.auth.schemas import TokenAnswer, TokenRequest
from backend.config import Settings
from backend.errors import NotFound, Unauthorized
from backend.timeutil import as_utc, utcnow


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _successor(settings: Settings, raw_parent: str) -> str:
    """The token that replaces ``raw_parent``: derived from it with the server secret, so a
    retry of the parent answers the same successor again — never a second live token — while
    only its hash is stored, like every other token's."""
    mac = hmac.new(
        settings.secret_key.encode(), b"refresh-successor\0" + raw_parent.encode(), "sha256"
    )
    return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


def _issue(
    session: Session,
    settings: Settings,
    user: User,
    device: Device,
    parent_id: int | None = None,
    *,
    raw: str | None = None,
    stored: bool = False,
) -> TokenAnswer:
    """A new access token, with ``raw`` (random when not given) as the refresh token;
    ``stored`` when that refresh token's row exists already (a retried refresh)."""
    raw = raw or secrets.token_urlsafe(32)
    assert device.id is not None
    if not stored:
        session.add(
            RefreshToken(
                device_pk=device.id,
                parent_id=parent_id,
                token_hash=_hash(raw),
                expires_at=utcnow() + timedelta(days=settings.refresh_token_days),
            )
        )
        session.flush()
    assert user.id is not None
    return TokenAnswer(
        access_token=tokens.issue_access_token(
            settings, user_id=user.id, device_pk=device.id, logouts=device.logouts
        ),
        expires_in=settings.access_token_minutes * 60,
        refresh_token=raw,
    )


def login(session: Session, settings: Settings, req: TokenRequest, address: str) -> TokenAnswer:
    """Check the password (rate-limited), register the device, issue both tokens."""
    ratelimit.check_login_allowed(settings, req.username, address)
    user = session.exec(select(User).where(User.username == req.username)).first()
    if not passwords.verify_password(user.password_hash if user else None, req.password):
        ratelimit.record_login_failure(settings, req.username, address)
        raise Unauthorized("用户名或密码错误", code="bad_credentials")
    assert user is not None
    if not user.is_active:
        raise Unauthorized("账号已停用，请联系县管理员", code="user_disabled")
    device = session.exec(
        select(Device).where(Device.user_id == user.id, Device.device_id == req.device_id)
    ).first()
    if device is None:
        assert user.id is not None
        device = Device(user_id=user.id, device_id=req.device_id, user_agent=req.user_agent)
        session.add(device)
        session.flush()
    elif device.revoked_at is not None:
        raise Unauthorized("此设备已被管理员停用，请联系县管理员", code="device_revoked")
    device.last_seen_at = utcnow()
    return _issue(session, settings, user, device)


def _revoke_family(session: Session, device_pk: int) -> None:
    session.execute(
        update(RefreshToken)
        .where(col(RefreshToken.device_pk) == device_pk, col(RefreshToken.revoked_at).is_(None))  # type: ignore[union-attr]
        .values(revoked_at=utcnow())
    )


def refresh(session: Session, settings: Settings, raw_token: str) -> TokenAnswer:
    """Rotate a refresh token; see the module docstring for the grace window and reuse."""
    now = utcnow()
    token = session.exec(
        select(RefreshToken).where(RefreshToken.token_hash == _hash(raw_token)).with_for_update()
    ).first()
    if token is None or as_utc(token.expires_at) <= now:
        raise Unauthorized("登录已失效，请重新登录", code="refresh_invalid")
    device = session.get(Device, token.device_pk)
    if device is not None and device.revoked_at is not None:
        raise Unauthorized("此设备已被管理员停用，请联系县管理员", code="device_revoked")
    if token.revoked_at is not None:
        raise Unauthorized("登录已失效，请重新登录", code="refresh_invalid")
    user = session.get(User, device.user_id) if device else None
    if device is None or user is None or device.revoked_at is not None:
        raise Unauthorized("此设备已被管理员停用，请联系县管理员", code="device_revoked")
    if not user.is_active:
        raise Unauthorized("账号已停用，请联系县管理员", code="user_disabled")

    successor = _successor(settings, raw_token)
    if token.used_at is not None:
        successors = session.exec(
            select(RefreshToken).where(RefreshToken.parent_id == token.id)
        ).all()
        live = [s for s in successors if s.used_at is None and s.revoked_at is None]
        in_grace = now - as_utc(token.used_at) <= timedelta(seconds=settings.refresh_grace_seconds)
        # A retry: in the window, and the one successor (the one derived from this token)
        # never used.
        retry = in_grace and len(live) == len(successors) == 1
        retry = retry and live[0].token_hash == _hash(successor)
        if not retry:
            assert device.id is not None
            # Two holders of one token, one of them a thief: the device's session ends,
            # access tokens included. Committed though the request fails: it must stand.
            logout(session, device.id)
            session.commit()
            raise Unauthorized(
                "登录凭证被重复使用，已注销此设备的登录，请重新登录", code="refresh_reused"
            )
        # A retry after a lost answer: the same successor again, with a new access token.
        device.last_seen_at = now
        return _issue(session, settings, user, device, raw=successor, stored=True)
    token.used_at = now
    device.last_seen_at = now
    return _issue(session, settings, user, device, parent_id=token.id, raw=successor)


def logout(session: Session, device_pk: int) -> None:
    """End this device's session: its refresh tokens and the access tokens already handed out
    stop working (the count is raised in SQL, so two logouts at once both count)."""
    _revoke_family(session, device_pk)
    session.execute(
        update(Device).where(col(Device.id) == device_pk).values(logouts=Device.logouts + 1)
    )
    session.expire_all()


def list_devices(
    session: Session, county_code: str, user_id: int | None
) -> list[tuple[Device, User]]:
    """Devices of the county's users, newest first."""
    stmt = (
        select(Device, User)
        .join(User, col(User.id) == Device.user_id)
        .where(User.county_code == county_code)
    )
    if user_id is not None:
        stmt = stmt.where(Device.user_id == user_id)
    return list(session.exec(stmt.order_by(Device.id.desc())).all())  # type: ignore[union-attr]


def _county_device(session: Session, county_code: str, device_pk: int) -> Device:
    row = session.exec(
        select(Device, User)
        .join(User, col(User.id) == Device.user_id)
        .where(Device.id == device_pk)
    ).first()
    if row is None or row[1].county_code != county_code:
        raise NotFound()
    return row[0]


def revoke_device(session: Session, county_code: str, device_pk: int) -> Device:
    """Revoke a device at once: its refresh tokens die and its access tokens are refused."""
    device = _county_device(session, county_code, device_pk)
    if device.revoked_at is None:
        device.revoked_at = utcnow()
    session.flush()  # before logout() expires the session's objects
    # Its session ends too, so a restored device never brings back a token from before.
    logout(session, device_pk)
    return device


def restore_device(session: Session, county_code: str, device_pk: int) -> Device:
    """Undo a revocation (a phone stopped by mistake, or found again): its user may log in on
    it once more and push the outbox it kept. Its old tokens stay dead (the revocation ended
    its session): a password login it is."""
    device = _county_device(session, county_code, device_pk)
    device.revoked_at = None
    session.flush()
    return device
