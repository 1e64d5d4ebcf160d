"""Every record type the sync engine knows, described once.

The engine (backend/sync) reads only this description: the table, the schema that validates
``data``, how the record's village (its scope) is found, whether it is an event, who may
write it, which fields are masked and which are device-reported times. Adding a type is a
new entry here, never a branch in the engine.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, select
from sqlmodel import Session, SQLModel, col

from backend.auth.models import Role, UserVillage
from backend.geo.models import VillagerGroup
from backend.maps.geometry import MAX_ELEMENTS_PER_MAP, simplify_stroke
from backend.records import models as m

# Checks a valid record's references beyond its schema; answers an error message or None.
RefCheck = Callable[[Session, dict[str, Any], str], str | None]


@dataclass(frozen=True)
class RecordType:
    name: str
    model: type[SQLModel]
    schema: type[m.DataSchema]
    label: str  # the Chinese name, for messages
    # Where the village comes from: a field of the data itself, or the parent record.
    village_field: str | None = None
    parent: tuple[str, str] | None = None  # (parent type, field holding the parent's id)
    # Fields fixed at creation: they decide the scope, so changing them would move a record
    # out of sight of the people who hold it.
    immutable: frozenset[str] = frozenset()
    # Events (visits, spot checks) are created once and corrected only by their author.
    event: bool = False
    writers: frozenset[str] = frozenset({Role.cadre, Role.admin})
    readers: frozenset[str] = frozenset({Role.cadre, Role.supervisor, Role.admin})
    # Whose phones hold a copy (pull): a phone holds what its user works on in the field.
    # Supervisors and admins read family files online; a county's worth would not fit.
    pulled_by: frozenset[str] = frozenset({Role.cadre})
    # Masked for every role not in ``unmasked_roles``.
    masked: frozenset[str] = frozenset()
    # Times the phone reported; the engine stores ``<field>_corrected`` beside them.
    device_times: tuple[str, ...] = ()
    ref_checks: tuple[RefCheck, ...] = field(default=())
    # Brings valid data to the form the store keeps (e.g. simplifies a very long stroke).
    normalize: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    # At most this many live records under one parent (elements of a map, members of a household).
    max_per_parent: int | None = None

    @property
    def table(self) -> Table:
        return self.model.__table__  # type: ignore[attr-defined,no-any-return]

    @property
    def fields(self) -> list[str]:
        return list(self.schema.model_fields)

    def canonical(self, data: dict[str, Any]) -> dict[str, Any]:
        """Validate ``data`` against the schema and answer the one JSON spelling the store
        keeps. Raises pydantic's ValidationError. (pydantic-core directly: SQLModel's own
        model_validate wrapper costs as much again, and this is the push hot path.)"""
        obj = self.schema.__pydantic_validator__.validate_python(data)
        out: dict[str, Any] = self.schema.__pydantic_serializer__.to_python(obj, mode="json")
        return self.normalize(out) if self.normalize else out

    @property
    def derived_columns(self) -> list[str]:
        """Server-computed columns sent to phones beside the data (read-only)."""
        extra = [f"{f}_corrected" for f in self.device_times]
        return extra + (["clock_skew_s"] if self.device_times else [])


UNMASKED_ROLES = frozenset({Role.cadre, Role.admin})


def _group_in_village(session: Session, data: dict[str, Any], village_code: str) -> str | None:
    group = data.get("group_code")
    if group is None:
        return None
    # One query per village per request, not one per op: cached on the session.
    groups: dict[str, set[str]] = session.info.setdefault("groups_of_village", {})
    if village_code not in groups:
        groups[village_code] = set(
            session.connection()
            .execute(
                select(col(VillagerGroup.code)).where(VillagerGroup.village_code == village_code)  # type: ignore[arg-type]
            )
            .scalars()
        )
    if group not in groups[village_code]:
        return f"村民组 {group} 不属于村 {village_code}"
    return None


def _cadre_of_village(session: Session, data: dict[str, Any], village_code: str) -> str | None:
    """A spot check is about a resident cadre of the village it is filed under."""
    found = (
        session.connection()
        .execute(
            select(col(UserVillage.user_id)).where(
                col(UserVillage.user_id) == data["cadre_id"],
                col(UserVillage.village_code) == village_code,
            )
        )
        .first()
    )
    return None if found else f"干部 {data['cadre_id']} 不是村 {village_code} 的驻村干部"


REGISTRY: dict[str, RecordType] = {
    t.name: t
    for t in [
        RecordType(
            name="household",
            model=m.Household,
            schema=m.HouseholdData,
            label="农户",
            village_field="village_code",
            immutable=frozenset({"village_code"}),
            masked=frozenset({"id_number"}),
            ref_checks=(_group_in_village,),
        ),
        RecordType(
            name="member",
            model=m.Member,
            schema=m.MemberData,
            label="家庭成员",
            parent=("household", "household_id"),
            immutable=frozenset({"household_id"}),
            masked=frozenset({"id_number"}),
            max_per_parent=30,
        ),
        RecordType(
            name="visit",
            model=m.Visit,
            schema=m.VisitData,
            label="走访记录",
            parent=("household", "household_id"),
            immutable=frozenset({"household_id"}),
            event=True,
            device_times=("occurred_at",),
        ),
        RecordType(
            name="condition_map",
            model=m.ConditionMap,
            schema=m.ConditionMapData,
            label="民情地图",
            village_field="village_code",
            immutable=frozenset({"village_code", "group_code"}),
            ref_checks=(_group_in_village,),
        ),
        RecordType(
            name="map_element",
            model=m.MapElement,
            schema=m.MapElementData,
            label="地图元素",
            parent=("condition_map", "map_id"),
            immutable=frozenset({"map_id", "kind"}),
            normalize=simplify_stroke,
            max_per_parent=MAX_ELEMENTS_PER_MAP,
        ),
        RecordType(
            name="spot_check",
            model=m.SpotCheck,
            schema=m.SpotCheckData,
            label="电话抽查",
            village_field="village_code",
            immutable=frozenset({"village_code", "cadre_id"}),
            event=True,
            writers=frozenset({Role.supervisor, Role.admin}),
            readers=frozenset({Role.supervisor, Role.admin}),
            pulled_by=frozenset({Role.supervisor, Role.admin}),
            device_times=("checked_at",),
            ref_checks=(_cadre_of_village,),
        ),
    ]
}


def get(name: str) -> RecordType | None:
    return REGISTRY.get(name)
