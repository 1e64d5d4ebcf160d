"""Who is calling: the access token → an active user on a device that is not revoked."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from backend.auth import tokens
from backend.auth.models import Device, Role, User
from backend.config import Settings, get_settings
from backend.database import SessionDep, open_session
from backend.errors import Forbidden, Unauthorized
from backend.geo.scope import Scope, scope_for

_bearer = HTTPBearer(auto_error=False)
SettingsDep = Annotated[Settings, Depends(get_settings)]


@dataclass
class Caller:
    user: User
    device: Device
    scope: Scope

    @property
    def role(self) -> str:
        return self.user.role

    @property
    def user_id(self) -> int:
        assert self.user.id is not None
        return self.user.id


# One round trip for both (every pull page and push pays for this check), built once; a
# device of another user is no row.
_USER_AND_DEVICE = (
    select(User, Device)
    .join(Device, col(Device.user_id) == User.id)
    .where(User.id == bindparam("user_id"), Device.id == bindparam("device_pk"))
)

Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def current_caller(session: SessionDep, settings: SettingsDep, creds: Credentials) -> Caller:
    """Checked on every request, so a revoked device or disabled user stops at once."""
    return _caller(session, settings, creds)


def caller_before_writing(settings: SettingsDep, creds: Credentials) -> Caller:
    """The same check in a short read transaction of its own, for a route that opens its
    write transaction itself (the push): checked before it waits for the writers' turn, not
    while holding it. Its objects are detached: the route writes through its own session."""
    with open_session() as session:
        return _caller(session, settings, creds)


def _caller(
    session: Session, settings: Settings, creds: HTTPAuthorizationCredentials | None
) -> Caller:
    if creds is None or creds.scheme.lower() != "bearer":
        raise Unauthorized()
    claims = tokens.read_access_token(settings, creds.credentials)
    found = session.execute(
        _USER_AND_DEVICE, {"user_id": claims.user_id, "device_pk": claims.device_pk}
    ).first()
    if found is None:
        raise Unauthorized("登录凭证无效", code="invalid_token")
    user, device = found
    if not user.is_active:
        raise Unauthorized("账号已停用，请联系县管理员", code="user_disabled")
    if device.revoked_at is not None:
        raise Unauthorized("此设备已被管理员停用，请联系县管理员", code="device_revoked")
    if claims.logouts != device.logouts:
        raise Unauthorized("已退出登录，请重新登录", code="logged_out")
    return Caller(user=user, device=device, scope=scope_for(session, user))


CurrentCaller = Annotated[Caller, Depends(current_caller)]
CallerBeforeWriting = Annotated[Caller, Depends(caller_before_writing)]


def require_role(*roles: Role):  # type: ignore[no-untyped-def]
    def _check(caller: CurrentCaller) -> Caller:
        if caller.user.role not in roles:
            raise Forbidden("您的角色无权进行此操作")
        return caller

    return _check


Admin = Annotated[Caller, Depends(require_role(Role.admin))]
Reviewer = Annotated[Caller, Depends(require_role(Role.admin, Role.supervisor))]
