"""An assistance measure of a household's 一户一策 plan, declared for the record engine: what
is done, by whom, with how much money, by when, how far it has got and what it achieved.

A measure is a record of its own, not an item of the household's list, so two cadres adding
measures to one household never conflict (the household's old ``measures`` list of words
stays as it was written).
"""

from datetime import date
from typing import Annotated

from backend.records.fields import Vocab, choice, day, integer, ref, text
from backend.records.models import DataSchema
from backend.records.registry import RecordType, declare

MEASURE_KIND = Vocab(
    industry="产业扶持",
    employment="就业扶持",
    education="教育扶持",
    health="健康扶贫",
    housing="住房保障",
    finance="金融扶持",
    relocation="易地搬迁",
    welfare="兜底保障",
    other="其他",
)
MEASURE_STATUS = Vocab(planned="计划中", under_way="实施中", done="已完成", dropped="已取消")


class MeasureData(DataSchema):
    household_id: str = ref("所属农户")
    title: str = text("措施内容", 100, min_length=1)
    kind: Annotated[str, MEASURE_KIND] = choice("措施类别", "industry")
    owner: str | None = text("责任人", 50)
    funds: int | None = integer("投入资金（元）", ge=0, le=10_000_000)
    due_on: date | None = day("计划完成日期")
    status: Annotated[str, MEASURE_STATUS] = choice("进展", "planned")
    done_on: date | None = day("实际完成日期", not_after_today=True)
    result: str | None = text("成效", 500, lines=True)


MEASURE = declare(
    RecordType(
        name="measure",
        label="帮扶措施",
        schema=MeasureData,
        parent=("household", "household_id"),
        immutable=frozenset({"household_id"}),
        indexes=("household_id",),
        title=("title",),
        export=("title", "kind", "owner", "funds", "due_on", "status", "done_on", "result"),
    )
)
