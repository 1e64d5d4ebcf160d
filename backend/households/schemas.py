"""County read API bodies: household lists and one household's whole file."""

from typing import Any

from pydantic import BaseModel

from backend.sync.schemas import PulledRecord


class HouseholdSummary(BaseModel):
    id: str
    version: int
    village_code: str
    group_code: str | None
    head_name: str
    id_number: str | None
    poverty_status: str
    poverty_category: str
    has_conflict: bool
    members: int


class HouseholdPage(BaseModel):
    items: list[HouseholdSummary]
    total: int
    offset: int
    limit: int


class HouseholdFile(BaseModel):
    household: PulledRecord
    members: list[PulledRecord]
    visits: list[PulledRecord]
    history: list[dict[str, Any]]
    # The visits' photos (their bytes: GET /api/v1/photos/{id}, /thumbnail), latest first.
    photos: list[PulledRecord] = []
