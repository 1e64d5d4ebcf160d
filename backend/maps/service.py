"""Condition maps at the county: the maps in scope, and one map rendered from the store."""

from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlmodel import Session

from backend.auth.dependencies import Caller
from backend.errors import NotFound
from backend.geo.models import Township, Village, VillagerGroup
from backend.maps import svg
from backend.tables import CONDITION_MAP as CM, HOUSEHOLD as H, MAP_ELEMENT as ME


class MapSummary(BaseModel):
    id: str
    title: str
    version: int
    village_code: str
    village_name: str
    township_name: str
    group_code: str
    group_name: str
    elements: int
    svg_url: str


def list_maps(session: Session, caller: Caller, village_code: str | None) -> list[MapSummary]:
    """Maps in the caller's scope, by village and group, with their element counts."""
    n = (
        select(func.count())
        .select_from(ME)
        .where(ME.c.map_id == CM.c.id, ~ME.c.deleted)
        .scalar_subquery()
    )
    stmt = (
        select(CM, n.label("n"), Village.name, Township.name, VillagerGroup.name)  # type: ignore[call-overload]
        .join(Village, Village.code == CM.c.village_code)
        .join(Township, Township.code == Village.township_code)
        .join(VillagerGroup, VillagerGroup.code == CM.c.group_code)
        .where(caller.scope.where(CM.c.village_code), ~CM.c.deleted)
        .order_by(CM.c.village_code, CM.c.group_code)
    )
    if village_code:
        stmt = stmt.where(CM.c.village_code == village_code)
    out = []
    for row in session.connection().execute(stmt):
        m = row._mapping
        out.append(
            MapSummary(
                id=m["id"],
                title=m["title"],
                version=m["version"],
                village_code=m["village_code"],
                village_name=row[-3],
                township_name=row[-2],
                group_code=m["group_code"],
                group_name=row[-1],
                elements=m["n"],
                svg_url=f"/api/v1/maps/{m['id']}.svg",
            )
        )
    return out


def render_map(session: Session, caller: Caller, map_id: str) -> bytes:
    """The merged map: every live element of it, pins coloured by their household."""
    conn = session.connection()
    cmap = conn.execute(select(CM).where(CM.c.id == map_id)).mappings().first()
    if cmap is None or cmap["deleted"] or not caller.scope.allows(cmap["village_code"]):
        raise NotFound()
    elements = [
        dict(e)
        for e in conn.execute(
            select(ME)
            .where(ME.c.map_id == map_id, ~ME.c.deleted)
            .order_by(ME.c.created_at, ME.c.id)
        ).mappings()
    ]
    pinned = {e["household_id"] for e in elements if e["household_id"]}
    households: dict[str, dict[str, Any]] = {}
    if pinned:
        rows = conn.execute(
            select(H.c.id, H.c.head_name, H.c.poverty_status, H.c.relocated).where(
                H.c.id.in_(pinned), caller.scope.where(H.c.village_code), ~H.c.deleted
            )
        ).mappings()
        households = {r["id"]: dict(r) for r in rows}
    village = session.get(Village, cmap["village_code"])
    return svg.render(
        dict(cmap), elements, households, village_name=village.name if village else ""
    )
