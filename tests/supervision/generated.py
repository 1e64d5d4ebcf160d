"""A generated county of real size in townships (19), small in people, for sampling tests.

Geography and users are inserted directly (``create_user`` with the session's password
hash); records go through the sync API like every phone's.
"""

import random
from dataclasses import dataclass, field

from backend.auth.models import User
from backend.auth.users import create_user
from backend.database import open_session
from backend.geo.models import County, Township, Village, VillagerGroup
from tests.conftest import PASSWORD

COUNTY = "522229"


@dataclass
class BigCounty:
    townships: list[str] = field(default_factory=list)
    villages: dict[str, list[str]] = field(default_factory=dict)  # township → villages
    cadres: dict[str, list[int]] = field(default_factory=dict)  # home township → user ids
    inactive: int = 0
    straddler: int = 0  # a cadre with villages in two townships (2 in the first, 1 in the next)
    users: dict[str, int] = field(default_factory=dict)
    village_of: dict[int, list[str]] = field(default_factory=dict)  # user id → villages

    @property
    def all_cadres(self) -> list[int]:
        return [c for cs in self.cadres.values() for c in cs]


def build_big_county(password_hash: str, *, seed: int = 7, townships: int = 19) -> BigCounty:
    """19 townships, 2–4 villages each, 1–5 resident cadres each (one township has one)."""
    rng = random.Random(seed)
    bc = BigCounty()
    with open_session(write=True) as s:
        s.add(County(code=COUNTY, name="测试县"))
        s.flush()
        for t in range(townships):
            town = f"{COUNTY}{101 + t:03d}"
            bc.townships.append(town)
            s.add(Township(code=town, county_code=COUNTY, name=f"第{t + 1}镇"))
            s.flush()
            bc.villages[town] = []
            for v in range(rng.randint(2, 4)):
                code = f"{town}{v + 1:03d}"
                bc.villages[town].append(code)
                s.add(Village(code=code, township_code=town, name=f"{t + 1}镇{v + 1}村"))
                s.flush()
                s.add(VillagerGroup(code=f"{code}001", village_code=code, name="1组"))
        s.flush()

        def user(username: str, role: str, **extra: object) -> int:
            u = create_user(
                s,
                {"username": username, "password": PASSWORD, "role": role, **extra},
                password_hash=password_hash,
            )
            assert u.id is not None
            bc.users[username] = u.id
            bc.village_of[u.id] = list(extra.get("villages", []))  # type: ignore[call-overload]
            return u.id

        n = 0
        for t, town in enumerate(bc.townships):
            bc.cadres[town] = []
            count = 1 if t == 3 else rng.randint(1, 5)
            for _ in range(count):
                n += 1
                village = rng.choice(bc.villages[town])
                uid = user(
                    f"cadre{n}",
                    "cadre",
                    villages=[village],
                    phone=f"139{n:08d}",
                    display_name=f"干部{n}号",
                )
                bc.cadres[town].append(uid)
        # Two villages in township 1 and one in township 2: belongs to township 1.
        t1, t2 = bc.townships[0], bc.townships[1]
        bc.straddler = user(
            "straddler", "cadre", villages=[*bc.villages[t1][:2], bc.villages[t2][0]]
        )
        bc.cadres[t1].append(bc.straddler)
        bc.inactive = user("gone", "cadre", villages=[bc.villages[t1][0]])
        user("sup_county", "supervisor")
        user("sup_t1", "supervisor", townships=[t1])
        user("sup_t2", "supervisor", townships=[t2])
        user("boss", "admin")
        gone = s.get(User, bc.inactive)
        assert gone is not None
        gone.is_active = False
        s.commit()
    return bc
