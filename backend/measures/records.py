"""一户一策 measures and the county's assistance menu (扶贫套餐), declared for the record engine.

A measure is what is done for one household, by whom (a cadre, a helping unit), with how much
money, by when, how far it has got, what it achieved and the income it brings a year. It is a
record of its own, not an item of a list on the household, so two cadres adding or changing
different measures of one household never conflict. (Households once held their plan as a
list of words; migration 0010 turned every word into a measure.)

The menu is the county's list of what a measure can be (Suiyang's 58 items: cattle, sheep,
black-bone chickens, tea seedlings…), each with its support standard and who qualifies:
written by the county's admin, pulled by every cadre, read-only on the phone, where a measure
form picks from it.
"""

from datetime import date
from typing import Annotated, Any

from sqlalchemy import select
from sqlmodel import Session

from backend.records import checks
from backend.records.fields import Vocab, choice, day, integer, ref, text
from backend.records.models import DataSchema
from backend.records.registry import ADMIN, CADRE, REGISTRY, RecordType, declare

# The kinds; the codes predate it (education = schooling, health = medical,
# welfare = social security), so no stored measure had to be recoded.
MEASURE_KIND = Vocab(
    industry="产业扶持",
    employment="就业扶持",
    education="教育扶持",
    health="健康扶贫",
    housing="住房保障",
    welfare="社会保障兜底",
    relocation="易地搬迁",
    finance="金融扶持",
    other="其他",
)
MEASURE_STATUS = Vocab(planned="计划中", under_way="实施中", done="已完成", dropped="已取消")
# A measure is late when its due date has passed and it is neither done nor dropped.
CLOSED = ("done", "dropped")


def county_refs(session: Session, data: dict[str, Any], filed_under: str) -> str | None:
    """A menu item or policy a record names is a live one of its own county: a phone must not
    tie a measure to another county's menu (or to nothing)."""
    wanted = [(t, data.get(f)) for t, f in (("menu_item", "menu_item_id"), ("policy", "policy_id"))]
    wanted = [(t, v) for t, v in wanted if v]
    if not wanted:
        return None
    county = _county_of(session, filed_under)
    for type_name, rid in wanted:
        t = REGISTRY[type_name].table
        found = session.connection().execute(
            select(t.c.id).where(t.c.id == rid, t.c.village_code == county)
        )
        if found.first() is None:
            return f"{REGISTRY[type_name].label} {rid} 不存在或不属于本县（可能尚未同步）"
    return None


def _county_of(session: Session, code: str) -> str:
    """The county of a village (a county-wide record is filed under the county itself)."""
    from backend.tables import TOWNSHIP, VILLAGE  # the tables module imports the domains

    cache: dict[str, str] = session.info.setdefault("county_of_village", {})
    if code not in cache:
        county = (
            session.connection()
            .execute(
                select(TOWNSHIP.c.county_code)
                .join(VILLAGE, VILLAGE.c.township_code == TOWNSHIP.c.code)
                .where(VILLAGE.c.code == code)
            )
            .scalar()
        )
        cache[code] = county or code
    return cache[code]


class MeasureData(DataSchema):
    household_id: str = ref("所属农户")
    title: str = text("措施内容", 100, min_length=1)
    kind: Annotated[str, MEASURE_KIND] = choice("措施类别", "industry")
    menu_item_id: str | None = ref("扶贫套餐项目")
    owner: str | None = text("责任干部", 50)
    helping_unit: str | None = text("帮扶单位", 100)
    funds: int | None = integer("投入资金（元）", ge=0, le=10_000_000)
    due_on: date | None = day("计划完成日期")
    status: Annotated[str, MEASURE_STATUS] = choice("进展", "planned")
    done_on: date | None = day("实际完成日期", not_after_today=True)
    result: str | None = text("成效", 500, lines=True)
    income_per_year: int | None = integer("年增收（元）", ge=0, le=1_000_000)
    policy_id: str | None = ref("依据政策")


MEASURE = declare(
    RecordType(
        name="measure",
        label="帮扶措施",
        schema=MeasureData,
        parent=("household", "household_id"),
        immutable=frozenset({"household_id"}),
        ref_checks=(county_refs,),
        # a measure marked done says when (the county checks what was done, and by when)
        rules=(checks.required_when("done_on", "status", "done", MEASURE_STATUS.labels["done"]),),
        indexes=("household_id",),
        title=("title",),
        export=(
            "title",
            "kind",
            "owner",
            "helping_unit",
            "funds",
            "due_on",
            "status",
            "done_on",
            "result",
            "income_per_year",
            "menu_item_id",
            "policy_id",
        ),
    )
)


class MenuItemData(DataSchema):
    name: str = text("项目名称", 100, min_length=1)
    kind: Annotated[str, MEASURE_KIND] = choice("措施类别", "industry")
    standard: str | None = text("扶持标准", 1000, lines=True)
    eligible: str | None = text("享受对象", 500, lines=True)
    policy_id: str | None = ref("依据政策")


MENU_ITEM = declare(
    RecordType(
        name="menu_item",
        label="扶贫套餐",
        schema=MenuItemData,
        county_wide=True,
        writers=frozenset({ADMIN}),
        pulled_by=frozenset({CADRE}),
        ref_checks=(county_refs,),
        title=("name",),
        export=("name", "kind", "standard", "eligible", "policy_id"),
    )
)


Measure = MEASURE.model
MenuItem = MENU_ITEM.model
