"""The village information base (小康信息库, Yuping): the county's indicators and each
village's value of each indicator per year, declared for the record engine.

- ``indicator`` is county-wide: the county's admin defines it (in the console), every cadre's
  phone pulls it and shows it read-only. Its rule (``rule`` + ``threshold`` /
  ``met_options``) makes a value met or not met (backend/villagebase/rules.py, and the same
  few lines in pwa/src/villagebase.js).
- ``indicator_value`` belongs to a village: one per (village, year, indicator), with one
  value field used per kind (number / yes-no / text, a choice's option being text). Its id is
  a UUIDv5 of those three (``value_id``), made the same way on every phone: two phones
  filling the same indicator offline make the SAME record, which the engine merges by the
  sync contract (a create whose id exists merges against version 1); different indicators
  are different records and never touch.
"""

import uuid
from typing import Annotated, Any

from pydantic import StringConstraints
from sqlalchemy import Table, select
from sqlmodel import Session

from backend.geo.models import Township, Village
from backend.records.fields import Vocab, choice, flag, integer, json_list, number, ref, text
from backend.records.models import DataSchema
from backend.records.registry import ADMIN, CADRE, RecordType, declare

TOWNSHIP: Table = Township.__table__  # type: ignore[attr-defined]
VILLAGE: Table = Village.__table__  # type: ignore[attr-defined]

# The groups of Yuping's 27 indicators (精准扶贫, 产业发展, 群众发展诉求) and of the exit
# criteria of a poor village (roads, power, water, schools, clinics, the village's party branch).
GROUP = Vocab(
    poverty="精准扶贫",
    industry="产业发展",
    infrastructure="基础设施",
    services="公共服务",
    demands="群众诉求",
    organisation="组织建设",
)
KIND = Vocab(number="数值", yes_no="是/否", choice="选项", text="文字")
RULE = Vocab(
    ge="不低于标准值",
    le="不高于标准值",
    eq="等于标准值",
    yes="为“是”",
    no="为“否”",
    one_of="属于达标选项",
)
# Which rules fit which kind; a rule on the wrong kind is refused (``definition_fits``).
RULE_KINDS = {"ge": "number", "le": "number", "eq": "number", "yes": "yes_no", "no": "yes_no"}
RULE_KINDS["one_of"] = "choice"

MAX_OPTIONS = 12
OPTION = Annotated[str, StringConstraints(min_length=1, max_length=20)]
CODE_PATTERN = r"^[A-Z]{2}[0-9]{2}$"


class IndicatorData(DataSchema):
    # (the helper's ``pattern`` does not reach pydantic 2: the constraint is given here)
    code: Annotated[str, StringConstraints(pattern=CODE_PATTERN)] = text("指标编号", 4)
    name: str = text("指标名称", 40, min_length=1)
    group: Annotated[str, GROUP] = choice("指标类别", "poverty")
    kind: Annotated[str, KIND] = choice("填写方式", "number")
    unit: str | None = text("单位", 10)
    options: list[OPTION] = json_list("选项（选项类指标，每行一项）", MAX_OPTIONS)
    rule: Annotated[str, RULE] | None = choice("达标规则")
    threshold: float | None = number("标准值", ge=-1e12, le=1e12)
    met_options: list[OPTION] = json_list("达标选项（每行一项）", MAX_OPTIONS)
    # Shiqian's 十好 actions: a checklist per village, each item one indicator met or not.
    shihao: bool = flag("属石阡“十好”行动清单")
    source: str | None = text("指标来源", 100)


def definition_fits(_session: Session, data: dict[str, Any], _county: str) -> str | None:
    """An indicator's rule fits its kind, and a choice indicator has its options. (Written
    by the admin online, in the console: the server's word here is the only one needed.)"""
    kind, rule, options = data["kind"], data["rule"], data["options"]
    if kind == "choice" and len(options) < 2:
        return "选项类指标至少要有 2 个选项"
    if kind != "choice" and options:
        return "只有选项类指标才有选项"
    if len(set(options)) != len(options):
        return "选项不能重复"
    if rule is None:
        return None
    if RULE_KINDS[rule] != kind:
        return f"达标规则“{RULE.name(rule)}”不适用于{KIND.name(kind)}类指标"
    if kind == "number" and data["threshold"] is None:
        return "请填写标准值"
    if rule == "one_of" and (not data["met_options"] or set(data["met_options"]) - set(options)):
        return "达标选项须从选项中选择"
    return None


INDICATOR = declare(
    RecordType(
        name="indicator",
        label="小康信息库指标",
        schema=IndicatorData,
        county_wide=True,
        writers=frozenset({ADMIN}),
        pulled_by=frozenset({CADRE}),
        # the reports find the collective income by its code (defaults.INCOME_CODE)
        immutable=frozenset({"code"}),
        ref_checks=(definition_fits,),
        title=("code", "name"),
        export=(
            "code",
            "name",
            "group",
            "kind",
            "unit",
            "options",
            "rule",
            "threshold",
            "met_options",
            "shihao",
            "source",
        ),
    )
)


class IndicatorValueData(DataSchema):
    village_code: str = text("村", 12)
    year: int = integer("年度", ge=2000, le=2100)
    indicator_id: str = ref("指标")
    note: str | None = text("说明", 500, lines=True)
    # One of these is used, the one the indicator's kind needs (a choice's option is text).
    value_number: float | None = number("数值", ge=-1e12, le=1e12)
    value_yes: bool | None = flag("是否", default=None)
    value_text: str | None = text("内容", 200)


VALUE_FIELD = {
    "number": "value_number",
    "yes_no": "value_yes",
    "choice": "value_text",
    "text": "value_text",
}
# A fixed namespace: every phone and the server make the same id for the same value.
VALUE_NAMESPACE = uuid.UUID("6f1c5a2e-4d0b-5e7a-9c1d-2b8e3f4a5d6c")


def value_id(village_code: str, year: int, indicator_id: str) -> str:
    """The one id of a village's value of an indicator in a year (pwa/src/villagebase.js
    makes the same: UUIDv5 of ``village/year/indicator``)."""
    return str(uuid.uuid5(VALUE_NAMESPACE, f"{village_code}/{year}/{indicator_id}"))


def value_fits(session: Session, data: dict[str, Any], village: str) -> str | None:
    """The indicator is one of the village's county, and the value is of the kind it asks
    (a choice one of its options); the fields of other kinds stay empty."""
    t = INDICATOR.table
    county = (
        select(TOWNSHIP.c.county_code)
        .join(VILLAGE, VILLAGE.c.township_code == TOWNSHIP.c.code)
        .where(VILLAGE.c.code == village)
        .scalar_subquery()
    )
    row = (
        session.connection()
        .execute(
            select(t.c.name, t.c.kind, t.c.options).where(
                t.c.id == data["indicator_id"], t.c.village_code == county, ~t.c.deleted
            )
        )
        .first()
    )
    if row is None:
        return "指标不存在或已删除（请先同步）"
    used = VALUE_FIELD[row.kind]
    if any(data[f] is not None for f in set(VALUE_FIELD.values()) - {used}):
        return f"“{row.name}”应填{KIND.name(row.kind)}"
    if row.kind == "choice" and data[used] is not None and data[used] not in row.options:
        return f"“{row.name}”请从选项中选择"
    return None


INDICATOR_VALUE = declare(
    RecordType(
        name="indicator_value",
        label="小康信息库指标值",
        schema=IndicatorValueData,
        village_field="village_code",
        immutable=frozenset({"village_code", "year", "indicator_id"}),
        ref_checks=(value_fits,),
        indexes=("indicator_id",),
        title=("year",),
        export=("year", "indicator_id", "value_number", "value_yes", "value_text", "note"),
    )
)
