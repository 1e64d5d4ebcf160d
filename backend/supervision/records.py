"""The phone spot check (电话抽查) of a resident cadre, declared for the record engine: an
event a supervisor records while on the phone with the cadre, pushed like any record."""

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from backend.auth.models import Role, UserVillage
from backend.database import MAX_INT
from backend.records.fields import device_time, flag, integer, ref, text
from backend.records.models import DataSchema
from backend.records.registry import RecordType, declare


class SpotCheckData(DataSchema):
    village_code: str = text("村", 12)
    cadre_id: int = integer("被抽查干部", ge=1, le=MAX_INT)
    round_id: str | None = ref("抽查轮次")
    checked_at: datetime = device_time("抽查时间")
    reached: bool = flag("是否接通")
    on_post: bool | None = flag("是否在岗", None)
    back_on_post: bool | None = flag("是否返岗", None)
    studied_documents: bool | None = flag("是否传达学习上级文件", None)
    talks_held: int | None = integer("谈心谈话次数", ge=0, le=1000)
    recent_work: str | None = text("近期工作", 1000, lines=True)
    remark: str | None = text("备注", 1000, lines=True)


def cadre_of_village(session: Session, data: dict[str, Any], village_code: str) -> str | None:
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


SPOT_CHECK = declare(
    RecordType(
        name="spot_check",
        label="电话抽查",
        schema=SpotCheckData,
        village_field="village_code",
        immutable=frozenset({"village_code", "cadre_id"}),
        event=True,
        writers=frozenset({Role.supervisor, Role.admin}),
        readers=frozenset({Role.supervisor, Role.admin}),
        pulled_by=frozenset({Role.supervisor, Role.admin}),
        ref_checks=(cadre_of_village,),
        title=("checked_at",),
        export=(
            "round_id",
            "checked_at",
            "reached",
            "on_post",
            "back_on_post",
            "studied_documents",
            "talks_held",
            "recent_work",
            "remark",
        ),
    )
)

SpotCheck = SPOT_CHECK.model
