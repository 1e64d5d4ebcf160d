"""Bodies of the county-wide records' list."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class CountyRecord(BaseModel):
    id: str
    version: int  # the base an edit is pushed against
    has_conflict: bool
    data: dict[str, Any]
    updated_at: datetime
    updated_by: str  # the display name of who changed it last


class CountyRecords(BaseModel):
    type: str
    label: str
    records: list[CountyRecord]
    more: bool  # more live records than the limit
