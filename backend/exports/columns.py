"""What each export holds: Chinese column headers, and each cell from a joined row.

A record type's own fields come from its declaration (``RecordType.export``: labels,
vocabularies, masking, device times, nested fixes), so a table a county office prints says
what the phones say; the columns around them (place, names, versions) are the export's.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from backend.households.records import HOUSEHOLD, MEMBER
from backend.records import idnumber
from backend.records.fields import Vocab, vocab_of
from backend.records.registry import RecordType
from backend.supervision.records import SPOT_CHECK
from backend.timeutil import BEIJING, as_utc
from backend.visits.records import VISIT

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


def choice(field: str, vocab: Vocab) -> Callable[[Any, Options], Value]:
    return lambda r, _o: vocab.name(r[field])


def choices(field: str, vocab: Vocab) -> Callable[[Any, Options], Value]:
    return lambda r, _o: "、".join(vocab.name(v) for v in (r[field] or []))


def lines(field: str) -> Callable[[Any, Options], Value]:
    return lambda r, _o: "；".join(str(v) for v in (r[field] or []))


def yes_no(field: str) -> Callable[[Any, Options], Value]:
    return lambda r, _o: None if r[field] is None else ("是" if r[field] else "否")


def id_number(field: str) -> Callable[[Any, Options], Value]:
    return lambda r, o: idnumber.mask(r[field]) if o.mask else r[field]


def beijing(value: datetime | None) -> datetime | None:
    """A stored UTC time as Beijing wall-clock time, without a zone (spreadsheets keep none)."""
    if value is None:
        return None
    return as_utc(value).astimezone(BEIJING).replace(tzinfo=None, microsecond=0)


def when(field: str) -> Callable[[Any, Options], Value]:
    return lambda r, _o: beijing(r[field])


def part_of(field: str, part: str) -> Callable[[Any, Options], Value]:
    def cell(r: Any, _o: Options) -> Value:
        fix = r[field]
        value = fix.get(part) if isinstance(fix, dict) else None
        return value if isinstance(value, int | float) else None

    return cell


def skew_flag(r: Any, o: Options) -> Value:
    skew = r["clock_skew_s"]
    return None if skew is None else ("是" if abs(skew) > o.skew_flag_s else "否")


def _nested(annotation: Any) -> Any:
    for arg in getattr(annotation, "__args__", (annotation,)):
        if isinstance(arg, type) and hasattr(arg, "model_fields"):
            return arg
    return None


def data_columns(rt: RecordType) -> list[Column]:
    """The columns of the type's declared export fields, in the declared order."""
    out: list[Column] = []
    labels = rt.labels
    for name in rt.export or ():
        f = rt.schema.model_fields[name]
        label = labels[name]
        vocab, many = vocab_of(f)
        nested = _nested(f.annotation)
        if name in rt.masked:
            out.append(Column(label, id_number(name)))
        elif name in rt.device_times:
            out += [
                Column(f"{label}（校正后，北京时间）", when(f"{name}_corrected")),
                Column(f"{label}（手机上报）", text(name)),
                Column("手机时钟偏差（秒）", text("clock_skew_s")),
                Column("时钟偏差过大", skew_flag),
            ]
        elif vocab is not None:
            out.append(Column(label, choices(name, vocab) if many else choice(name, vocab)))
        elif nested is not None:
            out += [
                Column(sub.title or p, part_of(name, p)) for p, sub in nested.model_fields.items()
            ]
        elif f.annotation in (bool, bool | None):
            out.append(Column(label, yes_no(name)))
        elif getattr(f.annotation, "__origin__", None) is list:
            out.append(Column(label, lines(name)))
        else:
            out.append(Column(label, text(name)))
    return out


def place() -> list[Column]:
    return [Column("乡镇", text("township_name")), Column("村", text("village_name"))]


HOUSEHOLDS = [
    Column("户编号", text("id")),
    *place(),
    Column("村民组", text("group_name")),
    *data_columns(HOUSEHOLD),
    Column("有待处理冲突", yes_no("has_conflict")),
    Column("版本", text("version")),
    Column("最后修改（北京时间）", when("updated_at")),
]

MEMBERS = [
    Column("成员编号", text("id")),
    Column("户编号", text("household_id")),
    *place(),
    Column("户主姓名", text("head_name")),
    *data_columns(MEMBER),
    Column("版本", text("version")),
]

VISITS = [
    Column("走访编号", text("id")),
    Column("户编号", text("household_id")),
    *place(),
    Column("户主姓名", text("head_name")),
    Column("走访干部", text("cadre_name")),
    *data_columns(VISIT),
]


def declared(rt: RecordType) -> list[Column]:
    """The sheet of a type with no joined columns of its own: id, place, fields, version
    (a county-wide type has no place: it is the county's)."""
    return [
        Column("编号", text("id")),
        *([] if rt.county_wide else place()),
        *data_columns(rt),
        Column("版本", text("version")),
    ]


SPOT_CHECKS = [
    Column("抽查编号", text("id")),
    *place(),
    Column("被抽查干部", text("cadre_name")),
    *data_columns(SPOT_CHECK),
    Column("抽查人", text("checker_name")),
]
