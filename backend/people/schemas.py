"""People and devices at the county: accounts, assignments, sync health."""

from datetime import datetime

from pydantic import BaseModel, Field

from backend.auth.models import Role
from backend.xmltext import ONE_LINE


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    phone: str
    is_active: bool
    county_wide: bool
    village_codes: list[str]
    township_codes: list[str]
    devices: int
    last_sync_at: datetime | None


class UserCreate(BaseModel):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    password: str = Field(min_length=8, max_length=256)
    role: Role
    display_name: str = Field(default="", max_length=50, pattern=ONE_LINE)
    phone: str = Field(default="", max_length=20)
    villages: list[str] = Field(default_factory=list, max_length=50)
    townships: list[str] = Field(default_factory=list, max_length=30)


class UserUpdate(BaseModel):
    display_name: str | None = Field(default=None, max_length=50, pattern=ONE_LINE)
    phone: str | None = Field(default=None, max_length=20)
    is_active: bool | None = None
    villages: list[str] | None = Field(default=None, max_length=50)
    townships: list[str] | None = Field(default=None, max_length=30)


class PasswordReset(BaseModel):
    password: str = Field(min_length=8, max_length=256)


class CadreSyncHealth(BaseModel):
    user_id: int
    username: str
    display_name: str
    phone: str
    village_codes: list[str]
    devices: int
    last_sync_at: datetime | None
    days_since_sync: int | None
    stale: bool
    max_clock_skew_s: int | None
    open_conflicts: int
    rejected_ops_30d: int
