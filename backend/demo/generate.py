"""``minqing demo``: load the deterministic demo county and its demo accounts.

The records are written exactly as the sync engine would have written them had phones
created them (backend/sync/push.py ``_create``): data in the schema's canonical JSON form,
version 1, one ``create`` history entry each, consecutive change sequence numbers and the
change counter at the last one. The merge engine then treats them like any other record.

The county itself is drawn in ``backend.demo.county`` (and ``people``, ``vocab``) from one
``random.Random(seed)`` and a fixed "now", so one seed gives one county, row for row; the
records are written by ``backend.demo.load`` (bulk inserts in a writer process — see
there for what the default county's ~800,000 rows cost and why). The only ORM use is the
couple of hundred accounts, through ``create_user``.
"""

import random
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, inspect, select, text, update
from sqlmodel import Session

from backend.auth.models import Role, User
from backend.auth.passwords import hash_password
from backend.auth.users import create_user
from backend.demo import county as c, measures as demo_measures, villagebase
from backend.demo.load import Loader, Writer, bulk_connection, cyclic_gc_paused
from backend.demo.loans import load_loans
from backend.demo.maps import MapDraft, village_maps
from backend.demo.orders import OrdersDemo
from backend.demo.people import IdNumbers, mobile
from backend.demo.policies import load_policies
from backend.geo.models import County, Township, Village, VillagerGroup
from backend.records.registry import REGISTRY
from backend.tables import CHANGE_COUNTER as _COUNTER

PASSWORD = "minqing123"


def _table(model: Any) -> Table:
    return model.__table__


# ── reset and geography ─────────────────────────────────────────────────────────────────


def reset_database(conn: Connection) -> None:
    """Empty every table but ``alembic_version`` and restart ids, leaving the counter at 0."""
    names = [n for n, _ in inspect(conn).get_sorted_table_and_fkc_names() if n]
    names = [n for n in reversed(names) if n != "alembic_version"]
    quote = conn.dialect.identifier_preparer.quote
    if conn.dialect.name == "postgresql":
        # RESTART IDENTITY: user ids start at 1 again, so the same seed gives the same rows.
        conn.execute(text(f"TRUNCATE {', '.join(quote(n) for n in names)} RESTART IDENTITY"))
    else:
        for name in names:  # children before parents
            conn.execute(text(f"DELETE FROM {quote(name)}"))
        if conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")).first():
            conn.execute(text("DELETE FROM sqlite_sequence"))
    conn.execute(_COUNTER.insert().values(id=1, value=0))


def _write_geography(conn: Connection, townships: list[c.TownshipPlan]) -> None:
    conn.execute(_table(County).insert(), [{"code": c.COUNTY_CODE, "name": c.COUNTY_NAME}])
    conn.execute(
        _table(Township).insert(),
        [{"code": t.code, "county_code": c.COUNTY_CODE, "name": t.name} for t in townships],
    )
    villages = [v for t in townships for v in t.villages]
    conn.execute(
        _table(Village).insert(),
        [
            {"code": v.code, "township_code": v.township_code, "name": v.name, "is_poor": v.is_poor}
            for v in villages
        ],
    )
    conn.execute(
        _table(VillagerGroup).insert(),
        [
            {"code": g, "village_code": v.code, "name": name}
            for v in villages
            for g, name in v.groups
        ],
    )


# ── accounts ────────────────────────────────────────────────────────────────────────────


def _accounts(rng: random.Random, townships: list[c.TownshipPlan]) -> list[dict[str, Any]]:
    first_town = townships[0]
    first3 = [v.code for v in first_town.villages[:3]]
    accounts: list[dict[str, Any]] = [
        {"username": "admin", "role": Role.admin, "display_name": "县管理员"},
        {"username": "county_sup", "role": Role.supervisor, "display_name": "县委组织部督查组"},
        {
            "username": "town_sup",
            "role": Role.supervisor,
            "townships": [first_town.code],
            "display_name": f"{first_town.name}督查员",
        },
        {
            "username": "cadre1",
            "role": Role.cadre,
            "villages": first3[:1],
            "display_name": "驻村干部一",
        },
        {
            "username": "cadre3",
            "role": Role.cadre,
            "villages": first3,
            "display_name": "包村干部三",
        },
    ]
    # One resident cadre per poor village (its team's first secretary), for spot checks.
    accounts += [
        {
            "username": f"cadre_{v.code}",
            "role": Role.cadre,
            "villages": [v.code],
            "display_name": v.cadres[0],
        }
        for t in townships
        for v in t.villages
        if v.is_poor
    ]
    for a in accounts:
        a["phone"] = mobile(rng)
    return accounts


def _create_accounts(session: Session, accounts: list[dict[str, Any]]) -> dict[str, int]:
    # One Argon2 hash for all: hashing is deliberately slow (~50 ms), 178 of them are not.
    password_hash = hash_password(PASSWORD)
    ids: dict[str, int] = {}
    for a in accounts:
        user = create_user(
            session,
            {**a, "password": PASSWORD, "county_code": c.COUNTY_CODE},
            password_hash=password_hash,
        )
        assert user.id is not None
        ids[user.username] = user.id
    # Fixed creation times, so that one seed gives identical rows.
    session.execute(
        update(User).where(User.id.in_(list(ids.values()))).values(created_at=c.DEMO_NOW)  # type: ignore[union-attr]
    )
    return ids


# ── records ─────────────────────────────────────────────────────────────────────────────


def _load_records(
    writer: Writer,
    rng: random.Random,
    townships: list[c.TownshipPlan],
    user_ids: dict[str, int],
    first_seq: int,
    map_rng: random.Random,
    orders: OrdersDemo,
) -> tuple[dict[str, int], int]:
    """Households, then members, then visits, then condition maps with their elements,
    numbered from ``first_seq``; answers the counts and the last sequence number (where the
    change counter is left).

    The family files are the admin's import. A visit or a map is its cadre's record
    (supervision counts a cadre's visits by ``created_by``): the village's resident cadre
    where it has one, the admin elsewhere. The maps draw from a generator of their own, so
    adding them left the households and visits of every seed as they were."""
    household, member, visit = REGISTRY["household"], REGISTRY["member"], REGISTRY["visit"]
    cmap, element = REGISTRY["condition_map"], REGISTRY["map_element"]
    villages = [v for t in townships for v in t.villages]
    loader = Loader(writer, user_ids["admin"])
    ids = IdNumbers(c.COUNTY_CODE)
    household_seq = first_seq
    member_seq = first_seq + sum(v.households for v in villages)
    visits: list[tuple[str, dict[str, Any], datetime, str]] = []
    maps: list[tuple[MapDraft, str]] = []
    homes: list[tuple[c.VillagePlan, list[c.HouseholdDraft]]] = []
    for v in villages:
        drafts = []
        for h in c.village_households(rng, v, ids):
            loader.add(household, h.id, h.data, household_seq, v.code)
            household_seq += 1
            for p in h.members:
                mid = c.make_uuid(rng)
                data = orders.member(v.code, h, mid, c.member_data(h.id, p), p)  # 三单制 党员
                loader.add(member, mid, data, member_seq, v.code)
                member_seq += 1
            drafts.append(h)
        visits += [
            (vid, data, when, v.code) for vid, data, when in c.village_visits(rng, v, drafts)
        ]
        maps += [(m, v.code) for m in village_maps(map_rng, v, drafts)]
        homes.append((v, drafts))
    seq = member_seq
    for vid, data, _when, village in visits:
        loader.add(visit, vid, data, seq, village, user_ids.get(f"cadre_{village}"))
        seq += 1
    for m, village in maps:
        author = user_ids.get(f"cadre_{village}")
        loader.add(cmap, m.id, m.data, seq, village, author)
        seq += 1
        for eid, data in m.elements:
            loader.add(element, eid, data, seq, village, author)
            seq += 1
    seq = demo_measures.load(loader, random.Random(rng.random()), homes, user_ids, seq)
    seq = villagebase.load(
        loader,
        random.Random(rng.getrandbits(64)),
        villages,
        seq,
        lambda v: user_ids.get(f"cadre_{v}"),
    )
    seq = orders.load(loader, seq, user_ids)  # 三单制: menus, orders, claims (demo/orders.py)
    loader.flush()
    return loader.counts, seq - 1


def _summary(townships: list[c.TownshipPlan], counts: dict[str, int], users: int, last: int) -> str:
    villages = [v for t in townships for v in t.villages]
    poor = sum(v.is_poor for v in villages)
    groups = sum(len(v.groups) for v in villages)
    return (
        f"{c.COUNTY_NAME} ({c.COUNTY_CODE}): {len(townships)} townships, "
        f"{len(villages)} villages ({poor} poor), {groups} villager groups, "
        f"{counts.get('household', 0)} households, {counts.get('member', 0)} members, "
        f"{counts.get('visit', 0)} visits, {counts.get('condition_map', 0)} condition maps "
        f"({counts.get('map_element', 0)} elements), {users} users; change sequence at {last}"
    )


def build_demo(engine: Engine, *, seed: int, villages: int = 310, reset: bool = True) -> str:
    """Build the demo county from ``seed`` alone; answers a one-line summary of the counts.

    ``reset`` empties every table first (the schema stays), so the same seed gives the same
    county, row for row. Without it the county is added to what is there, and refused if a
    county with the demo's code exists.
    """
    rng = random.Random(seed)
    townships = c.plan_county(rng, villages)
    accounts = _accounts(rng, townships)
    # SQLite: without foreign-key enforcement, DELETE without WHERE drops a table's pages at
    # once instead of visiting every row (measured: 13 s for the default county, now ~1 s).
    with bulk_connection(engine) as conn, conn.begin(), Session(bind=conn) as session:
        # The session joins this connection's transaction: all of it commits at the end.
        if reset:
            reset_database(conn)
        elif conn.execute(
            select(_table(County).c.code).where(_table(County).c.code == c.COUNTY_CODE)
        ).first():
            raise ValueError(f"county {c.COUNTY_CODE} exists already: build the demo with reset")
        _write_geography(conn, townships)
        user_ids = _create_accounts(session, accounts)
        session.flush()
        first_seq = (
            int(conn.execute(select(_COUNTER.c.value).where(_COUNTER.c.id == 1)).scalar_one()) + 1
        )
    with cyclic_gc_paused():
        writer = Writer(engine)
        try:
            counts, last = _load_records(
                writer,
                rng,
                townships,
                user_ids,
                first_seq,
                random.Random(f"{seed}/maps"),
                OrdersDemo(random.Random(f"{seed}/orders")),
            )
        except BaseException:
            writer.abandon()
            raise
        writer.close()
    last = load_loans(engine, seed, user_ids, last + 1, counts)
    last = load_policies(engine, seed, user_ids, last + 1, counts)
    return _summary(townships, counts, len(user_ids), last)
