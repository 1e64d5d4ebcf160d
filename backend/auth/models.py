"""Users, their geographic assignments, their phones (devices) and refresh tokens."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from backend.timeutil import utcnow


class Role(StrEnum):
    cadre = "cadre"
    supervisor = "supervisor"
    admin = "admin"


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    password_hash: str = Field(max_length=255)
    display_name: str = Field(default="", max_length=50)
    role: str = Field(max_length=16)
    phone: str = Field(default="", max_length=20)
    county_code: str = Field(foreign_key="county.code", max_length=6)
    # Admins, and supervisors of the county organisation department, see the whole county;
    # everyone else sees only the villages or townships assigned below.
    county_wide: bool = False
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class UserVillage(SQLModel, table=True):
    __tablename__ = "user_village"

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    village_code: str = Field(foreign_key="village.code", primary_key=True, max_length=12)


class UserTownship(SQLModel, table=True):
    __tablename__ = "user_township"

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    township_code: str = Field(foreign_key="township.code", primary_key=True, max_length=9)


class Device(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("user_id", "device_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    device_id: str = Field(max_length=64)
    user_agent: str = Field(default="", max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    last_seen_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    last_sync_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    clock_skew_s: int | None = None
    # Counted up by each logout and revocation; access tokens carry the count they were issued under.
    logouts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    revoked_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class RefreshToken(SQLModel, table=True):
    __tablename__ = "refresh_token"

    id: int | None = Field(default=None, primary_key=True)
    device_pk: int = Field(foreign_key="device.id", index=True)
    # Only a SHA-256 of the token is stored: a leaked table gives no usable tokens.
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    # The token this one replaced: rotation forms a chain per device.
    parent_id: int | None = Field(default=None, foreign_key="refresh_token.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    expires_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    used_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
