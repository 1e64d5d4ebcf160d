"""Bodies of the sync contract v1 (docs/DESIGN.md, "The sync contract")."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from backend.database import MAX_INT
from backend.timeutil import PhoneTime

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

OpStatus = Literal["applied", "merged", "conflict", "duplicate", "rejected"]


class Op(BaseModel):
    op_id: str = Field(pattern=UUID_PATTERN)
    type: str = Field(max_length=20)
    id: str = Field(pattern=UUID_PATTERN)
    # null for a create (then ``set`` carries the whole data)
    # bounded like every number that reaches SQL: versions are INTEGER columns
    base_version: int | None = Field(default=None, ge=1, le=MAX_INT)
    set: dict[str, Any] = Field(default_factory=dict, max_length=60)
    unset: list[str] = Field(default_factory=list, max_length=60)
    delete: bool = False
    # when the change was made, by the phone's clock (ISO 8601 with offset)
    recorded_at: PhoneTime | None = None


class PushRequest(BaseModel):
    device_id: str = Field(max_length=64)
    batch_id: str = Field(pattern=UUID_PATTERN)
    device_time: PhoneTime
    # The count limit is checked by the service so that it answers 413 with the limit.
    ops: list[Op]


class OpError(BaseModel):
    code: str
    message: str


class OpResult(BaseModel):
    op_id: str
    status: OpStatus
    id: str
    version: int | None = None
    conflict_id: str | None = None
    error: OpError | None = None
    # On a duplicate: the verdict the op got the first time (a rejection must not be lost
    # because its first answer was).
    first_status: OpStatus | None = None


class PushAnswer(BaseModel):
    server_time: datetime
    clock_skew_s: int
    results: list[OpResult]


class PulledRecord(BaseModel):
    type: str
    id: str
    version: int
    deleted: bool
    has_conflict: bool
    # null for a tombstone; otherwise the fields, plus read-only ones the server derives
    data: dict[str, Any] | None


class PullAnswer(BaseModel):
    records: list[PulledRecord]
    cursor: str
    more: bool
    # Set on a first page or after the caller's villages changed: the villages the phone
    # should hold now; records of any other village can be dropped.
    scope: list[str] | None = None
    reset: bool = False
    # On a first page: how many records follow this page (for a progress bar).
    remaining: int | None = None
