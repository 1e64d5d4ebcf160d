"""Every record type the sync engine knows, each declared once, in its own domain.

A domain declares a type in ``backend/<domain>/records.py`` with ``declare(RecordType(…))``:
its data schema (fields with zh-CN labels, limits and vocabularies: backend/records/fields.py),
how its village (its scope) is found, whether it is an event, who may write and read it,
its cross-field rules, its normalisation, its export columns and the fields that title it.
From that one declaration come its table (generated here: the record columns, the data
columns, and ``<field>_corrected`` + ``clock_skew_s`` for each device-reported time), the
schema phones validate against (backend/records/schema.py), and every engine path: push,
pull, conflicts, exports. The engine never grows a branch for one type.

``load()`` imports every domain's ``records.py``; the engine itself imports no domain.
"""

import importlib
import pkgutil
import types
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property
from typing import Any, get_args

import sqlalchemy as sa
from pydantic import ValidationError
from pydantic_core import PydanticCustomError, PydanticUndefined
from sqlalchemy import Table
from sqlmodel import Field, Session, SQLModel

from backend.messages import InvalidData, errors_of, rule
from backend.records.checks import Check, apply_rules, field_checks
from backend.records.fields import vocab_of
from backend.records.models import DataSchema, RecordColumns, record_indexes

# Checks a valid record's references beyond its schema; answers an error message or None.
RefCheck = Callable[[Session, dict[str, Any], str], str | None]

CADRE, SUPERVISOR, ADMIN = "cadre", "supervisor", "admin"
# Roles that see whole ID numbers: the cadre who keeps the file, and the county's admin.
UNMASKED_ROLES = frozenset({CADRE, ADMIN})


@dataclass(frozen=True)
class RecordType:
    name: str
    label: str  # the Chinese name, for messages and screens
    schema: type[DataSchema]
    # Where the village comes from: a field of the data itself, or the parent record; or
    # none at all: a county-wide type (the county's indicator definitions, its assistance
    # menu, its policy book) is filed under the writer's county and read by all of it.
    village_field: str | None = None
    parent: tuple[str, str] | None = None  # (parent type, field holding the parent's id)
    county_wide: bool = False
    # Fields fixed at creation: they decide the scope, so changing them would move a record
    # out of sight of the people who hold it.
    immutable: frozenset[str] = frozenset()
    # Events (visits, spot checks) are created once and corrected only by their author.
    event: bool = False
    writers: frozenset[str] = frozenset({CADRE, ADMIN})
    readers: frozenset[str] = frozenset({CADRE, SUPERVISOR, ADMIN})
    # Whose phones hold a copy (pull): a phone holds what its user works on in the field.
    # Supervisors and admins read family files online; a county's worth would not fit.
    pulled_by: frozenset[str] = frozenset({CADRE})
    # ID numbers: masked for every role not in UNMASKED_ROLES.
    masked: frozenset[str] = frozenset()
    ref_checks: tuple[RefCheck, ...] = ()
    # Rules across fields (backend/records/checks.py), checked on both sides.
    rules: tuple[dict[str, Any], ...] = ()
    # Odd but possible changes the phone asks the cadre to confirm; never refused here.
    warnings: tuple[dict[str, Any], ...] = ()
    # Brings valid data to the form the store keeps (e.g. simplifies a very long stroke).
    normalize: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    # At most this many live records under one parent (elements of a map, members of a household).
    max_per_parent: int | None = None
    # Data columns with an index of their own (pulls' village+seq index is always there).
    indexes: tuple[str, ...] = ()
    # The fields that name a record to a person ("龙再华", "遍访 11-20 10:00").
    title: tuple[str, ...] = ()
    # The data fields an export of this type holds, in order; () for none (a type that
    # is not a table a county office reads, like a map's strokes). Required: a new type
    # must say.
    export: tuple[str, ...] | None = None
    model: Any = field(default=None, compare=False)

    @property
    def table(self) -> Table:
        return self.model.__table__  # type: ignore[no-any-return]

    # Derived from the declaration once: the push hot path reads them for every op.
    @cached_property
    def fields(self) -> list[str]:
        return list(self.schema.model_fields)

    @cached_property
    def labels(self) -> dict[str, str]:
        """Field → Chinese label, nested objects' fields included (for messages)."""
        return _labels(self.schema)

    @cached_property
    def device_times(self) -> tuple[str, ...]:
        """Times the phone reported; the table keeps ``<field>_corrected`` beside each."""
        return tuple(
            name for name, f in self.schema.model_fields.items() if _keywords(f).get("x-deviceTime")
        )

    @cached_property
    def derived_columns(self) -> list[str]:
        """Server-computed columns sent to phones beside the data (read-only)."""
        extra = [f"{f}_corrected" for f in self.device_times]
        return extra + (["clock_skew_s"] if self.device_times else [])

    @cached_property
    def _keyword_checks(self) -> tuple[tuple[str, tuple[Check, ...]], ...]:
        """Each field's engine keywords as checks (backend/records/checks.py)."""
        out = []
        for name, f in self.schema.model_fields.items():
            # a choice holds one of its codes: no text a person typed, nothing to check
            checks = field_checks(_keywords(f), _typed_text(f))
            if checks:
                out.append((name, tuple(checks)))
        return tuple(out)

    @cached_property
    def _iso_fields(self) -> tuple[str, ...]:
        return tuple(n for n, f in self.schema.model_fields.items() if _keywords(f).get("x-iso"))

    @cached_property
    def _defaults(self) -> tuple[tuple[str, Any, Callable[[], Any] | None], ...]:
        return tuple(
            (name, f.default, f.default_factory)  # type: ignore[misc]
            for name, f in self.schema.model_fields.items()
            if f.default_factory is not None or f.default is not PydanticUndefined
        )

    def completed(self, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` with each field it leaves out at its default, NOT validated: what
        ``canonical`` answers for data made in the store's form already, by a writer that
        checks itself (the demo county's loader, by sample: backend/demo/load.py)."""
        out = {name: factory() if factory else default for name, default, factory in self._defaults}
        out.update(data)
        return out

    def _choice_name(self, field: str, code: Any) -> Any:
        vocab = vocab_of(self.schema.model_fields[field])[0]
        return vocab.name(code) if vocab else code

    def _failed(self, name: str, kind: str, ctx: Any = None) -> dict[str, str]:
        return {"field": name, "label": self.labels[name], "message": rule(kind, ctx)}

    def canonical(self, data: dict[str, Any]) -> dict[str, Any]:
        """Validate ``data`` against the schema, the engine's keywords and the type's rules,
        and answer the one JSON spelling the store keeps. Raises InvalidData (Chinese, field
        by field). (pydantic-core directly: SQLModel's own model_validate wrapper costs as
        much again, and this is the push hot path.)"""
        # Dates and times travel as ISO text: pydantic would also take a number (seconds
        # since 1970), which no phone means and the phone's own check refuses.
        for name in self._iso_fields:
            value = data.get(name)
            if value is not None and not isinstance(value, str):
                raise InvalidData([self._failed(name, "iso_type")])
        schema = self.schema
        try:
            # What SQLModel's ``__init__`` does inside ``validate_python(data)``: validate
            # into a new instance. Called directly it skips the outer pass and the Python
            # wrapper around it, a third of a record's validation (1.5-2 s of the demo
            # county's build); the same fields come out (tests/demo/test_demo.py).
            obj = schema.__new__(schema)
            schema.__pydantic_validator__.validate_python(data, self_instance=obj)
        except ValidationError:
            try:  # errors worded exactly as they always were
                obj = schema.__pydantic_validator__.validate_python(data)
            except ValidationError as exc:
                raise InvalidData(errors_of(exc.errors(), self.labels)) from exc
        failed = []
        for name, checks in self._keyword_checks:
            value = obj.__dict__[name]
            for check in checks:
                try:
                    check(value)
                except PydanticCustomError as exc:
                    failed.append(self._failed(name, exc.type, exc.context))
                    break
        if failed:
            raise InvalidData(failed)
        out: dict[str, Any] = self.schema.__pydantic_serializer__.to_python(obj, mode="json")
        if self.rules:
            labels = self.labels
            errors = apply_rules(self.rules, out, labels, self._choice_name)
            if errors:
                raise InvalidData(
                    [
                        {"field": f, "label": labels[f], "message": rule(kind, ctx)}
                        for f, kind, ctx in errors
                    ]
                )
        return self.normalize(out) if self.normalize else out


def _typed_text(f: Any) -> bool:
    """Whether a field holds text a person types (str, or a list of str), not a choice."""
    if vocab_of(f)[0] is not None:
        return False
    pending = [f.annotation]
    while pending:
        t = pending.pop()
        if t is str:
            return True
        pending += get_args(t)
    return False


def _keywords(f: Any) -> dict[str, Any]:
    return f.json_schema_extra if isinstance(f.json_schema_extra, dict) else {}


def _labels(schema: type[Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, f in schema.model_fields.items():
        out[name] = f.title or name
        for arg in getattr(f.annotation, "__args__", (f.annotation,)):
            if isinstance(arg, type) and hasattr(arg, "model_fields"):
                out.update({k: v for k, v in _labels(arg).items() if k not in out})
    return out


REGISTRY: dict[str, RecordType] = {}


def _table_model(rt: RecordType) -> type[SQLModel]:
    """The type's table: the record columns, its data columns, and the corrected times."""
    annotations: dict[str, Any] = {}
    attrs: dict[str, Any] = {
        "__tablename__": rt.name,
        "__table_args__": record_indexes(rt.name, *rt.indexes),
        "__module__": rt.schema.__module__,
    }
    if rt.county_wide:
        # The scope column holds the county's code: one column, so that every engine path
        # (push, pull, history, conflicts) files and checks records the same way.
        annotations["village_code"] = str
        attrs["village_code"] = Field(foreign_key="county.code", max_length=12)
    for f in rt.device_times:
        annotations[f"{f}_corrected"] = datetime | None
        attrs[f"{f}_corrected"] = Field(default=None, sa_type=sa.DateTime(timezone=True))
    if rt.device_times:
        annotations["clock_skew_s"] = int | None
        attrs["clock_skew_s"] = None
    attrs["__annotations__"] = annotations
    class_name = "".join(p.title() for p in rt.name.split("_"))
    model: type[SQLModel] = types.new_class(
        class_name, (RecordColumns, rt.schema), {"table": True}, lambda ns: ns.update(attrs)
    )
    return model


def declare(rt: RecordType) -> RecordType:
    """Register a type with the engine and make its table; answers the registered type."""
    if rt.name in REGISTRY:
        return REGISTRY[rt.name]
    if sum((rt.village_field is not None, rt.parent is not None, rt.county_wide)) != 1:
        raise ValueError(f"{rt.name}: give its scope as one of village_field, parent, county_wide")
    if rt.export is None:
        raise ValueError(f"{rt.name}: declare its export columns (export=() for none)")
    unknown = {*rt.immutable, *rt.masked, *rt.indexes, *rt.title, *rt.export} - {
        *rt.fields,
        *rt.derived_columns,
        "created_by",
    }
    if unknown:
        raise ValueError(f"{rt.name}: fields not in its schema: {sorted(unknown)}")
    declared = replace(rt, model=_table_model(rt))
    REGISTRY[rt.name] = declared
    return declared


def load() -> dict[str, RecordType]:
    """Import every domain's declarations (``backend/<domain>/records.py``)."""
    import backend

    for mod in pkgutil.iter_modules(backend.__path__):
        if mod.ispkg and importlib.util.find_spec(f"backend.{mod.name}.records"):
            importlib.import_module(f"backend.{mod.name}.records")
    return REGISTRY


def get(name: str) -> RecordType | None:
    return REGISTRY.get(name)
