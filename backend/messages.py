"""Validation errors as a cadre can read them: the field's Chinese name and the rule.

Pydantic's messages are English ("String should have at most 50 characters"); a rejected op
is shown on the phone as it is, so each error type becomes one Chinese sentence with its
limit.
"""

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

FIELD_LABELS = {
    "village_code": "村",
    "group_code": "村民组",
    "head_name": "户主姓名",
    "address": "住址",
    "id_number": "身份证号",
    "phone": "电话",
    "poverty_category": "贫困户类别",
    "poverty_status": "脱贫状态",
    "causes": "致贫原因",
    "income_per_head": "人均纯收入",
    "pairing_cadre": "结对帮扶干部",
    "relocated": "易地扶贫搬迁",
    "relief_loan": "精扶贷",
    "measures": "帮扶措施",
    "remark": "备注",
    "household_id": "所属农户",
    "name": "姓名",
    "relation": "与户主关系",
    "sex": "性别",
    "birth_date": "出生日期",
    "health": "健康状况",
    "labour": "劳动能力",
    "schooling": "文化程度",
    "kind": "类型",
    "occurred_at": "走访时间",
    "gps": "定位",
    "lat": "纬度",
    "lon": "经度",
    "accuracy_m": "定位精度",
    "notes": "记录",
    "needs": "发现的需求",
    "follow_up_on": "回访日期",
    "title": "标题",
    "width": "宽度",
    "height": "高度",
    "map_id": "所属地图",
    "pen": "笔",
    "points": "笔画点",
    "x": "横坐标",
    "y": "纵坐标",
    "text": "文字",
    "cadre_id": "被抽查干部",
    "round_id": "抽查轮次",
    "checked_at": "抽查时间",
    "reached": "是否接通",
    "on_post": "是否在岗",
    "back_on_post": "是否返岗",
    "studied_documents": "是否传达学习",
    "talks_held": "谈心谈话次数",
    "recent_work": "近期工作",
}

_TEMPLATES = {
    "missing": "必填",
    "string_too_long": "最多 {max_length} 个字",
    "string_too_short": "至少 {min_length} 个字",
    "too_long": "最多 {max_length} 项",
    "too_short": "至少 {min_length} 项",
    "string_pattern_mismatch": "格式不正确",
    "literal_error": "取值无效（可选：{expected}）",
    "enum": "取值无效（可选：{expected}）",
    "greater_than_equal": "不能小于 {ge}",
    "less_than_equal": "不能大于 {le}",
    "greater_than": "必须大于 {gt}",
    "less_than": "必须小于 {lt}",
    "extra_forbidden": "未知字段",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为是或否",
    "bool_type": "应为是或否",
    "string_type": "应为文字",
    "list_type": "应为列表",
    "date_from_datetime_parsing": "日期格式不正确",
    "date_parsing": "日期格式不正确",
    "datetime_from_date_parsing": "时间格式不正确",
    "datetime_parsing": "时间格式不正确",
    "timezone_aware": "时间须带时区",
}


def _field(loc: tuple[Any, ...]) -> str:
    names = [
        FIELD_LABELS.get(str(p), str(p)) for p in loc if not isinstance(p, int) and p != "body"
    ]
    items = [f"第 {p + 1} 项" for p in loc if isinstance(p, int)]
    return "·".join(names) + (f"（{'、'.join(items)}）" if items else "")


def describe(exc: ValidationError, limit: int = 5) -> str:
    """One line per error: 「户主姓名：最多 50 个字」."""
    return describe_errors(exc.errors(), limit)


def describe_errors(errors: Sequence[Any], limit: int = 5) -> str:
    """The same for pydantic's error dicts (a request body's, say)."""
    parts = []
    for e in errors[:limit]:
        template = _TEMPLATES.get(e["type"])
        if template:
            try:
                rule = template.format(**(e.get("ctx") or {}))
            except (KeyError, IndexError):
                rule = template.split("{")[0].rstrip("（ ")
        else:
            rule = str(e.get("msg", "")).removeprefix("Value error, ")
        field = _field(tuple(e.get("loc", ())))
        parts.append(f"{field}：{rule}" if field else rule)
    return "；".join(parts)
