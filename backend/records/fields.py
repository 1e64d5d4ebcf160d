"""Field-type helpers shared by the record schemas.

A record's ``data`` is validated by a pydantic model (the record's schema) and stored in the
JSON-normal form that model dumps (dates as ISO strings, lists as lists): that form is what
the history keeps, what merges compare and what phones pull, so one value has one spelling.
"""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

JSONType = sa.JSON().with_variant(JSONB(), "postgresql")


def string(max_length: int, *, default: Any = None, **kw: Any) -> Any:
    return Field(default=default, max_length=max_length, sa_type=sa.String(max_length), **kw)


def choice(default: Any = None, **kw: Any) -> Any:
    """A value from a fixed list (a Literal); stored as a short string."""
    return Field(default=default, sa_type=sa.String(24), **kw)


def json_list(max_items: int, **kw: Any) -> Any:
    return Field(default_factory=list, max_length=max_items, sa_type=JSONType, **kw)


def json_obj(**kw: Any) -> Any:
    return Field(default=None, sa_type=JSONType, **kw)


def device_time(**kw: Any) -> Any:
    """A time the phone reported, kept exactly as reported (ISO 8601 with its offset)."""
    return Field(default=None, sa_type=sa.String(40), **kw)


def day(**kw: Any) -> Any:
    return Field(default=None, sa_type=sa.String(10), **kw)
