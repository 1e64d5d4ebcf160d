"""The record store: one typed table per record type, plus history, conflicts and op log.

Each type is a ``<Type>Data`` schema (the fields a phone may set, validated on every write)
and a table that adds the columns every record has (``RecordColumns``). Phones make the ids
(UUIDs, offline); only the server assigns versions and change sequence numbers.
"""

from datetime import date, datetime
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field as PydanticField, field_validator
from sqlmodel import Field, SQLModel

from backend.database import MAX_INT
from backend.records.fields import JSONType, choice, day, device_time, json_list, json_obj, string
from backend.timeutil import PhoneTime, utcnow

# Map units; a map is at most 10,000 wide (ConditionMapData), pins and labels ±100,000.
Coordinate = Annotated[int, PydanticField(ge=-100_000, le=100_000)]

ID_NUMBER_PATTERN = r"^[0-9]{17}[0-9Xx]$"
PHONE_PATTERN = r"^[0-9+\- ]{5,20}$"

PovertyCategory = Literal["general", "low_income", "extreme_poor", "marginal", "non_poor"]
PovertyStatus = Literal["not_out", "out", "monitored"]
Cause = Literal["illness", "disability", "schooling", "no_funds", "no_skills", "no_labour", "other"]
Need = Literal["schooling", "medical", "jobs", "housing", "paperwork", "other"]
VisitKind = Literal["first_visit", "revisit", "talk", "policy", "other"]


class DataSchema(SQLModel):
    """Base of every record schema: unknown fields are an error, not silently dropped, and
    a required field left out is an error too (its placeholder default None is validated:
    unvalidated, it reached the table's NOT NULL and failed the whole batch)."""

    model_config = ConfigDict(extra="forbid", validate_default=True)  # type: ignore[assignment]

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, v: Any) -> Any:
        """A NUL character is no text anyone typed, and PostgreSQL cannot store it: refused
        alike on SQLite and PostgreSQL."""
        if (isinstance(v, str) and "\x00" in v) or (
            isinstance(v, list) and any(isinstance(x, str) and "\x00" in x for x in v)
        ):
            raise ValueError("不能含有空字符 \\0")
        return v


class GpsFix(BaseModel):
    """A GPS fix (one field of a visit); plain pydantic, as SQLModel's init is slow nested."""

    model_config = ConfigDict(extra="forbid")

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    accuracy_m: float | None = Field(default=None, ge=0, le=100_000)


def record_indexes(table: str, *single: str) -> tuple[sa.Index, ...]:
    """Pulls read "changes since seq in these villages": one index serves that per village."""
    return (
        sa.Index(f"ix_{table}_village_seq", "village_code", "seq"),
        *(sa.Index(f"ix_{table}_{col}", col) for col in single),
    )


class RecordColumns(SQLModel):
    """What every record has besides its data."""

    id: str = Field(primary_key=True, max_length=36)
    version: int = 1
    deleted: bool = False
    # Global change sequence: pulls page through it (see backend/sync/sequence.py).
    seq: int = Field(sa_type=sa.BigInteger, index=True)
    # The village that fixes who may see and change the record.
    village_code: str = Field(foreign_key="village.code", index=True, max_length=12)
    has_conflict: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    created_by: int = Field(foreign_key="user.id")
    created_device: str = Field(default="", max_length=64)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    updated_by: int = Field(foreign_key="user.id")
    updated_device: str = Field(default="", max_length=64)


# ── household (family file) ─────────────────────────────────────────────────────────────


class HouseholdData(DataSchema):
    village_code: str = string(12)
    group_code: str | None = string(15)
    head_name: str = string(50, min_length=1)
    address: str | None = string(200)
    id_number: str | None = string(18, regex=ID_NUMBER_PATTERN)
    phone: str | None = string(20, regex=PHONE_PATTERN)
    poverty_category: PovertyCategory = choice("general")
    poverty_status: PovertyStatus = choice("not_out")
    causes: list[Cause] = json_list(7)
    income_per_head: int | None = Field(default=None, ge=0, le=10_000_000)
    pairing_cadre: str | None = string(50)
    relocated: bool = False
    relief_loan: bool = False
    # 一户一策: the household's list of measures, one field (small, edited as a whole).
    measures: list[str] = json_list(30)
    remark: str | None = string(1000)

    @field_validator("measures")
    @classmethod
    def _short_measures(cls, v: list[str]) -> list[str]:
        if any(len(m) > 100 for m in v):
            raise ValueError("每项帮扶措施最多 100 个字")
        return v


class Household(RecordColumns, HouseholdData, table=True):
    __table_args__ = record_indexes("household", "group_code")


# ── member ──────────────────────────────────────────────────────────────────────────────


class MemberData(DataSchema):
    household_id: str = string(36)
    name: str = string(50, min_length=1)
    id_number: str | None = string(18, regex=ID_NUMBER_PATTERN)
    relation: Literal["head", "spouse", "child", "parent", "grandchild", "sibling", "other"] = (
        choice("other")
    )
    sex: Literal["male", "female"] | None = choice()
    birth_date: date | None = day()
    health: Literal["healthy", "chronic", "serious", "disabled"] | None = choice()
    labour: Literal["full", "partial", "none"] | None = choice()
    schooling: (
        Literal["none", "preschool", "primary", "junior", "senior", "college", "in_school"] | None
    ) = choice()


class Member(RecordColumns, MemberData, table=True):
    __table_args__ = record_indexes("member", "household_id")


# ── visit (an event) ────────────────────────────────────────────────────────────────────


class VisitData(DataSchema):
    household_id: str = string(36)
    kind: VisitKind = choice("revisit")
    occurred_at: PhoneTime = device_time()
    gps: GpsFix | None = json_obj()
    notes: str | None = string(2000)
    needs: list[Need] = json_list(6)
    follow_up_on: date | None = day()


class Visit(RecordColumns, VisitData, table=True):
    __table_args__ = record_indexes("visit", "household_id", "created_by")
    # The cadre who made the visit is the record's author (created_by).
    occurred_at_corrected: datetime | None = Field(
        default=None, sa_type=sa.DateTime(timezone=True), index=True
    )
    clock_skew_s: int | None = None


# ── condition map and its elements ─────────────────────────────────────────────────────


class ConditionMapData(DataSchema):
    village_code: str = string(12)
    group_code: str = string(15)
    title: str = string(100, min_length=1)
    width: int = Field(default=1000, ge=100, le=10_000)
    height: int = Field(default=1000, ge=100, le=10_000)


class ConditionMap(RecordColumns, ConditionMapData, table=True):
    __tablename__ = "condition_map"
    __table_args__ = record_indexes("condition_map")


class MapElementData(DataSchema):
    map_id: str = string(36)
    kind: Literal["stroke", "pin", "label"] = choice()
    pen: Literal["road", "river", "house", "note"] | None = choice()
    # A stroke's raw points, flattened [x0, y0, x1, y1, …] in map units; strokes longer
    # than backend/maps/geometry.MAX_STROKE_POINTS are simplified when stored.
    points: list[Coordinate] = json_list(20_000)
    x: int | None = Field(default=None, ge=-100_000, le=100_000)
    y: int | None = Field(default=None, ge=-100_000, le=100_000)
    text: str | None = string(100)
    household_id: str | None = string(36)


class MapElement(RecordColumns, MapElementData, table=True):
    __tablename__ = "map_element"
    __table_args__ = record_indexes("map_element", "map_id")


# ── spot check (an event) ───────────────────────────────────────────────────────────────


class SpotCheckData(DataSchema):
    village_code: str = string(12)
    cadre_id: int = Field(ge=1, le=MAX_INT)
    round_id: str | None = string(36)
    checked_at: PhoneTime = device_time()
    reached: bool = False
    on_post: bool | None = None
    back_on_post: bool | None = None
    studied_documents: bool | None = None
    talks_held: int | None = Field(default=None, ge=0, le=1000)
    recent_work: str | None = string(1000)
    remark: str | None = string(1000)


class SpotCheck(RecordColumns, SpotCheckData, table=True):
    __tablename__ = "spot_check"
    __table_args__ = record_indexes("spot_check")

    checked_at_corrected: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    clock_skew_s: int | None = None


# ── the store's own bookkeeping ─────────────────────────────────────────────────────────


class RecordHistory(SQLModel, table=True):
    """Every version of every record: the base for three-way merges and the audit trail."""

    __tablename__ = "record_history"
    __table_args__ = (
        sa.UniqueConstraint("type", "record_id", "version"),
        sa.Index("ix_record_history_record", "record_id", "version"),
    )

    id: int | None = Field(default=None, primary_key=True)
    type: str = Field(max_length=20)
    record_id: str = Field(max_length=36)
    version: int
    data: dict = Field(sa_type=JSONType)  # type: ignore[type-arg]
    deleted: bool = False
    changed: list = Field(sa_type=JSONType)  # type: ignore[type-arg]
    village_code: str = Field(max_length=12, index=True)
    op: str = Field(max_length=12)  # create | update | delete | resolve
    op_id: str | None = Field(default=None, max_length=36)
    user_id: int
    device_id: str = Field(default="", max_length=64)
    recorded_at: str | None = Field(default=None, max_length=40)
    recorded_at_corrected: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    clock_skew_s: int | None = None
    at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class RecordConflict(SQLModel, table=True):
    """One op's clash with changes made elsewhere since its base, field by field."""

    __tablename__ = "record_conflict"

    id: str = Field(primary_key=True, max_length=36)
    type: str = Field(max_length=20)
    record_id: str = Field(max_length=36, index=True)
    village_code: str = Field(max_length=12, index=True)
    status: str = Field(default="open", max_length=10, index=True)  # open | resolved
    # {field: {"base": v, "stored": v, "incoming": v, "winner": "stored" | "incoming"}}
    fields: dict = Field(sa_type=JSONType)  # type: ignore[type-arg]
    base_version: int
    version: int  # the record's version the conflict produced
    stored: dict = Field(sa_type=JSONType)  # type: ignore[type-arg]  # who/when/device
    incoming: dict = Field(sa_type=JSONType)  # type: ignore[type-arg]
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    resolved_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    resolved_by: int | None = None
    resolution: dict | None = Field(default=None, sa_type=JSONType)  # type: ignore[type-arg]


class SyncOp(SQLModel, table=True):
    """Every op ever answered, stored in the same transaction as its effects (idempotency)."""

    __tablename__ = "sync_op"

    op_id: str = Field(primary_key=True, max_length=36)
    batch_id: str = Field(max_length=36)
    user_id: int = Field(index=True)
    device_id: str = Field(max_length=64)
    type: str = Field(max_length=20)
    record_id: str = Field(max_length=36)
    status: str = Field(max_length=10)
    result: dict = Field(sa_type=JSONType)  # type: ignore[type-arg]
    at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class ChangeCounter(SQLModel, table=True):
    """A single row; see backend/sync/sequence.py for why it is a row and not a sequence."""

    __tablename__ = "change_counter"

    id: int = Field(default=1, primary_key=True)
    value: int = Field(default=0, sa_type=sa.BigInteger)
