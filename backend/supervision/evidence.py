"""The evidence beside a cadre on a spot-check call, and in reports: what the store knows
about whether they are really working in their villages.

Definitions (the figures a supervisor reads aloud to a cadre must be unambiguous):

- **last sync**: the latest ``device.last_sync_at`` over all the cadre's phones.
- **visits in the last 7 / 30 days**: the cadre's visits (``created_by``) whose
  skew-corrected time (``occurred_at_corrected``) falls in the window ending now (a visit
  dated in the future counts nowhere but may show as the last visit, an anomaly to see).
- **last visit**: the cadre's visit with the latest corrected time: its place (GPS), its
  time as reported and corrected, and a clock flag when the phone's clock was off by more
  than ``settings.clock_skew_flag_seconds`` at the push that brought it; and its photos
  (ids, latest taken first: ``GET /api/v1/photos/{id}/thumbnail``).
- **the visit round** (遍访 round): a window of visits, by default the last
  ``VISIT_ROUND_DAYS`` (90) days, or from a date the caller names (``since``, a day in
  Beijing time). A household is *visited this round* when anyone's visit to it falls in
  the window; the unvisited households are counted in the cadre's villages.
- **on post without visits**: the cadre's latest spot check said on post (``on_post`` true)
  but the cadre has no visit in the last ``NO_VISIT_DAYS`` (14) days.
- **far from the village**: a visit whose GPS lies more than ``FAR_KM`` (5 km, haversine)
  from its village's centre. Geography has no coordinates, so a village's centre is the
  median latitude and median longitude of the GPS fixes of all its visits (robust against
  the few far ones), known only once the village has ``MIN_FIXES`` (3) fixes; without a
  centre no visit of that village is flagged. Checked over the cadre's last 30 days.

Every figure is limited to the caller's scope (visits and households in villages they see).
"""

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import and_, case, func, select
from sqlmodel import Session

from backend.geo.scope import Scope
from backend.tables import (
    DEVICE as D,
    HOUSEHOLD as H,
    PHOTO as P,
    SPOT_CHECK as SC,
    USER_VILLAGE as UV,
    VILLAGE as VIL,
    VISIT as V,
)
from backend.timeutil import BEIJING, as_utc

VISIT_ROUND_DAYS = 90
NO_VISIT_DAYS = 14
FAR_KM = 5.0
FAR_WINDOW_DAYS = 30
MIN_FIXES = 3
EARTH_RADIUS_KM = 6371.0088


def round_start(
    since: date | None, now: datetime, default_days: int = VISIT_ROUND_DAYS
) -> datetime:
    """The start of a window: 00:00 Beijing time on ``since``, or ``default_days`` ago."""
    if since is None:
        return now - timedelta(days=default_days)
    # Nothing is older than 1970; a date near year 1 overflowed in the shift to UTC.
    since = max(since, date(1970, 1, 1))
    return datetime.combine(since, time(0), tzinfo=BEIJING).astimezone(UTC)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _fix(gps: Any) -> tuple[float, float] | None:
    if not isinstance(gps, dict):
        return None
    lat, lon = gps.get("lat"), gps.get("lon")
    if not isinstance(lat, int | float) or not isinstance(lon, int | float):
        return None
    return float(lat), float(lon)


def village_centres(session: Session, villages: Iterable[str]) -> dict[str, tuple[float, float]]:
    """Each village's centre: the median of its visits' GPS fixes (≥ MIN_FIXES of them)."""
    codes = sorted(set(villages))
    if not codes:
        return {}
    fixes: dict[str, list[tuple[float, float]]] = defaultdict(list)
    rows = session.connection().execute(
        select(V.c.village_code, V.c.gps).where(V.c.village_code.in_(codes), ~V.c.deleted)
    )
    for village, gps in rows:
        if (f := _fix(gps)) is not None:
            fixes[village].append(f)
    return {
        v: (statistics.median(p[0] for p in fs), statistics.median(p[1] for p in fs))
        for v, fs in fixes.items()
        if len(fs) >= MIN_FIXES
    }


# ── answer shapes ───────────────────────────────────────────────────────────────────────


class Place(BaseModel):
    lat: float
    lon: float


class LastVisit(BaseModel):
    id: str
    household_id: str
    head_name: str | None
    village_code: str
    village_name: str | None
    kind: str
    occurred_at: str  # as the phone reported it
    occurred_at_corrected: datetime | None
    clock_skew_s: int | None
    clock_skew_flag: bool
    gps: dict[str, Any] | None
    distance_km: float | None  # from the village centre, when both are known
    far: bool
    photos: list[str] = []  # the visit's photo ids, latest taken first


class VillageEvidence(BaseModel):
    code: str
    name: str
    households: int
    unvisited: int  # not visited by anyone in the visit round
    centre: Place | None


class CheckSummary(BaseModel):
    id: str
    round_id: str | None
    checked_at: datetime | None  # skew-corrected
    reached: bool
    on_post: bool | None


class Flag(BaseModel):
    code: str  # on_post_no_visit | far_from_village | clock_skew
    message: str


class Evidence(BaseModel):
    cadre_id: int
    as_of: datetime
    last_sync_at: datetime | None
    visits_7d: int
    visits_30d: int
    last_visit: LastVisit | None
    days_since_last_visit: int | None
    round_since: datetime
    households: int
    households_unvisited: int
    villages: list[VillageEvidence]
    far_visits_30d: int
    latest_check: CheckSummary | None
    flags: list[Flag]


# ── the figures ─────────────────────────────────────────────────────────────────────────


def _utc(value: datetime | None) -> datetime | None:
    return as_utc(value) if value is not None else None


def evidence(
    session: Session,
    scope: Scope,
    cadre_ids: Iterable[int],
    *,
    now: datetime,
    round_since: datetime,
    skew_flag_s: int,
) -> dict[int, Evidence]:
    """The evidence for each cadre, a fixed handful of queries however many cadres."""
    ids = sorted(set(cadre_ids))
    if not ids:
        return {}
    conn = session.connection()
    t7, t30 = now - timedelta(days=7), now - timedelta(days=30)
    t_far = now - timedelta(days=FAR_WINDOW_DAYS)
    mine = and_(V.c.created_by.in_(ids), ~V.c.deleted, scope.where(V.c.village_code))

    villages_of: dict[int, list[str]] = defaultdict(list)
    for uid, village in conn.execute(
        select(UV.c.user_id, UV.c.village_code)
        .where(UV.c.user_id.in_(ids), scope.where(UV.c.village_code))
        .order_by(UV.c.village_code)
    ):
        villages_of[uid].append(village)

    last_sync = {
        uid: _utc(at)
        for uid, at in conn.execute(
            select(D.c.user_id, func.max(D.c.last_sync_at))
            .where(D.c.user_id.in_(ids))
            .group_by(D.c.user_id)
        )
    }

    counts = {
        uid: (int(n7 or 0), int(n30 or 0))
        for uid, n7, n30 in conn.execute(
            select(
                V.c.created_by,
                func.sum(case((V.c.occurred_at_corrected >= t7, 1), else_=0)),
                func.count(),
            )
            .where(mine, V.c.occurred_at_corrected >= t30, V.c.occurred_at_corrected <= now)
            .group_by(V.c.created_by)
        )
    }

    latest = (
        select(V.c.created_by, func.max(V.c.occurred_at_corrected).label("at"))
        .where(mine)
        .group_by(V.c.created_by)
        .subquery()
    )
    last_rows: dict[int, Any] = {}
    for r in conn.execute(
        select(V, H.c.head_name)
        .join(
            latest,
            and_(
                V.c.created_by == latest.c.created_by,
                V.c.occurred_at_corrected == latest.c.at,
            ),
        )
        .outerjoin(H, H.c.id == V.c.household_id)
        .where(~V.c.deleted, scope.where(V.c.village_code))
        .order_by(V.c.id)
    ).mappings():
        last_rows.setdefault(r["created_by"], r)

    photos: dict[str, list[str]] = defaultdict(list)
    last_ids = sorted(r["id"] for r in last_rows.values())
    if last_ids:
        for pid, visit_id in conn.execute(
            select(P.c.id, P.c.visit_id)
            .where(P.c.visit_id.in_(last_ids), ~P.c.deleted, scope.where(P.c.village_code))
            .order_by(P.c.taken_at_corrected.desc(), P.c.id)
        ):
            photos[visit_id].append(pid)

    recent_fixes: list[tuple[int, str, tuple[float, float]]] = []
    for uid, village, gps in conn.execute(
        select(V.c.created_by, V.c.village_code, V.c.gps).where(
            mine, V.c.occurred_at_corrected >= t_far
        )
    ):
        if (f := _fix(gps)) is not None:
            recent_fixes.append((uid, village, f))

    all_villages = {v for vs in villages_of.values() for v in vs}
    all_villages |= {village for _, village, _ in recent_fixes}
    all_villages |= {r["village_code"] for r in last_rows.values()}
    centres = village_centres(session, all_villages)
    names: dict[Any, Any] = dict(
        conn.execute(
            select(VIL.c.code, VIL.c.name).where(VIL.c.code.in_(sorted(all_villages)))
        ).all()
    )

    visited = (
        select(V.c.id)
        .where(
            V.c.household_id == H.c.id,
            ~V.c.deleted,
            V.c.occurred_at_corrected >= round_since,
            V.c.occurred_at_corrected <= now,
        )
        .exists()
    )
    homes: dict[str, tuple[int, int]] = {}
    cadre_villages = sorted({v for vs in villages_of.values() for v in vs})
    if cadre_villages:
        for village, n, unvisited in conn.execute(
            select(H.c.village_code, func.count(), func.sum(case((visited, 0), else_=1)))
            .where(H.c.village_code.in_(cadre_villages), ~H.c.deleted)
            .group_by(H.c.village_code)
        ):
            homes[village] = (int(n), int(unvisited or 0))

    checks: dict[int, CheckSummary] = {}
    check_time = func.coalesce(SC.c.checked_at_corrected, SC.c.created_at)
    for r in conn.execute(
        select(SC)
        .where(SC.c.cadre_id.in_(ids), ~SC.c.deleted, scope.where(SC.c.village_code))
        .order_by(check_time.desc(), SC.c.id)
    ).mappings():
        checks.setdefault(
            r["cadre_id"],
            CheckSummary(
                id=r["id"],
                round_id=r["round_id"],
                checked_at=_utc(r["checked_at_corrected"] or r["created_at"]),
                reached=r["reached"],
                on_post=r["on_post"],
            ),
        )

    out: dict[int, Evidence] = {}
    for uid in ids:
        far_n = 0
        for who, village, (lat, lon) in recent_fixes:
            c = centres.get(village)
            if who == uid and c is not None and haversine_km(lat, lon, *c) > FAR_KM:
                far_n += 1
        last = _last_visit(last_rows.get(uid), centres, names, skew_flag_s)
        if last is not None:
            last.photos = photos.get(last.id, [])
        days_since = None
        if last is not None and last.occurred_at_corrected is not None:
            days_since = max(0, (now - last.occurred_at_corrected).days)
        vil = [
            VillageEvidence(
                code=v,
                name=names.get(v, v),
                households=homes.get(v, (0, 0))[0],
                unvisited=homes.get(v, (0, 0))[1],
                centre=Place(lat=centres[v][0], lon=centres[v][1]) if v in centres else None,
            )
            for v in villages_of.get(uid, [])
        ]
        n7, n30 = counts.get(uid, (0, 0))
        ev = Evidence(
            cadre_id=uid,
            as_of=now,
            last_sync_at=last_sync.get(uid),
            visits_7d=n7,
            visits_30d=n30,
            last_visit=last,
            days_since_last_visit=days_since,
            round_since=round_since,
            households=sum(v.households for v in vil),
            households_unvisited=sum(v.unvisited for v in vil),
            villages=vil,
            far_visits_30d=far_n,
            latest_check=checks.get(uid),
            flags=[],
        )
        ev.flags = _flags(ev, now)
        out[uid] = ev
    return out


def _last_visit(
    row: Any, centres: dict[str, tuple[float, float]], names: dict[str, str], skew_flag_s: int
) -> LastVisit | None:
    if row is None:
        return None
    fix = _fix(row["gps"])
    centre = centres.get(row["village_code"])
    distance = None
    if fix is not None and centre is not None:
        distance = round(haversine_km(*fix, *centre), 3)
    skew = row["clock_skew_s"]
    return LastVisit(
        id=row["id"],
        household_id=row["household_id"],
        head_name=row["head_name"],
        village_code=row["village_code"],
        village_name=names.get(row["village_code"]),
        kind=row["kind"],
        occurred_at=row["occurred_at"],
        occurred_at_corrected=_utc(row["occurred_at_corrected"]),
        clock_skew_s=skew,
        clock_skew_flag=skew is not None and abs(skew) > skew_flag_s,
        gps=row["gps"] if fix is not None else None,
        distance_km=distance,
        far=distance is not None and distance > FAR_KM,
    )


def _flags(ev: Evidence, now: datetime) -> list[Flag]:
    flags: list[Flag] = []
    check = ev.latest_check
    last = ev.last_visit
    last_at = last.occurred_at_corrected if last else None
    if check is not None and check.on_post is True:
        if last_at is None:
            flags.append(
                Flag(code="on_post_no_visit", message="抽查时报告在岗，但没有任何走访记录")
            )
        elif now - last_at > timedelta(days=NO_VISIT_DAYS):
            flags.append(
                Flag(
                    code="on_post_no_visit",
                    message=f"抽查时报告在岗，但已 {(now - last_at).days} 天没有走访记录",
                )
            )
    if ev.far_visits_30d:
        flags.append(
            Flag(
                code="far_from_village",
                message=f"近 {FAR_WINDOW_DAYS} 天有 {ev.far_visits_30d} 次走访定位距村中心超过 {FAR_KM:g} 公里",
            )
        )
    if last is not None and last.clock_skew_flag and last.clock_skew_s is not None:
        minutes = round(abs(last.clock_skew_s) / 60)
        ahead = "快" if last.clock_skew_s > 0 else "慢"
        flags.append(
            Flag(
                code="clock_skew",
                message=f"最近一次走访时手机时钟{ahead}了约 {minutes} 分钟，时间已按服务器校正",
            )
        )
    return flags
