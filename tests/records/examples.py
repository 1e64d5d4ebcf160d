"""Valid records of any declared type, made from its published schema: the tests that must
cover every type (the validation cases, the authorisation matrix's world) need no
hand-written example for a new one."""

from typing import Any

from backend.records.registry import RecordType
from backend.records.schema import type_entry

VALID_ID = "520623197001010018"  # a man born 1970-01-01
# A value of each pattern a field declares (the phone number's is the default).
PATTERN_EXAMPLES = {"^[A-Z]{2}[0-9]{2}$": "JZ01"}  # an indicator's code
# Fields that name a record of another type beyond the scope (its parent): the example
# takes that type's record in the same village (an indicator is the county's).
REFERENCES = {("indicator_value", "indicator_id"): "indicator"}


def types_of(prop: dict[str, Any]) -> list[str]:
    t = prop.get("type", [])
    return t if isinstance(t, list) else [t]


def main_type(prop: dict[str, Any]) -> str:
    return next((t for t in types_of(prop) if t != "null"), "null")


def valid_value(prop: dict[str, Any]) -> Any:
    """A value the field takes."""
    kind = main_type(prop)
    if "enum" in prop:
        return prop["enum"][0]
    if kind == "string":
        fmt = prop.get("format")
        if fmt == "date":
            return "2020-01-01"
        if fmt == "date-time":
            return "2026-11-20T10:00:00+08:00"
        if fmt == "cn-id-number":
            return VALID_ID
        if fmt == "sha256":
            return "0" * 64
        if "pattern" in prop:
            return PATTERN_EXAMPLES.get(prop["pattern"], "13800000000")
        return "字" * max(1, prop.get("minLength", 1))
    if kind == "integer":
        return max(prop.get("minimum", 0), min(prop.get("maximum", 10), 10))
    if kind == "number":
        return prop.get("minimum", 0)
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind == "object":
        return {k: valid_value(p) for k, p in prop["properties"].items()}
    return None


def base_data(entry: dict[str, Any]) -> dict[str, Any]:
    """The required fields of a type (and those with a default), each with a valid value."""
    data = {}
    for name, prop in entry["schema"]["properties"].items():
        if prop.get("default") is not None or "null" not in types_of(prop):
            data[name] = prop["default"] if prop.get("default") is not None else valid_value(prop)
    return data


def example(rt: RecordType, village: str, group: str, parents: dict[str, str]) -> dict[str, Any]:
    """A record of ``rt`` filed in ``village``: its scope field, or its parent's id there."""
    data = base_data(type_entry(rt))
    if rt.village_field:
        data[rt.village_field] = village
    if rt.parent:
        data[rt.parent[1]] = parents[rt.parent[0]]
    for (type_name, name), other in REFERENCES.items():
        if type_name == rt.name:
            data[name] = parents[other]
    if "group_code" in data or "group_code" in rt.fields:
        data["group_code"] = group
    return data


def an_edit(rt: RecordType) -> dict[str, Any]:
    """A change of a plain text field of ``rt`` (none when it has no such field)."""
    props = type_entry(rt)["schema"]["properties"]
    for name, prop in props.items():
        plain = not ({"enum", "format", "pattern"} & set(prop))
        scope = name in (rt.village_field, rt.parent[1] if rt.parent else None)
        if main_type(prop) == "string" and plain and not scope and name not in rt.immutable:
            return {name: "改"}
    return {}
