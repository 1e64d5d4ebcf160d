"""Home visits (走访: first-round 遍访 and revisits 回访), declared for the record engine.

A visit is an event: made once, corrected only by the cadre who made it. Its time and GPS fix
are attendance evidence, so the time is kept as the phone reported it and corrected for the
phone's clock skew (``occurred_at_corrected``, generated from the declaration).
"""

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from backend.records import checks
from backend.records.fields import Vocab, choice, choices, day, device_time, json_obj, ref, text
from backend.records.models import DataSchema
from backend.records.registry import RecordType, declare

VISIT_KIND = Vocab(
    first_visit="遍访", revisit="回访", talk="谈心谈话", policy="政策宣讲", other="其他"
)
NEED = Vocab(
    schooling="上学",
    medical="就医",
    jobs="就业",
    housing="住房",
    paperwork="证件办理",
    other="其他",
)


class GpsFix(BaseModel):
    """A GPS fix (one field of a visit); plain pydantic, as SQLModel's init is slow nested."""

    model_config = ConfigDict(extra="forbid")

    lat: float = Field(ge=-90, le=90, title="纬度")
    lon: float = Field(ge=-180, le=180, title="经度")
    accuracy_m: float | None = Field(default=None, ge=0, le=100_000, title="定位精度（米）")


class VisitData(DataSchema):
    household_id: str = ref("所属农户")
    kind: Annotated[str, VISIT_KIND] = choice("走访类型", "revisit")
    occurred_at: datetime = device_time("走访时间")
    gps: GpsFix | None = json_obj("定位")
    notes: str | None = text("走访记录", 2000, lines=True)
    needs: list[Annotated[str, NEED]] = choices("发现的需求", 6)
    follow_up_on: date | None = day("下次回访日期")


VISIT = declare(
    RecordType(
        name="visit",
        label="走访记录",
        schema=VisitData,
        parent=("household", "household_id"),
        immutable=frozenset({"household_id"}),
        event=True,
        rules=(checks.not_before("follow_up_on", "occurred_at"),),
        # The cadre who made the visit is the record's author (created_by).
        indexes=("household_id", "created_by", "occurred_at_corrected"),
        title=("kind", "occurred_at"),
        export=("kind", "occurred_at", "gps", "notes", "needs", "follow_up_on"),
    )
)

Visit = VISIT.model
