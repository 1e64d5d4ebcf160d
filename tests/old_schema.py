"""Rows written into an old revision's schema, for the tests of a data migration: the
reflected tables, not the models (the models are the newest schema)."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa

COUNTY, TOWNSHIP = "520623", "520623100"


def reflect(engine: sa.Engine) -> dict[str, sa.Table]:
    meta = sa.MetaData()
    meta.reflect(engine)
    return dict(meta.tables)


def seed_places_and_cadres(
    conn: sa.Connection, t: dict[str, sa.Table], villages: list[str], users: list[int], at: datetime
) -> None:
    """The county, one township, ``villages`` in it, and a cadre for each of ``users``."""
    conn.execute(t["county"].insert(), [{"code": COUNTY, "name": "县"}])
    conn.execute(t["township"].insert(), [{"code": TOWNSHIP, "county_code": COUNTY, "name": "镇"}])
    conn.execute(
        t["village"].insert(),
        [{"code": v, "township_code": TOWNSHIP, "name": v, "is_poor": True} for v in villages],
    )
    conn.execute(
        t["user"].insert(),
        [
            {
                "id": n,
                "username": f"u{n}",
                "password_hash": "x",
                "display_name": f"干部{n}",
                "role": "cadre",
                "phone": "",
                "county_code": COUNTY,
                "county_wide": False,
                "is_active": True,
                "created_at": at,
            }
            for n in users
        ],
    )


def record_columns(rid: str, seq: int, village: str, user: int, at: datetime) -> dict[str, Any]:
    """What every record row has besides its data, as a first version by ``user``."""
    return {
        "id": rid,
        "version": 1,
        "deleted": False,
        "seq": seq,
        "village_code": village,
        "has_conflict": False,
        "created_at": at,
        "created_by": user,
        "created_device": "d",
        "updated_at": at,
        "updated_by": user,
        "updated_device": "d",
    }
