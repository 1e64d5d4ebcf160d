"""What each export holds: Chinese column headers, and each cell from a joined row.

The Chinese names of fixed choices are the PWA's (pwa/src/labels.js), so a table a county
office prints says what the phones say.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from backend.supervision.evidence import BEIJING
from backend.sync.pull import mask_id_number
from backend.timeutil import as_utc

CHOICES: dict[str, dict[str, str]] = {
    "poverty_category": {
        "general": "一般贫困户",
        "low_income": "低保户",
        "extreme_poor": "特困供养户",
        "marginal": "边缘易致贫户",
        "non_poor": "非贫困户",
    },
    "poverty_status": {"not_out": "未脱贫", "out": "已脱贫", "monitored": "监测户"},
    "causes": {
        "illness": "因病",
        "disability": "因残",
        "schooling": "因学",
        "no_funds": "缺资金",
        "no_skills": "缺技术",
        "no_labour": "缺劳力",
        "other": "其他",
    },
    "needs": {
        "schooling": "上学",
        "medical": "就医",
        "jobs": "就业",
        "housing": "住房",
        "paperwork": "证件办理",
        "other": "其他",
    },
    "kind": {
        "first_visit": "遍访",
        "revisit": "回访",
        "talk": "谈心谈话",
        "policy": "政策宣讲",
        "other": "其他",
    },
    "relation": {
        "head": "户主",
        "spouse": "配偶",
        "child": "子女",
        "parent": "父母",
        "grandchild": "孙子女",
        "sibling": "兄弟姐妹",
        "other": "其他",
    },
    "sex": {"male": "男", "female": "女"},
    "health": {"healthy": "健康", "chronic": "慢性病", "serious": "大病", "disabled": "残疾"},
    "labour": {"full": "有劳动力", "partial": "弱劳动力", "none": "无劳动力"},
    "schooling": {
        "none": "未上学",
        "preschool": "学龄前",
        "primary": "小学",
        "junior": "初中",
        "senior": "高中",
        "college": "大专及以上",
        "in_school": "在校生",
    },
}

# A cell: text, a number, a Beijing-time datetime (naive), or empty.
Value = str | int | float | datetime | None


@dataclass(frozen=True)
class Options:
    mask: bool  # mask national ID numbers
    skew_flag_s: int


@dataclass(frozen=True)
class Column:
    header: str
    cell: Callable[[Any, Options], Value]


def text(field: str) -> Callable[[Any, Options], Value]:
    return lambda r, _o: r[field]


def choice(field: str, vocab: str | None = None) -> Callable[[Any, Options], Value]:
    labels = CHOICES[vocab or field]
    return lambda r, _o: labels.get(r[field], r[field]) if r[field] is not None else None


def choices(field: str) -> Callable[[Any, Options], Value]:
    labels = CHOICES[field]
    return lambda r, _o: "、".join(labels.get(v, v) for v in (r[field] or []))


def yes_no(field: str) -> Callable[[Any, Options], Value]:
    return lambda r, _o: None if r[field] is None else ("是" if r[field] else "否")


def id_number(field: str) -> Callable[[Any, Options], Value]:
    return lambda r, o: mask_id_number(r[field]) if o.mask else r[field]


def beijing(value: datetime | None) -> datetime | None:
    """A stored UTC time as Beijing wall-clock time, without a zone (spreadsheets keep none)."""
    if value is None:
        return None
    return as_utc(value).astimezone(BEIJING).replace(tzinfo=None, microsecond=0)


def when(field: str) -> Callable[[Any, Options], Value]:
    return lambda r, _o: beijing(r[field])


def gps(part: str) -> Callable[[Any, Options], Value]:
    def cell(r: Any, _o: Options) -> Value:
        fix = r["gps"]
        value = fix.get(part) if isinstance(fix, dict) else None
        return value if isinstance(value, int | float) else None

    return cell


def skew_flag(r: Any, o: Options) -> Value:
    skew = r["clock_skew_s"]
    return None if skew is None else ("是" if abs(skew) > o.skew_flag_s else "否")


def _place() -> list[Column]:
    return [Column("乡镇", text("township_name")), Column("村", text("village_name"))]


HOUSEHOLDS = [
    Column("户编号", text("id")),
    *_place(),
    Column("村民组", text("group_name")),
    Column("户主姓名", text("head_name")),
    Column("身份证号", id_number("id_number")),
    Column("联系电话", text("phone")),
    Column("住址", text("address")),
    Column("户类别", choice("poverty_category")),
    Column("脱贫状态", choice("poverty_status")),
    Column("致贫原因", choices("causes")),
    Column("人均纯收入（元）", text("income_per_head")),
    Column("结对帮扶干部", text("pairing_cadre")),
    Column("易地扶贫搬迁", yes_no("relocated")),
    Column("精扶贷", yes_no("relief_loan")),
    Column("帮扶措施（一户一策）", lambda r, _o: "；".join(r["measures"] or [])),
    Column("备注", text("remark")),
    Column("有待处理冲突", yes_no("has_conflict")),
    Column("版本", text("version")),
    Column("最后修改（北京时间）", when("updated_at")),
]

MEMBERS = [
    Column("成员编号", text("id")),
    Column("户编号", text("household_id")),
    *_place(),
    Column("户主姓名", text("head_name")),
    Column("姓名", text("name")),
    Column("身份证号", id_number("id_number")),
    Column("与户主关系", choice("relation")),
    Column("性别", choice("sex")),
    Column("出生日期", text("birth_date")),
    Column("健康状况", choice("health")),
    Column("劳动能力", choice("labour")),
    Column("文化程度", choice("schooling")),
    Column("版本", text("version")),
]

VISITS = [
    Column("走访编号", text("id")),
    Column("户编号", text("household_id")),
    *_place(),
    Column("户主姓名", text("head_name")),
    Column("走访干部", text("cadre_name")),
    Column("走访类型", choice("kind")),
    Column("走访时间（校正后，北京时间）", when("occurred_at_corrected")),
    Column("走访时间（手机上报）", text("occurred_at")),
    Column("手机时钟偏差（秒）", text("clock_skew_s")),
    Column("时钟偏差过大", skew_flag),
    Column("纬度", gps("lat")),
    Column("经度", gps("lon")),
    Column("定位精度（米）", gps("accuracy_m")),
    Column("走访记录", text("notes")),
    Column("发现的需求", choices("needs")),
    Column("下次回访日期", text("follow_up_on")),
]

SPOT_CHECKS = [
    Column("抽查编号", text("id")),
    Column("抽查轮次", text("round_id")),
    *_place(),
    Column("被抽查干部", text("cadre_name")),
    Column("抽查时间（校正后，北京时间）", when("checked_at_corrected")),
    Column("是否接通", yes_no("reached")),
    Column("是否在岗", yes_no("on_post")),
    Column("是否返岗", yes_no("back_on_post")),
    Column("是否传达学习上级文件", yes_no("studied_documents")),
    Column("谈心谈话次数", text("talks_held")),
    Column("近期工作", text("recent_work")),
    Column("备注", text("remark")),
    Column("抽查人", text("checker_name")),
]
