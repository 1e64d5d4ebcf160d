"""Login, token refresh, logout, the caller's profile and device administration."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from backend.auth import service
from backend.auth.dependencies import Admin, CurrentCaller, SettingsDep
from backend.auth.models import User
from backend.auth.schemas import DeviceOut, Me, RefreshRequest, TokenAnswer, TokenRequest
from backend.database import MAX_INT, SessionDep

router = APIRouter(prefix="/api/v1", tags=["auth"])


@router.post("/auth/token")
def token(
    body: TokenRequest, request: Request, session: SessionDep, settings: SettingsDep
) -> TokenAnswer:
    """Log in with username, password and device id; get an access and a refresh token."""
    address = request.client.host if request.client else "unknown"
    return service.login(session, settings, body, address)


@router.post("/auth/refresh")
def refresh(body: RefreshRequest, session: SessionDep, settings: SettingsDep) -> TokenAnswer:
    """Trade a refresh token for a new pair (the old one is retired)."""
    return service.refresh(session, settings, body.refresh_token)


@router.post("/auth/logout", status_code=204)
def logout(caller: CurrentCaller, session: SessionDep) -> None:
    """Log this device out: its refresh tokens stop working."""
    assert caller.device.id is not None
    service.logout(session, caller.device.id)


@router.get("/me")
def me(caller: CurrentCaller) -> Me:
    """The caller's profile and geographic scope."""
    u = caller.user
    assert u.id is not None
    return Me(
        id=u.id,
        username=u.username,
        display_name=u.display_name,
        role=u.role,
        phone=u.phone,
        county_code=u.county_code,
        county_wide=caller.scope.county_wide,
        village_codes=sorted(caller.scope.village_codes),
        township_codes=sorted(caller.scope.township_codes),
    )


def _device_out(device, user: User) -> DeviceOut:  # type: ignore[no-untyped-def]
    return DeviceOut(username=user.username, **device.model_dump())


def _owned(session: SessionDep, device) -> DeviceOut:  # type: ignore[no-untyped-def]
    """A device as the admin's lists show it, with its owner's name."""
    user = session.get(User, device.user_id)
    assert user is not None
    return _device_out(device, user)


@router.get("/devices")
def list_devices(
    caller: Admin,
    session: SessionDep,
    user_id: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
) -> list[DeviceOut]:
    """Admin: the county's devices with last sync and clock skew."""
    rows = service.list_devices(session, caller.user.county_code, user_id)
    return [_device_out(d, u) for d, u in rows]


@router.post("/devices/{device_pk}/revoke")
def revoke_device(
    device_pk: Annotated[int, Path(ge=1, le=MAX_INT)], caller: Admin, session: SessionDep
) -> DeviceOut:
    """Admin: revoke a device; its tokens stop working at once."""
    return _owned(session, service.revoke_device(session, caller.user.county_code, device_pk))


@router.post("/devices/{device_pk}/restore")
def restore_device(
    device_pk: Annotated[int, Path(ge=1, le=MAX_INT)], caller: Admin, session: SessionDep
) -> DeviceOut:
    """Admin: undo a revocation; the phone's user may log in on it again (its old tokens stay
    dead) and push what it kept."""
    return _owned(session, service.restore_device(session, caller.user.county_code, device_pk))
