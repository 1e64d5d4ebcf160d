"""Conflict review bodies."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class ConflictOut(BaseModel):
    id: str
    type: str
    record_id: str
    village_code: str
    status: str
    # {field: {"base", "stored", "incoming", "winner", "stored_by": {...}}}
    fields: dict[str, dict[str, Any]]
    base_version: int
    version: int
    stored: dict[str, Any]
    incoming: dict[str, Any]
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: int | None
    resolved_by_name: str | None = None
    resolution: dict[str, Any] | None
    clock_skew_flag: bool = False


class ConflictPage(BaseModel):
    items: list[ConflictOut]
    total: int


class FieldChoice(BaseModel):
    # keep what the store had, take what the phone sent, or type a new value
    choice: Literal["stored", "incoming", "value"]
    value: Any = None


class ResolveRequest(BaseModel):
    fields: dict[str, FieldChoice] = Field(min_length=1, max_length=60)


class ResolveAnswer(BaseModel):
    conflict: ConflictOut
    version: int
