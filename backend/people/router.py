"""People and devices: accounts and assignments (admin), sync health (admin, supervisors)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from backend.auth.dependencies import Admin, Reviewer
from backend.database import MAX_INT, SessionDep
from backend.geo.params import TownshipCode
from backend.people import service
from backend.people.schemas import CadreSyncHealth, PasswordReset, UserCreate, UserOut, UserUpdate

router = APIRouter(prefix="/api/v1", tags=["people"])
UserId = Annotated[int, Path(ge=1, le=MAX_INT)]


@router.get("/users")
def list_users(
    caller: Admin, session: SessionDep, role: Literal["cadre", "supervisor", "admin"] | None = None
) -> list[UserOut]:
    """Admin: the county's accounts with their villages, townships and devices."""
    return service.list_users(session, caller, role)


@router.post("/users", status_code=201)
def create_user(body: UserCreate, caller: Admin, session: SessionDep) -> UserOut:
    """Admin: create an account."""
    return service.create(session, caller, body)


@router.patch("/users/{user_id}")
def update_user(user_id: UserId, body: UserUpdate, caller: Admin, session: SessionDep) -> UserOut:
    """Admin: change a profile, disable or enable, reassign villages or townships."""
    return service.update_user(session, caller, user_id, body)


@router.post("/users/{user_id}/password", status_code=204)
def reset_password(
    user_id: UserId, body: PasswordReset, caller: Admin, session: SessionDep
) -> None:
    """Admin: set a new password; the user's phones must log in again."""
    service.reset_password(session, caller, user_id, body.password)


@router.get("/sync-health")
def sync_health(
    caller: Reviewer,
    session: SessionDep,
    township_code: TownshipCode = None,
    stale_days: Annotated[int, Query(ge=1, le=365)] = 3,
) -> list[CadreSyncHealth]:
    """Per cadre in scope: last sync, open conflicts, rejected ops; stale phones first."""
    return service.sync_health(session, caller, township_code, stale_days)
