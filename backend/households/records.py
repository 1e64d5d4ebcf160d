"""The family file (家庭档案): a household and its members, declared for the record engine."""

from datetime import date
from typing import Annotated, Any

from pydantic import model_validator
from sqlalchemy import select
from sqlmodel import Session, col

from backend.geo.models import VillagerGroup
from backend.orders.skills import SKILL, SKILLS_MAX
from backend.records import checks
from backend.records.bulk import one_of
from backend.records.fields import (
    PHONE_PATTERN,
    Vocab,
    choice,
    choices,
    day,
    flag,
    integer,
    ref,
    text,
)
from backend.records.models import DataSchema
from backend.records.registry import RecordType, declare

POVERTY_CATEGORY = Vocab(
    general="一般贫困户",
    low_income="低保户",
    extreme_poor="特困供养户",
    marginal="边缘易致贫户",
    non_poor="非贫困户",
)
POVERTY_STATUS = Vocab(not_out="未脱贫", out="已脱贫", monitored="监测户")
CAUSE = Vocab(
    illness="因病",
    disability="因残",
    schooling="因学",
    no_funds="缺资金",
    no_skills="缺技术",
    no_labour="缺劳力",
    other="其他",
)
RELATION = Vocab(
    head="户主",
    spouse="配偶",
    child="子女",
    parent="父母",
    grandchild="孙子女",
    sibling="兄弟姐妹",
    other="其他",
)
SEX = Vocab(male="男", female="女")
HEALTH = Vocab(healthy="健康", chronic="慢性病", serious="大病", disabled="残疾")
LABOUR = Vocab(full="有劳动力", partial="弱劳动力", none="无劳动力")
# Where a member stands: resident (在册) unless they died, moved out, married out or left
# with a split household. A member who leaves is marked, never deleted: the file keeps them.
MEMBER_STATUS = Vocab(
    resident="在册", dead="死亡", moved_out="迁出", married_out="婚嫁", split="分户"
)
SCHOOLING = Vocab(
    none="未上学",
    preschool="学龄前",
    primary="小学",
    junior="初中",
    senior="高中",
    college="大专及以上",
    in_school="在校生",
)


class HouseholdData(DataSchema):
    village_code: str = text("村", 12)
    group_code: str | None = text("村民组", 15)
    head_name: str = text("户主姓名", 50, min_length=1)
    address: str | None = text("住址", 200)
    id_number: str | None = text("身份证号", 18, id_number=True)
    phone: str | None = text("联系电话", 20, pattern=PHONE_PATTERN)
    poverty_category: Annotated[str, POVERTY_CATEGORY] = choice("户类别", "general")
    poverty_status: Annotated[str, POVERTY_STATUS] = choice("脱贫状态", "not_out")
    causes: list[Annotated[str, CAUSE]] = choices("致贫原因", 7)
    income_per_head: int | None = integer("人均纯收入（元）", ge=0, le=10_000_000)
    pairing_cadre: str | None = text("结对帮扶干部", 50)
    relocated: bool = flag("易地扶贫搬迁")
    relief_loan: bool = flag("精扶贷")
    remark: str | None = text("备注", 1000, lines=True)

    @model_validator(mode="before")
    @classmethod
    def _old_measures_list(cls, data: Any) -> Any:
        """一户一策 measures are records of their own (backend/measures, migration 0010).
        A phone still on the old app sends its household's empty ``measures`` list with
        every new household: it carries nothing, so it is let through rather than refuse
        the household; a list with words in it is still refused (未知字段), never dropped."""
        if isinstance(data, dict) and "measures" in data and not data["measures"]:
            data = {k: v for k, v in data.items() if k != "measures"}
        return data


def group_in_village(session: Session, data: dict[str, Any], village_code: str) -> str | None:
    """A villager group named by a record is one of its village's."""
    group = data.get("group_code")
    if group is None:
        return None
    village_of: dict[str, str | None] = session.info.setdefault("village_of_group", {})
    if group not in village_of:
        _prefetch_groups(session, [data])
    if village_of[group] != village_code:
        return f"村民组 {group} 不属于村 {village_code}"
    return None


def _prefetch_groups(session: Session, named: list[dict[str, Any]]) -> None:
    """The villages of the groups that ``named`` (records' data) name, in one query, cached
    on the session for its requests' checks: the groups a push names, not every group of
    every village it names (a county-wide push of 500 households read 2,000 groups of 200
    villages, 8 ms of its 116, to check 250)."""
    village_of: dict[str, str | None] = session.info.setdefault("village_of_group", {})
    fresh = {g for d in named if isinstance(g := d.get("group_code"), str) and g not in village_of}
    village_of.update(dict.fromkeys(fresh))  # None: no such group, until the query says
    # A code with a NUL names no group (and would fail the query on PostgreSQL).
    wanted = [g for g in fresh if "\x00" not in g]
    if not wanted:
        return
    rows = session.connection().execute(
        select(col(VillagerGroup.code), col(VillagerGroup.village_code)).where(
            one_of(col(VillagerGroup.code), wanted)
        )
    )
    village_of.update((code, village) for code, village in rows)


# Called by the push engine before its ops, with what every op of a checked type names.
setattr(group_in_village, "prefetch", _prefetch_groups)  # noqa: B010


HOUSEHOLD = declare(
    RecordType(
        name="household",
        label="农户",
        schema=HouseholdData,
        village_field="village_code",
        immutable=frozenset({"village_code"}),
        masked=frozenset({"id_number"}),
        ref_checks=(group_in_village,),
        indexes=("group_code",),
        # Income per head more than halved is possible (an illness, a job lost) but is
        # more often a slip of the finger: the phone asks before saving.
        warnings=({"rule": "drop_more_than", "field": "income_per_head", "ratio": 0.5},),
        title=("head_name",),
        export=(
            "head_name",
            "id_number",
            "phone",
            "address",
            "poverty_category",
            "poverty_status",
            "causes",
            "income_per_head",
            "pairing_cadre",
            "relocated",
            "relief_loan",
            "remark",
        ),
    )
)


class MemberData(DataSchema):
    household_id: str = ref("所属农户")
    name: str = text("姓名", 50, min_length=1)
    id_number: str | None = text("身份证号", 18, id_number=True)
    relation: Annotated[str, RELATION] = choice("与户主关系", "other")
    sex: Annotated[str, SEX] | None = choice("性别")
    birth_date: date | None = day("出生日期", not_after_today=True, years_back=120)
    health: Annotated[str, HEALTH] | None = choice("健康状况")
    labour: Annotated[str, LABOUR] | None = choice("劳动能力")
    schooling: Annotated[str, SCHOOLING] | None = choice("文化程度")
    status: Annotated[str, MEMBER_STATUS] = choice("在册状态", "resident")
    left_on: date | None = day("离开日期", not_after_today=True, years_back=120)
    left_reason: str | None = text("离开原因", 200)
    # 三单制 (backend/orders): party members, those without a post (无职党员) too, claim
    # the households' orders by their skills.
    party_member: bool = flag("中共党员")
    has_post: bool = flag("在村任职")
    skills: list[Annotated[str, SKILL]] = choices("专业特长", SKILLS_MAX)


MEMBER = declare(
    RecordType(
        name="member",
        label="家庭成员",
        schema=MemberData,
        parent=("household", "household_id"),
        immutable=frozenset({"household_id"}),
        masked=frozenset({"id_number"}),
        max_per_parent=30,
        rules=(
            checks.id_matches("id_number", "birth_date", "sex"),
            # a member who left (died, moved, married out, split off) says when
            checks.required_unless(
                "left_on", "status", "resident", MEMBER_STATUS.labels["resident"]
            ),
        ),
        indexes=("household_id",),
        title=("name",),
        export=(
            "name",
            "id_number",
            "relation",
            "sex",
            "birth_date",
            "health",
            "labour",
            "schooling",
            "status",
            "left_on",
            "left_reason",
            "party_member",
            "has_post",
            "skills",
        ),
    )
)

Household = HOUSEHOLD.model
Member = MEMBER.model
