"""The fault driver's world: a fresh database, and for every seed villages and cadres of its own.

Each seed gets two villages (two villager groups each) and three cadres: one with two phones
in village A, one working both villages, one in village B. Nothing a seed writes is visible
to another, so one server serves many seeds and each seed's checks read only its own rows.
"""

import os
import secrets
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from backend import migrate
from backend.auth.users import create_user
from backend.database import make_engine
from backend.geo.models import County, Township, Village, VillagerGroup

COUNTY = "520699"
PASSWORD = "fault-driver-pass-1"
SEEDS_PER_TOWNSHIP = 400  # two villages a seed, three digits of village code


def cheap_password_hash() -> str:
    """An Argon2id hash with the lowest cost. The server verifies with the parameters written
    in the hash, so a login costs ~1 ms instead of ~180 ms: thousands of phones log in."""
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)


def fresh_database(url: str) -> tuple[str, str | None]:
    """A migrated empty database: ``url`` itself for SQLite; for PostgreSQL a new database on
    that server (answers the url and the server url to drop it from)."""
    if url.startswith("sqlite"):
        migrate.upgrade(url)
        return url, None
    base = make_url(url)
    name = f"mq_faults_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    made = base.set(database=name).render_as_string(hide_password=False)
    migrate.upgrade(made)
    return made, url


def drop_database(url: str, server_url: str) -> None:
    admin = create_engine(make_url(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


@dataclass
class SeedWorld:
    index: int
    villages: list[str]
    groups: dict[str, list[str]]
    # username → villages
    cadres: dict[str, list[str]] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)


class World:
    """The driver's own connection to the store: makes each seed's world, reads for checks."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.engine: Engine = make_engine(database_url)
        self.password_hash = cheap_password_hash()
        self.townships: set[str] = set()
        self.count = 0
        with Session(self.engine) as s:
            if s.get(County, COUNTY) is None:
                s.add(County(code=COUNTY, name="故障演练县"))
                s.commit()

    def close(self) -> None:
        self.engine.dispose()

    def make_seed(self) -> SeedWorld:
        k = self.count
        self.count += 1
        township = f"{COUNTY}{1 + k // SEEDS_PER_TOWNSHIP:03d}"
        first = (k % SEEDS_PER_TOWNSHIP) * 2 + 1
        villages = [f"{township}{first + j:03d}" for j in range(2)]
        groups = {v: [f"{v}{g:03d}" for g in (1, 2)] for v in villages}
        a, b = villages
        w = SeedWorld(index=k, villages=villages, groups=groups)
        w.cadres = {f"f{k}a": [a], f"f{k}ab": [a, b], f"f{k}b": [b]}
        with Session(self.engine) as s:
            if township not in self.townships:
                if s.get(Township, township) is None:
                    s.add(
                        Township(code=township, county_code=COUNTY, name=f"演练{township[-3:]}乡")
                    )
                    s.flush()
                self.townships.add(township)
            for v in villages:
                s.add(Village(code=v, township_code=township, name=f"演练{v[-3:]}村"))
                s.flush()
                for n, g in enumerate(groups[v], 1):
                    s.add(VillagerGroup(code=g, village_code=v, name=f"{n}组"))
            s.flush()
            for username, vs in w.cadres.items():
                user = create_user(
                    s,
                    {
                        "username": username,
                        "password": PASSWORD,
                        "role": "cadre",
                        "villages": vs,
                        "county_code": COUNTY,
                    },
                    password_hash=self.password_hash,
                )
                assert user.id is not None
                w.user_ids[username] = user.id
            s.commit()
        return w
