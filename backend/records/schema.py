"""The schema the server publishes (``GET /api/v1/schema``) and phones validate against.

For every record type: its label, scope rule, event flag, title and masked fields, rules and
warnings, and its data as JSON Schema — a plain subset (``type`` with ``null`` for optional
fields, ``maxLength``/``minLength``/``pattern``, ``minimum``/``maximum``, ``enum`` with the
Chinese names in ``x-labels``, ``items``/``maxItems``, nested ``properties``) plus the engine's
keywords (backend/records/checks.py). Field labels are each property's ``title``. The
message templates travel with it, so the phone's refusals read exactly like the server's.
The version is a hash of the whole answer (the ETag): a phone holding an older schema still
syncs, and the server stays the judge.
"""

import hashlib
from functools import lru_cache
from typing import Any

import orjson

from backend.messages import TEMPLATES
from backend.records import idnumber
from backend.records.registry import REGISTRY, RecordType


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """Resolve ``$ref`` and fold ``anyOf: [X, null]`` into ``X`` with ``type: [t, "null"]``."""
    if isinstance(node, list):
        return [_inline(n, defs) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = defs[node["$ref"].rsplit("/", 1)[-1]]
        return _inline({**target, **{k: v for k, v in node.items() if k != "$ref"}}, defs)
    # A schema's docstring ("description") is not sent; a *field* named description is:
    # the keys of ``properties`` are field names, not keywords.
    node = {
        k: {n: _inline(f, defs) for n, f in v.items()} if k == "properties" else _inline(v, defs)
        for k, v in node.items()
        if k not in ("$defs", "description")
    }
    options = node.get("anyOf")
    if isinstance(options, list) and len(options) == 2 and {"type": "null"} in options:
        inner = next(o for o in options if o != {"type": "null"})
        rest = {k: v for k, v in node.items() if k != "anyOf"}
        merged = {**inner, **rest}
        kind = inner.get("type")
        merged["type"] = [kind, "null"] if isinstance(kind, str) else ["null"]
        if "enum" in merged:
            merged["enum"] = [*merged["enum"], None]
        return merged
    return node


def data_schema(rt: RecordType) -> dict[str, Any]:
    raw = rt.schema.model_json_schema(mode="validation")
    out: dict[str, Any] = _inline(raw, raw.get("$defs", {}))
    out["additionalProperties"] = False
    # Every property is validated with its default when missing (pydantic's
    # validate_default), so a missing required field fails as a null would.
    out.pop("required", None)
    out.pop("title", None)
    for name, prop in out["properties"].items():
        factory = rt.schema.model_fields[name].default_factory
        if factory is not None:  # a list's default is an empty one, as the server takes it
            prop["default"] = factory()  # type: ignore[call-arg]
        if isinstance(prop.get("properties"), dict):
            prop["additionalProperties"] = False
    return out


def type_entry(rt: RecordType) -> dict[str, Any]:
    scope: dict[str, Any]
    if rt.county_wide:
        scope = {"county": True}
    elif rt.village_field:
        scope = {"village_field": rt.village_field}
    else:
        scope = {"parent": {"type": rt.parent[0], "field": rt.parent[1]}}  # type: ignore[index]
    return {
        "label": rt.label,
        "scope": scope,
        "event": rt.event,
        "title": list(rt.title),
        "masked": sorted(rt.masked),
        "immutable": sorted(rt.immutable),
        "device_times": list(rt.device_times),
        "derived": rt.derived_columns,
        "max_per_parent": rt.max_per_parent,
        "rules": list(rt.rules),
        "warnings": list(rt.warnings),
        "writers": sorted(rt.writers),
        "pulled_by": sorted(rt.pulled_by),
        "schema": data_schema(rt),
    }


@lru_cache(maxsize=1)
def published() -> tuple[bytes, str]:
    """The schema answer's bytes and its version (computed once: declarations are fixed)."""
    body: dict[str, Any] = {
        "messages": TEMPLATES,
        "mask": {"keep_start": idnumber.MASK_KEEP[0], "keep_end": idnumber.MASK_KEEP[1]},
        "types": {name: type_entry(rt) for name, rt in sorted(REGISTRY.items())},
    }
    version = hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]
    return orjson.dumps({"version": version, **body}), version
