"""The geography the caller may see: townships, villages and villager groups."""

from fastapi import APIRouter
from pydantic import BaseModel
from sqlmodel import col, select

from backend.auth.dependencies import CurrentCaller
from backend.database import SessionDep
from backend.geo.models import Township, Village, VillagerGroup

router = APIRouter(prefix="/api/v1/geo", tags=["geo"])


class GroupOut(BaseModel):
    code: str
    name: str


class VillageOut(BaseModel):
    code: str
    name: str
    township_code: str
    township_name: str
    is_poor: bool
    groups: list[GroupOut]


@router.get("/villages")
def villages(caller: CurrentCaller, session: SessionDep) -> list[VillageOut]:
    """The villages in the caller's scope, each with its villager groups."""
    rows = session.exec(
        select(Village, Township)
        .join(Township, col(Township.code) == Village.township_code)
        .where(caller.scope.where(Village.code))
        .order_by(Village.code)
    ).all()
    codes = [v.code for v, _ in rows]
    groups: dict[str, list[GroupOut]] = {c: [] for c in codes}
    for g in session.exec(
        select(VillagerGroup)
        .where(col(VillagerGroup.village_code).in_(codes))
        .order_by(VillagerGroup.code)  # type: ignore[attr-defined]
    ).all():
        groups[g.village_code].append(GroupOut(code=g.code, name=g.name))
    return [
        VillageOut(
            code=v.code,
            name=v.name,
            township_code=t.code,
            township_name=t.name,
            is_poor=v.is_poor,
            groups=groups[v.code],
        )
        for v, t in rows
    ]
