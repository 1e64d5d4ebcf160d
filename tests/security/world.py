"""A county and a neighbour with an object of every kind in each village, for the security tests.

County 1 (the ``county`` fixture): villages a, b (township 1) and c (township 2); county 2:
village x. In each village a household (its head's name a marker no other village uses),
a member, a visit, a condition map with a pin, a spot check and an open conflict. Spot-check
rounds drawn by the supervisors of township 1 and 2, the county admin and county 2's admin.
Actors: no token, a forged token, a cadre of a, b and c, supervisors of township 1, township
2 and the whole county, the admin, and county 2's admin and cadre.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
from argon2 import PasswordHasher
from jose import jwt
from sqlalchemy import update

from backend.auth.models import User
from backend.auth.users import create_user
from backend.database import open_session
from backend.geo.models import County as CountyRow, Township, Village, VillagerGroup
from backend.records import registry
from tests.conftest import PASSWORD, County, login
from tests.records.examples import example
from tests.sync.phone import Phone, household, new_id

VILLAGES = ("a", "b", "c", "x")
COUNTY_2, TOWNSHIP_X, VILLAGE_X = "520624", "520624100", "520624100001"

ROLE = {
    "cadre_a": "cadre",
    "cadre_b": "cadre",
    "cadre_c": "cadre",
    "super_t1": "supervisor",
    "super_t2": "supervisor",
    "super_county": "supervisor",
    "admin": "admin",
    "x_admin": "admin",
    "x_cadre": "cadre",
}
ACTORS = ("anon", "forged", *ROLE)
SCOPE: dict[str, frozenset[str]] = {
    "cadre_a": frozenset("a"),
    "cadre_b": frozenset("b"),
    "cadre_c": frozenset("c"),
    "super_t1": frozenset("ab"),
    "super_t2": frozenset("c"),
    "super_county": frozenset("abc"),
    "admin": frozenset("abc"),
    "x_admin": frozenset("x"),
    "x_cadre": frozenset("x"),
}
# Which county each village is in: a county-wide type's records (the policy book) are
# every account's of that county, whichever village's maker wrote them.
COUNTY_OF = {"a": 1, "b": 1, "c": 1, "x": 2}


def reach(actor: str, rt: registry.RecordType) -> frozenset[str]:
    """The villages whose records of type ``rt`` the actor may see."""
    scope = SCOPE.get(actor, frozenset())
    if not rt.county_wide:
        return scope
    counties = {COUNTY_OF[v] for v in scope}
    return frozenset(v for v in VILLAGES if COUNTY_OF[v] in counties)


# Who made each village's records (a cadre) and its spot check (an admin).
MAKER = {"a": "cadre_a", "b": "cadre_b", "c": "cadre_c", "x": "x_cadre"}
CHECKER = {"a": "admin", "b": "admin", "c": "admin", "x": "x_admin"}
# The villages each account is tied to (its name must not reach anyone outside them).
TIED: dict[str, frozenset[str]] = {
    **SCOPE,
    "cadre_a2": frozenset("a"),
    "spare_1": frozenset("a"),
    "spare_x": frozenset("x"),
}
# The six first types have hand-made records below; any other declared type gets one made
# from its schema (tests/records/examples.py), so a new type is in the matrix by itself.
HAND_MADE = ("household", "member", "visit", "condition_map", "map_element", "spot_check")
KINDS = (*HAND_MADE, *(t for t in registry.load() if t not in HAND_MADE), "conflict")


@dataclass
class World:
    client: httpx.Client
    codes: dict[str, str]  # village → code
    township_of: dict[str, str]  # village → township code
    names: dict[str, str]  # village → name
    township_names: dict[str, str]  # township code → name
    groups: dict[str, str]  # village → a villager group code
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    ids: dict[str, dict[str, str]] = field(default_factory=dict)  # kind → village → id
    markers: dict[str, str] = field(default_factory=dict)  # village → head of household name
    rounds: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    devices: dict[str, int] = field(default_factory=dict)  # spare account → device pk

    def village_of(self, object_id: str) -> str | None:
        for by_village in self.ids.values():
            for v, i in by_village.items():
                if i == object_id:
                    return v
        return None


def _neighbour_and_extra_users(county: County) -> dict[str, int]:
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    made: dict[str, int] = {}
    with open_session(write=True) as s:
        s.add(CountyRow(code=COUNTY_2, name="邻县"))
        s.add(Township(code=TOWNSHIP_X, county_code=COUNTY_2, name="邻县镇"))
        s.flush()
        s.add(Village(code=VILLAGE_X, township_code=TOWNSHIP_X, name="邻县村", is_poor=True))
        s.flush()
        s.add(VillagerGroup(code=f"{VILLAGE_X}001", village_code=VILLAGE_X, name="1组"))
        s.flush()
        for username, role, extra, county_code in [
            ("super_t2", "supervisor", {"townships": [county.township_2]}, county.county),
            ("spare_1", "cadre", {"villages": [county.village_a]}, county.county),
            ("x_admin", "admin", {}, COUNTY_2),
            ("x_cadre", "cadre", {"villages": [VILLAGE_X]}, COUNTY_2),
            ("spare_x", "cadre", {"villages": [VILLAGE_X]}, COUNTY_2),
        ]:
            u = create_user(
                s,
                {
                    "username": username,
                    "password": PASSWORD,
                    "role": role,
                    "county_code": county_code,
                    "phone": "13900000000",
                    **extra,
                },
                password_hash=cheap,
            )
            assert u.id is not None
            made[username] = u.id
        # Every account gets the cheapest Argon2 hash: the server verifies with the hash's
        # own parameters, and this world logs in a score of phones.
        s.execute(update(User).values(password_hash=cheap))
        s.commit()
    return made


def forged_token(user_id: int) -> str:
    """Well formed, every claim right, signed with a key that is not the server's."""
    now = datetime.now(UTC)
    claims = {
        "sub": str(user_id),
        "did": 1,
        "lo": 0,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=10)).timestamp()),
        "aud": "minqing-api",
        "iss": "minqing",
        "jti": "forged",
    }
    return jwt.encode(claims, "not-the-server-secret-" + "y" * 30, algorithm="HS256")


def build(client: httpx.Client, county: County) -> World:
    users = {**county.users, **_neighbour_and_extra_users(county)}
    w = World(
        client=client,
        codes={"a": county.village_a, "b": county.village_b, "c": county.village_c, "x": VILLAGE_X},
        township_of={
            "a": county.township_1,
            "b": county.township_1,
            "c": county.township_2,
            "x": TOWNSHIP_X,
        },
        names={"a": "茅坡村", "b": "朱家场村", "c": "彰寨村", "x": "邻县村"},
        township_names={
            county.township_1: "平溪街道",
            county.township_2: "大龙街道",
            TOWNSHIP_X: "邻县镇",
        },
        groups={
            "a": county.group(county.village_a),
            "b": county.group(county.village_b),
            "c": county.group(county.village_c),
            "x": f"{VILLAGE_X}001",
        },
        users=users,
    )
    w.ids = {k: {} for k in KINDS}
    w.headers = {"anon": {}, "forged": {"Authorization": f"Bearer {forged_token(users['admin'])}"}}
    for actor in ROLE:
        h = login(client, actor, f"m-{actor}")
        w.headers[actor] = {"Authorization": h["Authorization"]}
    now = datetime.now(UTC)
    checkers = {name: Phone(client, name, f"w-{name}") for name in ("admin", "x_admin")}
    for v in VILLAGES:
        code, maker = w.codes[v], Phone(client, MAKER[v], f"w-{MAKER[v]}")
        checker = checkers[CHECKER[v]]
        ids = {k: new_id() for k in KINDS if k != "conflict"}
        w.markers[v] = f"户主{v.upper()}标记"
        results = maker.push_ok(
            [
                maker.op(
                    "household",
                    ids["household"],
                    household(code, w.groups[v], head_name=w.markers[v]),
                ),
                maker.op(
                    "member",
                    ids["member"],
                    {"household_id": ids["household"], "name": f"成员{v.upper()}标记"},
                ),
                maker.op(
                    "visit",
                    ids["visit"],
                    {"household_id": ids["household"], "occurred_at": now.isoformat()},
                ),
                maker.op(
                    "condition_map",
                    ids["condition_map"],
                    {"village_code": code, "group_code": w.groups[v], "title": f"地图{v}"},
                ),
                maker.op(
                    "map_element",
                    ids["map_element"],
                    {"map_id": ids["condition_map"], "kind": "pin", "x": 10, "y": 20},
                ),
                maker.op("household", ids["household"], {"remark": "甲"}, base=1),
            ]
        )
        assert [r["status"] for r in results] == ["applied"] * 5 + ["applied"], results
        results = checker.push_ok(
            [
                checker.op("household", ids["household"], {"remark": "乙"}, base=1),
                checker.op(
                    "spot_check",
                    ids["spot_check"],
                    {
                        "village_code": code,
                        "cadre_id": users[MAKER[v]],
                        "checked_at": now.isoformat(),
                        "reached": True,
                        "on_post": True,
                    },
                ),
            ]
        )
        assert [r["status"] for r in results] == ["conflict", "applied"], results
        ids["conflict"] = results[0]["conflict_id"]
        for kind in KINDS:  # parents before children: a type is declared after its parent
            if kind in (*HAND_MADE, "conflict"):
                continue
            rt = registry.REGISTRY[kind]
            by = maker if "cadre" in rt.writers else checker
            data = example(rt, code, w.groups[v], ids)
            [r] = by.push_ok([by.op(kind, ids[kind], data)])
            assert r["status"] == "applied", (kind, r)
        for kind, i in ids.items():
            w.ids[kind][v] = i
    for actor, body, villages in [
        ("super_t1", {"township_code": county.township_1}, "ab"),
        ("super_t2", {"township_code": county.township_2}, "c"),
        ("admin", {}, "abc"),
        ("x_admin", {}, "x"),
    ]:
        r = client.post("/api/v1/supervision/rounds", json=body, headers=w.headers[actor])
        assert r.status_code == 201, r.text
        w.rounds[actor] = (r.json()["id"], frozenset(villages))
    for spare, admin in [("spare_1", "admin"), ("spare_x", "x_admin")]:
        login(client, spare, f"spare-{spare}")
        r = client.get(
            "/api/v1/devices", params={"user_id": users[spare]}, headers=w.headers[admin]
        )
        assert r.status_code == 200, r.text
        w.devices[spare] = r.json()[0]["id"]
    return w
