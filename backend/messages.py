"""Validation errors as a cadre can read them: the field's Chinese name and the rule.

Pydantic's messages are English ("String should have at most 50 characters"); a rejected op
is shown on the phone as it is, so each error type becomes one Chinese sentence with its
limit. The templates are published with the schema (backend/records/schema.py): the phone
words its own checks with these very templates, so both sides say the same thing.
"""

from collections.abc import Mapping, Sequence
from typing import Any

# Error type → the rule in Chinese; ``{…}`` are the limits pydantic (or the phone) names.
TEMPLATES = {
    "missing": "必填",
    "required": "必填",
    "string_too_long": "最多 {max_length} 个字",
    "string_too_short": "至少 {min_length} 个字",
    "too_long": "最多 {max_length} 项",
    "too_short": "至少 {min_length} 项",
    "string_pattern_mismatch": "格式不正确",
    "literal_error": "不在可选范围内",
    "enum": "不在可选范围内",
    "greater_than_equal": "不能小于 {ge}",
    "less_than_equal": "不能大于 {le}",
    "greater_than": "必须大于 {gt}",
    "less_than": "必须小于 {lt}",
    "extra_forbidden": "未知字段",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "bool_parsing": "应为是或否",
    "bool_type": "应为是或否",
    "string_type": "应为文字",
    "list_type": "应为列表",
    "dict_type": "格式不正确",
    "model_type": "格式不正确",
    "model_attributes_type": "格式不正确",
    "date_from_datetime_parsing": "日期格式不正确",
    "date_from_datetime_inexact": "日期格式不正确",
    "date_parsing": "日期格式不正确",
    "date_type": "日期格式不正确",
    "datetime_from_date_parsing": "时间格式不正确",
    "datetime_parsing": "时间格式不正确",
    "datetime_type": "时间格式不正确",
    "timezone_aware": "时间须带时区",
    "iso_type": "日期或时间格式不正确",
    # The engine's own checks (backend/records/checks.py)
    "control_character": "不能含有控制字符",
    "id_check": "校验码不正确，请核对身份证号",
    "not_after_today": "不能晚于今天",
    "years_back": "不能早于 {years} 年前",
    "year_range": "时间超出范围（1900–2199 年），请检查手机时钟",
    "not_before": "不能早于{other}",
    "required_unless": "{other}为“{value}”以外时必须填写",
    "required_when": "{other}为“{value}”时必须填写",
    "id_birth_mismatch": "与身份证号不符（应为 {expected}）",
    "id_sex_mismatch": "与身份证号不符（应为{expected}）",
}
# The types that mean "a value is needed here" when the value given is null.
_NULL_TYPES = {
    "string_type",
    "int_type",
    "float_type",
    "bool_type",
    "list_type",
    "literal_error",
    "date_type",
    "datetime_type",
    "dict_type",
    "model_type",
}


class InvalidData(Exception):
    """A record's data broke its schema: ``errors`` one ``{field, message}`` each, and
    ``message`` all of them on one line for a person."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        self.errors = errors
        self.message = "；".join(
            f"{e['label']}：{e['message']}" if e["label"] else e["message"] for e in errors[:5]
        )
        super().__init__(self.message)


def rule(error_type: str, ctx: Mapping[str, Any] | None, fallback: str = "") -> str:
    template = TEMPLATES.get(error_type)
    if template is None:
        return fallback.removeprefix("Value error, ") or "取值无效"
    # 90.0 reads as 90, as a phone's JavaScript writes it
    ctx = {
        k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in (ctx or {}).items()
    }
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template.split("{")[0].rstrip("（ ")


def _label(loc: Sequence[Any], labels: Mapping[str, str]) -> str:
    names = [labels.get(str(p), str(p)) for p in loc if not isinstance(p, int) and p != "body"]
    items = [f"第 {p + 1} 项" for p in loc if isinstance(p, int)]
    return "·".join(names) + (f"（{'、'.join(items)}）" if items else "")


def errors_of(raw: Sequence[Any], labels: Mapping[str, str]) -> list[dict[str, str]]:
    """Pydantic's error dicts as ``{field, label, message}``; ``labels`` names the fields
    (a record type's, with its nested objects' fields)."""
    out = []
    for e in raw:
        loc = tuple(e.get("loc", ()))
        kind = e["type"]
        if kind in _NULL_TYPES and e.get("input", ...) is None:
            kind = "required"
        out.append(
            {
                "field": ".".join(str(p) for p in loc),
                "label": _label(loc, labels),
                "message": rule(kind, e.get("ctx"), str(e.get("msg", ""))),
            }
        )
    return out


def describe_errors(errors: Sequence[Any], limit: int = 5, labels: Mapping[str, str] = {}) -> str:
    """One line for a request body's errors: 「户主姓名：最多 50 个字；…」."""
    return InvalidData(errors_of(list(errors)[:limit], labels)).message
