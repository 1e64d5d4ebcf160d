"""Accounts and their assignments, password resets, and per-cadre sync health.

Only a county administrator manages people; every user is of the administrator's county.
Changing a cadre's villages changes their scope: their phone's next pull starts again and
brings the new villages whole (backend/sync/pull.py).
"""

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import (
    delete,
    func,
    select as sa_select,  # sqlmodel's select types four columns at most
    update,
)
from sqlmodel import Session, col, select

from backend.auth.dependencies import Caller
from backend.auth.models import Device, RefreshToken, Role, User, UserTownship, UserVillage
from backend.auth.passwords import hash_password
from backend.auth.users import UserInput, create_user
from backend.errors import NotFound, Unprocessable
from backend.geo.models import Township, Village
from backend.people.schemas import CadreSyncHealth, UserCreate, UserOut, UserUpdate
from backend.records.models import RecordConflict, SyncOp
from backend.timeutil import as_utc, utcnow


def _assignments(
    session: Session, ids: list[int]
) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    villages: dict[int, list[str]] = defaultdict(list)
    townships: dict[int, list[str]] = defaultdict(list)
    for uid, code in session.execute(
        select(UserVillage.user_id, UserVillage.village_code).where(
            col(UserVillage.user_id).in_(ids)
        )
    ):
        villages[uid].append(code)
    for uid, code in session.execute(
        select(UserTownship.user_id, UserTownship.township_code).where(
            col(UserTownship.user_id).in_(ids)
        )
    ):
        townships[uid].append(code)
    return villages, townships


def _devices(session: Session, ids: list[int]) -> dict[int, tuple[int, object, int | None, object]]:
    """Per user: number of live devices, last sync, largest clock skew seen, latest device
    registration."""
    rows = session.execute(
        sa_select(
            col(Device.user_id),
            func.count(),
            func.max(Device.last_sync_at),
            func.max(func.abs(Device.clock_skew_s)),
            func.max(Device.created_at),
        )
        .where(col(Device.user_id).in_(ids), col(Device.revoked_at).is_(None))
        .group_by(col(Device.user_id))
    )
    return {uid: (n, last, skew, made) for uid, n, last, skew, made in rows}


def list_users(session: Session, caller: Caller, role: str | None) -> list[UserOut]:
    """The county's accounts with their assignments and devices."""
    stmt = select(User).where(User.county_code == caller.user.county_code)
    if role:
        stmt = stmt.where(User.role == role)
    users = list(session.exec(stmt.order_by(User.role, User.username)).all())  # type: ignore[arg-type]
    ids = [u.id for u in users if u.id is not None]
    villages, townships = _assignments(session, ids)
    devices = _devices(session, ids)
    out = []
    for u in users:
        assert u.id is not None
        n, last, _, _ = devices.get(u.id, (0, None, None, None))
        out.append(
            UserOut(
                id=u.id,
                username=u.username,
                display_name=u.display_name,
                role=u.role,
                phone=u.phone,
                is_active=u.is_active,
                county_wide=u.county_wide,
                village_codes=sorted(villages[u.id]),
                township_codes=sorted(townships[u.id]),
                devices=n,
                last_sync_at=last,  # type: ignore[arg-type]
            )
        )
    return out


def _user_in_county(session: Session, caller: Caller, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.county_code != caller.user.county_code:
        raise NotFound()
    return user


def _one(session: Session, caller: Caller, user_id: int) -> UserOut:
    return next(u for u in list_users(session, caller, None) if u.id == user_id)


def create(session: Session, caller: Caller, body: UserCreate) -> UserOut:
    """Create an account with its villages (cadre) or townships (supervisor)."""
    try:
        user = create_user(
            session,
            UserInput(
                username=body.username,
                password=body.password,
                role=body.role,
                villages=body.villages,
                townships=body.townships,
                phone=body.phone,
                display_name=body.display_name,
                county_code=caller.user.county_code,
            ),
        )
    except ValueError as exc:
        raise Unprocessable(str(exc)) from exc
    assert user.id is not None
    return _one(session, caller, user.id)


def _check_codes(
    session: Session, caller: Caller, villages: list[str], townships: list[str]
) -> None:
    county = caller.user.county_code
    for code in villages:
        row = session.execute(
            select(Township.county_code)
            .join(Village, col(Village.township_code) == Township.code)
            .where(col(Village.code) == code)
        ).scalar()
        if row != county:
            raise Unprocessable(f"未知的村 {code}")
    for code in townships:
        t = session.get(Township, code)
        if t is None or t.county_code != county:
            raise Unprocessable(f"未知的乡镇 {code}")


def update_user(session: Session, caller: Caller, user_id: int, body: UserUpdate) -> UserOut:
    """Change a profile, disable or enable, or reassign villages/townships."""
    user = _user_in_county(session, caller, user_id)
    if body.display_name is not None:
        user.display_name = body.display_name
    if body.phone is not None:
        user.phone = body.phone
    if body.is_active is not None:
        if user.id == caller.user_id and not body.is_active:
            raise Unprocessable("不能停用自己的账号")
        user.is_active = body.is_active
    if body.villages is not None:
        if user.role != Role.cadre:
            raise Unprocessable("只有驻村干部分配村")
        if not body.villages:
            # As at creation: a cadre without a village would see nothing and sync nothing.
            raise Unprocessable("驻村干部至少要分配一个村")
        _check_codes(session, caller, body.villages, [])
        session.execute(delete(UserVillage).where(col(UserVillage.user_id) == user_id))
        session.add_all(
            [UserVillage(user_id=user_id, village_code=c) for c in sorted(set(body.villages))]
        )
    if body.townships is not None:
        if user.role != Role.supervisor:
            raise Unprocessable("只有督查人员分配乡镇")
        _check_codes(session, caller, [], body.townships)
        session.execute(delete(UserTownship).where(col(UserTownship.user_id) == user_id))
        session.add_all(
            [UserTownship(user_id=user_id, township_code=c) for c in sorted(set(body.townships))]
        )
        user.county_wide = not body.townships
    session.flush()
    return _one(session, caller, user_id)


def reset_password(session: Session, caller: Caller, user_id: int, password: str) -> None:
    """Set a new password; every phone of the user is logged out at once: its refresh tokens
    and the access tokens already handed out stop working (a reset often follows a leak)."""
    user = _user_in_county(session, caller, user_id)
    user.password_hash = hash_password(password)
    device_ids = select(Device.id).where(col(Device.user_id) == user_id)
    session.execute(
        update(RefreshToken)
        .where(col(RefreshToken.device_pk).in_(device_ids), col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
    # The logout count each access token carries ('lo'): raised, the tokens no longer match.
    session.execute(
        update(Device).where(col(Device.user_id) == user_id).values(logouts=Device.logouts + 1)
    )


def sync_health(
    session: Session, caller: Caller, township_code: str | None, stale_days: int
) -> list[CadreSyncHealth]:
    """Per cadre in scope: last sync, clock skew, open conflicts and rejected ops; stale flag."""
    now = utcnow()
    visible = caller.scope.village_codes
    if township_code:
        if not caller.scope.allows_township(township_code):
            raise NotFound()
        visible = (
            frozenset(
                session.execute(
                    select(Village.code).where(col(Village.township_code) == township_code)
                ).scalars()
            )
            & visible
        )
    cadre_villages: dict[int, list[str]] = defaultdict(list)
    for uid, code in session.execute(
        select(UserVillage.user_id, UserVillage.village_code)
        .join(User, col(User.id) == UserVillage.user_id)
        .where(col(UserVillage.village_code).in_(sorted(visible)), col(User.is_active))
    ):
        cadre_villages[uid].append(code)
    ids = sorted(cadre_villages)
    users = {u.id: u for u in session.exec(select(User).where(col(User.id).in_(ids))).all()}
    devices = _devices(session, ids)
    conflicts: dict[str, int] = dict(
        session.execute(
            select(RecordConflict.village_code, func.count())
            .where(
                col(RecordConflict.status) == "open",
                col(RecordConflict.village_code).in_(sorted(visible)),
            )
            .group_by(col(RecordConflict.village_code))
        ).all()
    )
    rejected: dict[int, int] = dict(
        session.execute(
            select(SyncOp.user_id, func.count())
            .where(
                col(SyncOp.user_id).in_(ids),
                col(SyncOp.status) == "rejected",
                col(SyncOp.at) >= now - timedelta(days=30),
            )
            .group_by(col(SyncOp.user_id))
        ).all()
    )
    out = []
    for uid in ids:
        u = users[uid]
        n, last, skew, made = devices.get(uid, (0, None, None, None))
        days = (now - as_utc(last)).days if last else None  # type: ignore[arg-type]
        # Never synced is stale only once the phone (or, without one, the account) has had
        # the days to: a phone registered minutes ago has not missed anything yet.
        since = last or made or u.created_at
        idle = (now - as_utc(since)).days  # type: ignore[arg-type]
        out.append(
            CadreSyncHealth(
                user_id=uid,
                username=u.username,
                display_name=u.display_name,
                phone=u.phone,
                village_codes=sorted(cadre_villages[uid]),
                devices=n,
                last_sync_at=last,  # type: ignore[arg-type]
                days_since_sync=days,
                stale=idle >= stale_days,
                max_clock_skew_s=skew,
                open_conflicts=sum(conflicts.get(v, 0) for v in cadre_villages[uid]),
                rejected_ops_30d=rejected.get(uid, 0),
            )
        )
    out.sort(key=lambda c: (not c.stale, -(c.days_since_sync or 10_000)))
    return out
