"""Bodies of the spot-check round API."""

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from backend.supervision.evidence import Evidence

MAX_SEED = 2**53 - 1  # a JavaScript number holds it exactly


class RoundRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Optional, made by the phone: a POST retried after a lost answer finds its round.
    id: uuid.UUID | None = None
    township_code: str | None = Field(default=None, min_length=9, max_length=9)
    seed: int | None = Field(default=None, ge=0, le=MAX_SEED)
    per_township: Literal[1, 2] = 1


class Named(BaseModel):
    code: str
    name: str


class RoundCheck(BaseModel):
    """A spot_check record of this round: one call, got through (``reached``) or not."""

    id: str
    version: int
    village_code: str
    checked_at: str  # as the supervisor's phone reported it
    checked_at_corrected: datetime | None
    reached: bool
    on_post: bool | None
    back_on_post: bool | None
    studied_documents: bool | None
    talks_held: int | None
    recent_work: str | None
    remark: str | None
    checked_by: int


class DrawnCadre(BaseModel):
    cadre_id: int
    name: str
    phone: str
    tel: str | None  # a tel: URI for the call button, None without a number
    active: bool
    township: Named
    # The village to record this cadre's spot_check under (one of theirs, in the township).
    village_code: str
    villages: list[Named]
    weight: float
    recent_checks: int
    checks: list[RoundCheck]  # every call of this round, oldest first
    # Calls that did not get through are attempts; the outcome is the latest call that did
    # (backend/supervision/outcomes.py). No outcome with attempts: 未接通.
    attempts: int = 0
    outcome: RoundCheck | None = None
    evidence: Evidence


class RoundSummary(BaseModel):
    id: str
    county_code: str
    township_code: str | None
    township_codes: list[str]
    county_wide: bool
    seed: int
    drawn_at: datetime
    drawn_by: int
    drawn_by_name: str
    size: int  # cadres drawn
    checked: int  # of them, cadres with a spot_check recorded for this round


class RoundDetail(RoundSummary):
    rule: dict[str, Any]
    pool_size: int
    replayed: bool  # the stored inputs draw exactly the stored cadres again
    cadres: list[DrawnCadre]


class RoundPage(BaseModel):
    items: list[RoundSummary]
    total: int
    offset: int
    limit: int


class RoundAudit(BaseModel):
    """Everything the draw read, to replay it: ``draw.replay(inputs, seed, county_wide)``."""

    id: str
    seed: int
    county_wide: bool
    drawn_at: datetime
    drawn_by: int
    inputs: dict[str, Any]
    drawn: list[int]
    replayed: list[int]
    matches: bool
