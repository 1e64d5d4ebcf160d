"""Who took a copy of the county's records: one row per export, written before it streams.

An export carries personal data out of the system (an admin's, whole ID numbers), so the
county can always answer "who exported what, when, and with ID numbers or not".
"""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from backend.timeutil import utcnow


class ExportLog(SQLModel, table=True):
    __tablename__ = "export_log"

    id: int | None = Field(default=None, primary_key=True)
    county_code: str = Field(foreign_key="county.code", max_length=6)
    user_id: int = Field(foreign_key="user.id", index=True)
    device_pk: int | None = Field(default=None, foreign_key="device.id")
    kind: str = Field(max_length=16)  # households, members, visits, spot-checks or all
    format: str = Field(max_length=8)  # csv or xlsx
    township_code: str | None = Field(default=None, max_length=9)
    village_code: str | None = Field(default=None, max_length=12)
    id_numbers_whole: bool  # ID numbers exported unmasked
    at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True), index=True)
