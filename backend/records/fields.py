"""Field types of the record schemas: each carries its zh-CN label, its limits and, for a
choice, its vocabulary, so a type is declared once and everything else reads it.

A record's ``data`` is validated by a pydantic model (the record's schema) and stored in the
JSON-normal form that model dumps (dates as ISO strings, lists as lists): that form is what
the history keeps, what merges compare and what phones pull, so one value has one spelling.

Every helper returns a SQLModel ``Field``: the column type the generated table gets
(``sa_type``), the pydantic constraints checked on every write, the label (``title``) and
the engine's own keywords (``x-…``) that both the server (backend/records/checks.py) and the
phone (pwa/src/validate.js) apply, from the schema the server publishes.
"""

from typing import Any

import sqlalchemy as sa
from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic_core import CoreSchema, core_schema
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

JSONType = sa.JSON().with_variant(JSONB(), "postgresql")

ID_NUMBER_PATTERN = r"^[0-9]{17}[0-9Xx]$"
PHONE_PATTERN = r"^[0-9+\- ]{5,20}$"


class Vocab:
    """A fixed list of choices with their Chinese names, in the order a form shows them.

    Used as ``Annotated[str, VOCAB]``: pydantic checks the value is one of the codes, the
    published schema carries the codes (``enum``) and their names (``x-labels``).
    """

    def __init__(self, **labels: str) -> None:
        self.labels = labels

    def __get_pydantic_core_schema__(
        self, _source: Any, _handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.literal_schema(list(self.labels))

    def __get_pydantic_json_schema__(
        self, _schema: CoreSchema, _handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.labels), "x-labels": dict(self.labels)}

    def __contains__(self, code: object) -> bool:
        return code in self.labels

    def name(self, code: Any) -> Any:
        return self.labels.get(code, code) if code is not None else None


def vocab_of(info: Any) -> tuple["Vocab | None", bool]:
    """The vocabulary of a choice field (a pydantic FieldInfo), and whether it holds a list
    of them. Pydantic keeps a bare ``Annotated``'s metadata on the field, not the type."""
    for arg in getattr(info, "metadata", ()):
        if isinstance(arg, Vocab):
            return arg, False
    return _vocab_in(info.annotation)


def _vocab_in(annotation: Any) -> tuple["Vocab | None", bool]:
    for arg in getattr(annotation, "__metadata__", ()):
        if isinstance(arg, Vocab):
            return arg, False
    for arg in getattr(annotation, "__args__", ()):
        vocab, many = _vocab_in(arg)
        if vocab is not None:
            return vocab, many or getattr(annotation, "__origin__", None) is list
    return None, False


def _extra(label: str, **keywords: Any) -> dict[str, Any]:
    return {"title": label, "schema_extra": {"json_schema_extra": keywords} if keywords else {}}


def text(
    label: str,
    max_length: int,
    *,
    min_length: int | None = None,
    pattern: str | None = None,
    lines: bool = False,
    id_number: bool = False,
    default: Any = None,
) -> Any:
    """Text a person types. Control characters are refused (they make the SVGs and exports
    unreadable); tabs and line breaks only where the field is ``lines`` (a note, say)."""
    keywords: dict[str, Any] = {"x-lines": True} if lines else {}
    if id_number:
        keywords["format"] = "cn-id-number"
        pattern = ID_NUMBER_PATTERN
    kw: dict[str, Any] = {"min_length": min_length} if min_length is not None else {}
    extra = _extra(label, **keywords)
    if pattern:
        # pydantic's own keyword, passed through: SQLModel's ``regex=`` is pydantic 1's
        # spelling and pydantic 2 ignores it (the pattern was then checked nowhere).
        extra["schema_extra"] = {**extra["schema_extra"], "pattern": pattern}
    return Field(
        default=default,
        max_length=max_length,
        sa_type=sa.String(max_length),
        **kw,
        **extra,
    )


def ref(label: str) -> Any:
    """The id of another record (a UUID made on the phone)."""
    return Field(default=None, max_length=36, sa_type=sa.String(36), **_extra(label))


def choice(label: str, default: Any = None) -> Any:
    """One value of a ``Vocab`` (the annotation names it); stored as a short string."""
    return Field(default=default, sa_type=sa.String(24), **_extra(label))


def choices(label: str, max_items: int) -> Any:
    """Several values of a ``Vocab`` (``list[Annotated[str, VOCAB]]``); one JSON field."""
    return Field(default_factory=list, max_length=max_items, sa_type=JSONType, **_extra(label))


def integer(label: str, *, ge: int, le: int, default: Any = None) -> Any:
    return Field(default=default, ge=ge, le=le, **_extra(label))


def number(label: str, *, ge: float, le: float, default: Any = None) -> Any:
    """A number that may have a fraction (a ratio in per cent, a sum in yuan)."""
    return Field(default=default, ge=ge, le=le, sa_type=sa.Float, **_extra(label))


def flag(label: str, default: bool | None = False) -> Any:
    return Field(default=default, **_extra(label))


def json_list(label: str, max_items: int) -> Any:
    return Field(default_factory=list, max_length=max_items, sa_type=JSONType, **_extra(label))


def json_obj(label: str) -> Any:
    return Field(default=None, sa_type=JSONType, **_extra(label))


def device_time(label: str) -> Any:
    """A time the phone reported, kept exactly as reported (ISO 8601 with its offset); the
    engine adds ``<field>_corrected`` for the phone's clock skew (see RecordType). Years
    1900–2199: a phone's clock can be decades off (a dead battery says 1970), but a time near
    the calendar's ends overflows once corrected by the skew."""
    return Field(
        default=None,
        sa_type=sa.String(40),
        **_extra(label, **{"x-deviceTime": True, "x-yearRange": [1900, 2199], "x-iso": True}),
    )


def day(label: str, *, not_after_today: bool = False, years_back: int | None = None) -> Any:
    """A calendar date; optionally no later than today, and no more than ``years_back``."""
    keywords: dict[str, Any] = {"x-iso": True}
    if not_after_today:
        keywords["x-notAfterToday"] = True
    if years_back is not None:
        keywords["x-yearsBack"] = years_back
    return Field(default=None, sa_type=sa.String(10), **_extra(label, **keywords))
