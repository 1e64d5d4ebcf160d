"""Request and answer bodies of the auth endpoints."""

from datetime import datetime

from pydantic import BaseModel, Field


class TokenRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    device_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$")
    user_agent: str = Field(default="", max_length=255)


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=16, max_length=200)


class TokenAnswer(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    refresh_token: str


class Me(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    phone: str
    county_code: str
    county_wide: bool
    village_codes: list[str]
    township_codes: list[str]


class DeviceOut(BaseModel):
    id: int
    user_id: int
    username: str
    device_id: str
    user_agent: str
    created_at: datetime
    last_seen_at: datetime | None
    last_sync_at: datetime | None
    clock_skew_s: int | None
    revoked_at: datetime | None
