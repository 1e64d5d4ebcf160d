"""A spot-check round (电话抽查轮次): who was drawn, from which pool, with which seed.

The round keeps everything the draw read — the candidate pool with each cadre's weight, the
rule and the seed — so anyone can replay it (``draw.replay``) and get the same sample: the
draw is auditable even after cadres move, leave or are checked again.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from backend.records.fields import JSONType
from backend.timeutil import utcnow


class SpotCheckRound(SQLModel, table=True):
    __tablename__ = "spot_check_round"

    # Made by the server (uuid4), or by the phone so that a retried POST finds its round.
    id: str = Field(primary_key=True, max_length=36)
    county_code: str = Field(foreign_key="county.code", index=True, max_length=6)
    # The township asked for; None = everything in the drawer's scope (the county for a
    # county-wide supervisor, their own townships otherwise).
    township_code: str | None = Field(default=None, foreign_key="township.code", max_length=9)
    # The townships the pool covered; a reader must see all of them to see the round.
    township_codes: list = Field(sa_type=JSONType)  # type: ignore[type-arg]
    county_wide: bool = False
    seed: int = Field(sa_type=sa.BigInteger)
    drawn_at: datetime = Field(
        default_factory=utcnow, sa_type=sa.DateTime(timezone=True), index=True
    )
    drawn_by: int = Field(foreign_key="user.id")
    # [{cadre_id, township_code, village_code, village_codes}] in draw order.
    cadres: list = Field(sa_type=JSONType)  # type: ignore[type-arg]
    # {rule: {...}, as_of, pool: [{cadre_id, township_code, village_codes, weight, recent_checks}]}
    inputs: dict = Field(sa_type=JSONType)  # type: ignore[type-arg]
