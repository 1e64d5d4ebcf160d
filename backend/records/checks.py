"""The engine's own checks beyond JSON Schema's, applied from the keywords a field declares.

The same keywords travel to the phone in the published schema and pwa/src/validate.js
applies them there with the same templates (backend/messages.py); tests/records run one set
of cases through both. Field keywords:
- ``x-lines``: tabs and line breaks allowed; otherwise no control character at all;
- ``format: cn-id-number``: the GB 11643 check character;
- ``x-notAfterToday`` / ``x-yearsBack``: a date no later than today (Beijing), and no
  further back than so many years;
- ``x-yearRange``: a phone-reported time within these years (a dead clock says 1970).
Rules across fields of one record (``RecordType.rules``):
- ``not_before``: one date no earlier than another (a follow-up not before its visit);
- ``id_matches``: the birth date and sex typed agree with the ID number;
- ``required_unless``: a field filled in unless another holds one value (a member who left
  says when: 离开日期 unless 在册);
- ``required_when``: a field filled in when another holds one value (a measure marked done
  says when: 实际完成日期 when 已完成).
"""

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from pydantic_core import PydanticCustomError

from backend.messages import TEMPLATES
from backend.records import idnumber
from backend.timeutil import today

# C0 and C1 controls, DEL, and the non-characters U+FFFE/U+FFFF; NUL cannot be stored at all.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ufffe\uffff]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")

Check = Callable[[Any], None]


def _fail(kind: str, **ctx: Any) -> None:
    raise PydanticCustomError(kind, TEMPLATES[kind], ctx)


def _no_control(pattern: re.Pattern[str]) -> Check:
    search = pattern.search

    def check(value: Any) -> None:
        # The hottest check of a push or a demo load: no generator, no wrapping list.
        if type(value) is str:
            if search(value):
                _fail("control_character")
        elif type(value) is list:
            for v in value:
                if type(v) is str and search(v):
                    _fail("control_character")

    return check


def _id_number(value: Any) -> None:
    if isinstance(value, str) and not idnumber.valid(value):
        _fail("id_check")


def _not_after_today(value: Any) -> None:
    if isinstance(value, date) and value > today():
        _fail("not_after_today")


def _years_back(years: int) -> Check:
    def check(value: Any) -> None:
        if isinstance(value, date):
            now = today()
            try:
                earliest = now.replace(year=now.year - years)
            except ValueError:  # 29 February
                earliest = now.replace(year=now.year - years, day=28)
            if value < earliest:
                _fail("years_back", years=years)

    return check


def _year_range(low: int, high: int) -> Check:
    def check(value: Any) -> None:
        if isinstance(value, datetime) and not low <= value.year <= high:
            _fail("year_range")

    return check


def field_checks(keywords: dict[str, Any], is_text: bool) -> list[Check]:
    """The checks one field's keywords ask for (text fields always refuse control chars)."""
    checks: list[Check] = []
    if is_text:
        checks.append(_no_control(_CONTROL_BUT_LINES if keywords.get("x-lines") else _CONTROL))
    if keywords.get("format") == "cn-id-number":
        checks.append(_id_number)
    if keywords.get("x-notAfterToday"):
        checks.append(_not_after_today)
    if (years := keywords.get("x-yearsBack")) is not None:
        checks.append(_years_back(years))
    if (span := keywords.get("x-yearRange")) is not None:
        checks.append(_year_range(*span))
    return checks


# ── rules across fields ─────────────────────────────────────────────────────────────────


def _day(value: Any) -> str | None:
    """The calendar day of a date or of a phone time as the phone wrote it (its own zone)."""
    return value[:10] if isinstance(value, str) and len(value) >= 10 else None


def not_before(field: str, other: str) -> dict[str, Any]:
    return {"rule": "not_before", "field": field, "other": other}


def id_matches(id_field: str, birth: str, sex: str) -> dict[str, Any]:
    return {"rule": "id_matches", "field": id_field, "birth": birth, "sex": sex}


def required_unless(field: str, other: str, value: str, value_label: str) -> dict[str, Any]:
    # the value's Chinese name travels in the rule, so both sides word it alike
    return {
        "rule": "required_unless",
        "field": field,
        "other": other,
        "value": value,
        "value_label": value_label,
    }


def required_when(field: str, other: str, value: str, value_label: str) -> dict[str, Any]:
    return {**required_unless(field, other, value, value_label), "rule": "required_when"}


def apply_rules(
    rules: tuple[dict[str, Any], ...],
    data: dict[str, Any],
    labels: dict[str, str],
    name_of: Callable[[str, Any], Any],
) -> list[tuple[str, str, dict[str, Any]]]:
    """Errors of the cross-field rules on canonical data: (field, error type, ctx).
    ``name_of(field, code)`` is a choice's Chinese name, from the type's declaration."""
    errors: list[tuple[str, str, dict[str, Any]]] = []
    for r in rules:
        if r["rule"] == "not_before":
            mine, theirs = _day(data.get(r["field"])), _day(data.get(r["other"]))
            if mine and theirs and mine < theirs:
                errors.append((r["field"], "not_before", {"other": labels[r["other"]]}))
        elif r["rule"] == "required_unless":
            if data.get(r["other"]) != r["value"] and data.get(r["field"]) in (None, ""):
                ctx = {"other": labels[r["other"]], "value": r["value_label"]}
                errors.append((r["field"], "required_unless", ctx))
        elif r["rule"] == "required_when":
            if data.get(r["other"]) == r["value"] and data.get(r["field"]) in (None, ""):
                ctx = {"other": labels[r["other"]], "value": r["value_label"]}
                errors.append((r["field"], "required_when", ctx))
        elif r["rule"] == "id_matches":
            number = data.get(r["field"])
            if not (isinstance(number, str) and idnumber.valid(number)):
                continue
            born = idnumber.birth_date(number)
            if born and data.get(r["birth"]) and data[r["birth"]] != born.isoformat():
                errors.append((r["birth"], "id_birth_mismatch", {"expected": born.isoformat()}))
            sex = idnumber.sex(number)
            if data.get(r["sex"]) and data[r["sex"]] != sex:
                errors.append((r["sex"], "id_sex_mismatch", {"expected": name_of(r["sex"], sex)}))
    return errors
