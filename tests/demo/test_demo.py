"""The demo county: one seed gives one county, shaped like DESIGN.md's numbers and stored
exactly as the sync engine stores records (so phones can pull it and merge against it)."""

import hashlib
import multiprocessing
import time
import uuid
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, Table, func, select
from sqlalchemy.exc import IntegrityError

from backend.auth.models import User, UserTownship, UserVillage
from backend.auth.passwords import verify_password
from backend.database import get_engine, metadata
from backend.demo import county as c, load
from backend.demo.generate import PASSWORD, build_demo
from backend.geo.models import County, Township, Village, VillagerGroup
from backend.models import import_all
from backend.records.idnumber import check_character as id_check_digit, valid as id_number_valid
from backend.records.models import ChangeCounter, RecordHistory
from backend.records.registry import REGISTRY
from backend.records.store import changed_fields, rebuild
from backend.timeutil import as_utc

VILLAGES = 8
SEED = 7
ORDER_TYPES = ("branch_item", "household_order", "order_claim")  # 三单制 (demo/orders.py)
BASE_TYPES = ("indicator", "indicator_value")  # 小康信息库 (demo/villagebase.py)
RECORD_TYPES = (
    "household",
    "member",
    "visit",
    "condition_map",
    "map_element",
    "menu_item",
    "measure",
    *BASE_TYPES,
    *ORDER_TYPES,
    "loan",
    "loan_dividend",
    "policy",
)
CADRE_TYPES = (
    "visit",
    "condition_map",
    "map_element",
    "measure",
    "indicator_value",
    *ORDER_TYPES,
    "loan",
    "loan_dividend",
)


def _t(model: Any) -> Table:
    table: Table = model.__table__
    return table


def rows(engine: Engine, table: Table, *order: Any) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        stmt = select(table).order_by(*(order or table.primary_key.columns))
        return [dict(r) for r in conn.execute(stmt).mappings()]


def digest(engine: Engine) -> str:
    """Every row of every table in key order (password hashes aside: Argon2 salts them)."""
    import_all()
    h = hashlib.sha256()
    for table in metadata.sorted_tables:
        h.update(table.name.encode())
        for row in rows(engine, table):
            row.pop("password_hash", None)
            h.update(orjson.dumps(row, default=str, option=orjson.OPT_SORT_KEYS))
    return h.hexdigest()


@pytest.fixture
def demo(db: str) -> str:
    return build_demo(get_engine(), seed=SEED, villages=VILLAGES)


def test_same_seed_same_county_other_seed_other_county(db: str) -> None:
    engine = get_engine()
    first = build_demo(engine, seed=SEED, villages=4)
    before = digest(engine)
    again = build_demo(engine, seed=SEED, villages=4)  # resets first
    assert again == first
    assert digest(engine) == before
    build_demo(engine, seed=SEED + 1, villages=4)
    assert digest(engine) != before


def test_counts_are_those_of_a_small_county(demo: str) -> None:
    engine = get_engine()
    assert [r["code"] for r in rows(engine, _t(County))] == [c.COUNTY_CODE]
    townships = rows(engine, _t(Township))
    assert len(townships) == 19
    assert all(len(t["code"]) == 9 and t["code"].startswith(c.COUNTY_CODE) for t in townships)
    villages = rows(engine, _t(Village))
    assert len(villages) == VILLAGES
    assert sum(v["is_poor"] for v in villages) == round(VILLAGES * 173 / 310)
    assert all(len(v["code"]) == 12 and v["code"][:9] == v["township_code"] for v in villages)
    groups = Counter(g["village_code"] for g in rows(engine, _t(VillagerGroup)))
    assert set(groups) == {v["code"] for v in villages}
    assert all(5 <= n <= 15 for n in groups.values())
    for g in rows(engine, _t(VillagerGroup)):
        assert g["code"][:12] == g["village_code"]
        assert len(g["code"]) == 15
        assert g["name"] == f"{int(g['code'][12:])}组"

    households = rows(engine, REGISTRY["household"].table)
    per_village = Counter(h["village_code"] for h in households)
    assert all(200 <= n <= 400 for n in per_village.values())
    size = Counter(m["household_id"] for m in rows(engine, REGISTRY["member"].table))
    assert set(size) == {h["id"] for h in households}
    assert set(size.values()) <= set(range(1, 7))
    assert 2.5 < sum(size.values()) / len(households) < 4.5
    visits = rows(engine, REGISTRY["visit"].table)
    assert 20 <= len(visits) <= 60 * VILLAGES
    poor = [h for h in households if h["poverty_category"] != "non_poor"]
    assert 0.1 < len(poor) / len(households) < 0.35
    assert f"{len(households)} households" in demo
    assert f"{len(visits)} visits" in demo


def test_records_are_stored_as_the_sync_engine_stores_them(demo: str) -> None:
    engine = get_engine()
    history = {(h["type"], h["record_id"]): h for h in rows(engine, _t(RecordHistory))}
    users = {u["username"]: u["id"] for u in rows(engine, _t(User))}
    seqs: dict[str, list[int]] = {}
    total = 0
    for name in RECORD_TYPES:
        rt = REGISTRY[name]
        records = rows(engine, rt.table, rt.table.c.seq)
        total += len(records)
        seqs[name] = [r["seq"] for r in records]
        for r in records:
            # A group's map has the group's derived id (version 8), like the phone's; the
            # village base's are UUIDv5 of what they are (backend/villagebase); the rest
            # time-ordered ids (version 7), as phones make them.
            version = {"condition_map": 8, "indicator": 5, "indicator_value": 5}.get(name, 7)
            assert uuid.UUID(r["id"]).version == version, name
            assert (r["version"], r["deleted"], r["has_conflict"]) == (1, False, False)
            # Family files are the admin's import; visits and maps their village's resident
            # cadre's.
            author = users["admin"]
            if name in CADRE_TYPES:
                author = users.get(f"cadre_{r['village_code']}", author)
            assert r["created_by"] == r["updated_by"] == author
            assert r["created_device"] == r["updated_device"] == "demo"
            data = {f: r[f] for f in rt.fields}
            assert rt.canonical(data) == data  # the one spelling the store keeps
            h = history.pop((name, r["id"]))
            assert h["version"] == 1
            assert h["op"] == "create"
            assert h["op_id"] is None
            # a create replaced nothing: the row is its whole data, and it set every field
            assert h["replaced"] == {}
            assert h["changed"] == []
            assert changed_fields(rt, h) == rt.fields
            assert rebuild(data, 1, [h]) == {1: data}
            assert h["village_code"] == r["village_code"]
            assert h["user_id"] == author
            assert h["device_id"] == "demo"
            assert h["deleted"] is False
            if name == "visit":
                occurred = datetime.fromisoformat(r["occurred_at"])
                assert as_utc(r["occurred_at_corrected"]) == occurred
                assert r["clock_skew_s"] == 0
    assert not history, "history rows without a record"
    # Households first, then members, then visits, then maps, then the menu and the
    # measures (backend/demo/measures.py), the village base, 三单制's menus, orders and
    # claims: 1..N without a gap.
    maps = sorted(seqs["condition_map"] + seqs["map_element"])
    plans = seqs["menu_item"] + seqs["measure"]
    base = seqs["indicator"] + seqs["indicator_value"]  # the village base
    orders = [n for t in ORDER_TYPES for n in seqs[t]]
    loans = sorted(seqs["loan"] + seqs["loan_dividend"])  # each loan followed by its dividends
    in_order = seqs["household"] + seqs["member"] + seqs["visit"] + maps + plans + base + orders
    assert in_order + loans + seqs["policy"] == list(range(1, total + 1))
    counter = rows(engine, _t(ChangeCounter))
    assert counter == [{"id": 1, "value": total}]


def test_id_numbers_are_valid_and_match_the_person(demo: str) -> None:
    assert id_check_digit("11010519491231002") == "X"  # the standard's own example
    assert id_number_valid("11010519491231002X")
    assert not id_number_valid("110105194912310021")
    engine = get_engine()
    members = rows(engine, REGISTRY["member"].table)
    numbers = [m["id_number"] for m in members]
    assert len(set(numbers)) == len(numbers)
    for m in members:
        number = m["id_number"]
        assert id_number_valid(number), number
        assert number[:6] == c.COUNTY_CODE
        assert number[6:14] == m["birth_date"].replace("-", "")
        assert (int(number[16]) % 2 == 1) == (m["sex"] == "male")
    heads = {m["household_id"]: m for m in members if m["relation"] == "head"}
    for h in rows(engine, REGISTRY["household"].table):
        assert h["id_number"] == heads[h["id"]]["id_number"]
        assert h["head_name"] == heads[h["id"]]["name"]


def test_members_and_visits_belong_to_a_household_of_their_village(demo: str) -> None:
    engine = get_engine()
    households = {h["id"]: h for h in rows(engine, REGISTRY["household"].table)}
    groups = {g["code"]: g["village_code"] for g in rows(engine, _t(VillagerGroup))}
    for h in households.values():
        assert groups[h["group_code"]] == h["village_code"]
    heads = Counter()
    for m in rows(engine, REGISTRY["member"].table):
        assert households[m["household_id"]]["village_code"] == m["village_code"]
        heads[m["household_id"]] += m["relation"] == "head"
    assert set(heads.values()) == {1}
    today = c.DEMO_NOW.astimezone(c.CST)
    for v in rows(engine, REGISTRY["visit"].table):
        household = households[v["household_id"]]
        assert household["village_code"] == v["village_code"]
        assert household["poverty_category"] != "non_poor"
        occurred = datetime.fromisoformat(v["occurred_at"])
        assert occurred.utcoffset() == timedelta(hours=8)
        assert today - timedelta(days=120) <= occurred < today
        assert v["notes"]
        assert v["kind"] in ("first_visit", "revisit", "talk", "policy")
        assert abs(v["gps"]["lat"] - 27.24) < 0.5
        assert abs(v["gps"]["lon"] - 108.91) < 0.5


def test_families_hang_together(demo: str) -> None:
    engine = get_engine()
    households = {h["id"]: h for h in rows(engine, REGISTRY["household"].table)}
    members: dict[str, list[dict[str, Any]]] = defaultdict(list)
    today = c.TODAY
    for m in rows(engine, REGISTRY["member"].table):
        members[m["household_id"]].append(m)
        born = date.fromisoformat(m["birth_date"])
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        assert 0 <= age <= 100
        if age < 16:
            assert m["labour"] == "none"
        if 6 <= age <= 18:
            assert m["schooling"] == "in_school"
        if m["health"] in ("serious",):
            assert m["labour"] == "none"
    plans: dict[str, list[str]] = defaultdict(list)
    for m in rows(engine, REGISTRY["measure"].table):
        assert households[m["household_id"]]["village_code"] == m["village_code"]
        plans[m["household_id"]].append(m["title"])
    causes = Counter()
    for hid, h in households.items():
        if h["poverty_category"] == "non_poor":
            assert h["causes"] == []
            assert not plans[hid]
            assert h["pairing_cadre"] is None
            continue
        assert h["causes"]
        assert plans[hid]
        assert h["pairing_cadre"]
        causes[h["causes"][0]] += 1
        if h["causes"][0] == "illness":
            assert any(m["health"] != "healthy" for m in members[hid])
        if h["relief_loan"]:
            assert any("精扶贷" in x for x in plans[hid])
    # DESIGN.md: illness 28%, labour without funds or skills 37%, other causes 35%.
    n = sum(causes.values())
    assert abs(causes["illness"] / n - 0.2808) < 0.08
    assert abs((causes["no_funds"] + causes["no_skills"]) / n - 0.3738) < 0.08


def test_villages_have_condition_maps_phones_open(demo: str) -> None:
    """Each village has maps of a few groups, under the id the phone derives for the group
    (pwa/src/map/geometry.js groupMapId), with roads, a river, houses, pins and labels."""
    from backend.demo.maps import group_map_id

    # Computed by the phone's own function (node, geometry.js).
    assert group_map_id("520623001001", "520623001001002") == (
        "3d0e6a5b-99e4-8925-af0f-ec1690ef92d5"
    )
    engine = get_engine()
    maps = rows(engine, REGISTRY["condition_map"].table)
    elements = rows(engine, REGISTRY["map_element"].table)
    households = {h["id"]: h for h in rows(engine, REGISTRY["household"].table)}
    assert {m["village_code"] for m in maps} == {v["code"] for v in rows(engine, _t(Village))}
    by_map: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in elements:
        by_map[e["map_id"]].append(e)
    for m in maps:
        assert m["id"] == group_map_id(m["village_code"], m["group_code"])
        els = by_map[m["id"]]
        pens = Counter(e["pen"] for e in els if e["kind"] == "stroke")
        assert pens["road"] >= 1
        assert pens["river"] == 1
        assert pens["house"] >= 1
        assert any(e["kind"] == "label" and e["text"] for e in els)
        for e in els:
            assert e["village_code"] == m["village_code"]
            pts = e["points"] or []
            assert all(0 <= p <= m["width"] for p in pts[0::2])
            assert all(0 <= p <= m["height"] for p in pts[1::2])
            if e["kind"] in ("pin", "label"):
                assert 0 <= e["x"] <= m["width"]
                assert 0 <= e["y"] <= m["height"]
            if e["kind"] == "pin":
                home = households[e["household_id"]]
                assert (home["village_code"], home["group_code"]) == (
                    m["village_code"],
                    m["group_code"],
                )
    assert any(e["kind"] == "pin" for e in elements)


def test_demo_accounts_have_their_roles_and_scopes(demo: str) -> None:
    engine = get_engine()
    users = {u["username"]: u for u in rows(engine, _t(User))}
    villages = rows(engine, _t(Village))
    first_town = min(t["code"] for t in rows(engine, _t(Township)))
    first_three = sorted(v["code"] for v in villages if v["township_code"] == first_town)[:3]
    assigned: dict[int, list[str]] = defaultdict(list)
    for uv in rows(engine, _t(UserVillage)):
        assigned[uv["user_id"]].append(uv["village_code"])
    towns: dict[int, list[str]] = defaultdict(list)
    for ut in rows(engine, _t(UserTownship)):
        towns[ut["user_id"]].append(ut["township_code"])

    def scope(name: str) -> tuple[str, bool, list[str], list[str]]:
        u = users[name]
        return u["role"], u["county_wide"], sorted(assigned[u["id"]]), towns[u["id"]]

    assert scope("admin") == ("admin", True, [], [])
    assert scope("county_sup") == ("supervisor", True, [], [])
    assert scope("town_sup") == ("supervisor", False, [], [first_town])
    assert scope("cadre1") == ("cadre", False, first_three[:1], [])
    assert scope("cadre3") == ("cadre", False, first_three, [])
    poor = sorted(v["code"] for v in villages if v["is_poor"])
    assert set(first_three) <= set(poor)
    residents = sorted(n for n in users if n.startswith("cadre_"))
    assert residents == [f"cadre_{code}" for code in poor]
    for code in poor:
        assert scope(f"cadre_{code}") == ("cadre", False, [code], [])
    assert len(users) == 5 + len(poor)
    # One hash for every account, and it is the demo password's.
    assert len({u["password_hash"] for u in users.values()}) == 1
    assert verify_password(users["cadre1"]["password_hash"], PASSWORD)
    assert all(u["phone"] and u["display_name"] for u in users.values())


def test_without_reset_the_demo_county_is_not_built_twice(demo: str) -> None:
    engine = get_engine()
    before = digest(engine)
    with pytest.raises(ValueError, match="exists already"):
        build_demo(engine, seed=SEED, villages=VILLAGES, reset=False)
    assert digest(engine) == before


def test_a_phone_pulls_the_demo_village_and_edits_it(demo: str) -> None:
    """The sync engine takes demo records as its own: pulls them, merges edits on them."""
    from backend.main import create_app

    engine = get_engine()
    with TestClient(create_app()) as client:
        r = client.post(
            "/api/v1/auth/token",
            json={"username": "cadre1", "password": PASSWORD, "device_id": "demo-test"},
        )
        assert r.status_code == 200, r.text
        headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        pulled: list[dict[str, Any]] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 1000, **({"cursor": cursor} if cursor else {})}
            page = client.get("/api/v1/sync/pull", params=params, headers=headers).json()
            pulled += page["records"]
            cursor = page["cursor"]
            if not page["more"]:
                break
        cadre1 = next(u["id"] for u in rows(engine, _t(User)) if u["username"] == "cadre1")
        village = next(
            uv["village_code"] for uv in rows(engine, _t(UserVillage)) if uv["user_id"] == cadre1
        )
        # the village's records and the county's policy book
        expected = sum(
            r["village_code"] in (village, c.COUNTY_CODE)  # the county's menu, indicators
            for name in RECORD_TYPES
            for r in rows(engine, REGISTRY[name].table)
        )
        assert len(pulled) == expected
        household = next(p for p in pulled if p["type"] == "household")
        assert household["version"] == 1

        now = c.DEMO_NOW.isoformat()
        body = {
            "device_id": "demo-test",
            "batch_id": str(uuid.uuid4()),
            "device_time": datetime.now(UTC).isoformat(),
            "ops": [
                {
                    "op_id": str(uuid.uuid4()),
                    "type": "household",
                    "id": household["id"],
                    "base_version": 1,
                    "set": {"income_per_head": 12340},
                    "recorded_at": now,
                },
                {
                    "op_id": str(uuid.uuid4()),
                    "type": "member",
                    "id": str(uuid.uuid4()),
                    "base_version": None,
                    "set": {"household_id": household["id"], "name": "新生儿", "relation": "child"},
                    "recorded_at": now,
                },
            ],
        }
        r = client.post("/api/v1/sync/push", json=body, headers=headers)
        assert r.status_code == 200, r.text
        results = r.json()["results"]
        assert [(x["status"], x["version"]) for x in results] == [("applied", 2), ("applied", 1)]


def max_seq(engine: Engine) -> int:
    with engine.connect() as conn:
        return max(
            conn.execute(select(func.coalesce(func.max(REGISTRY[n].table.c.seq), 0))).scalar_one()
            for n in RECORD_TYPES
        )


def stays_half_loaded(engine: Engine) -> bool:
    """SQLite commits the load batch by batch; PostgreSQL in one transaction, its references
    checked at the end (backend/demo/load.py): a load that stops leaves none of it."""
    return engine.dialect.name == "sqlite"


def test_a_load_that_stops_half_way_leaves_the_counter_ahead(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Committed batches stay; the next push must still get numbers nobody holds."""
    engine = get_engine()
    monkeypatch.setattr(load, "BATCH_ROWS", 2000)
    drawn = 0
    village_households = c.village_households

    def failing(*args: Any) -> Any:
        nonlocal drawn
        for h in village_households(*args):
            drawn += 1
            if drawn == 1500:
                raise RuntimeError("power cut")
            yield h

    monkeypatch.setattr(c, "village_households", failing)
    with pytest.raises(RuntimeError, match="power cut"):
        build_demo(engine, seed=SEED, villages=VILLAGES)
    [counter] = rows(engine, _t(ChangeCounter))
    assert max_seq(engine) <= counter["value"]
    assert (max_seq(engine) > 0) == stays_half_loaded(engine)


def test_a_write_that_fails_is_raised_not_hung(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = get_engine()
    monkeypatch.setattr(load, "BATCH_ROWS", 2000)
    put = load.Writer.put
    batches: list[load.Batch] = []

    def duplicate_a_row(self: load.Writer, batch: load.Batch) -> None:
        batches.append(batch)
        if len(batches) == 2:
            # The writer process makes the rows (load.Rows): a record drafted twice breaks
            # its key and (type, record_id, version).
            batch.records.append(batch.records[0])
        put(self, batch)

    monkeypatch.setattr(load.Writer, "put", duplicate_a_row)
    with pytest.raises(IntegrityError):
        build_demo(engine, seed=SEED, villages=VILLAGES)
    [counter] = rows(engine, _t(ChangeCounter))
    assert max_seq(engine) <= counter["value"]
    assert (max_seq(engine) > 0) == stays_half_loaded(engine)


def _foreign_keys(engine: Engine) -> list[tuple[str, str, str]]:
    with engine.connect() as conn:
        found = conn.exec_driver_sql(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' ORDER BY 1, 2"
        )
        return [tuple(r) for r in found]


def test_postgresql_checks_every_reference_of_the_load_and_keeps_its_keys(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL's load drops the record tables' foreign keys and adds them back at its end
    (backend/demo/load.py ``References``): after a build every key is there
    as the migrations made it, and a record naming a user the store does not hold stops the
    load, which leaves no record and every key in place."""
    engine = get_engine()
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's load connection checks no references (backend/demo/load.py)")
    keys = _foreign_keys(engine)
    assert any(table == "member" for table, _, _ in keys)
    build_demo(engine, seed=SEED, villages=VILLAGES)
    assert _foreign_keys(engine) == keys

    put = load.Writer.put

    def name_a_stranger(self: load.Writer, batch: load.Batch) -> None:
        kind, record_id, data, seq, village, _user, reported = batch.records[-1]
        batch.records[-1] = (kind, record_id, data, seq, village, 999_999, reported)
        put(self, batch)

    monkeypatch.setattr(load.Writer, "put", name_a_stranger)
    with pytest.raises(IntegrityError, match="fk_"):
        build_demo(engine, seed=SEED, villages=VILLAGES)
    assert max_seq(engine) == 0
    assert _foreign_keys(engine) == keys
    assert writers_exit()


def writers_exit() -> bool:
    """Whether every demo writer process has ended (one failing after the last batch was
    taken once waited for another, and pytest hung joining it at exit)."""
    deadline = time.monotonic() + 10
    while multiprocessing.active_children():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_drawn_data_off_its_canonical_form_stops_the_build(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build checks one record in ``CHECK_EVERY`` of each type against ``canonical``
    (the rest are stored as drawn, with their defaults): a draw that drifts from the schema
    stops it, here the ninth household's income as text ("12000" validates as 12000)."""
    engine = get_engine()
    village_households = c.village_households
    drawn = 0

    def drifting(*args: Any) -> Any:
        nonlocal drawn
        for h in village_households(*args):
            drawn += 1
            if drawn == load.CHECK_EVERY + 1:
                h.data["income_per_head"] = str(h.data["income_per_head"] or 0)
            yield h

    monkeypatch.setattr(c, "village_households", drifting)
    with pytest.raises(ValueError, match="drawn data differs from its canonical form"):
        build_demo(engine, seed=SEED, villages=VILLAGES)


def test_every_village_has_its_base_for_last_year_and_this(demo: str) -> None:
    from backend.demo.villagebase import THIS_YEAR
    from backend.villagebase.defaults import INCOME_CODE, indicator_id

    engine = get_engine()
    indicators = rows(engine, REGISTRY["indicator"].table)
    assert len(indicators) == 27
    assert {i["village_code"] for i in indicators} == {c.COUNTY_CODE}
    values = rows(engine, REGISTRY["indicator_value"].table)
    villages = [v["code"] for v in rows(engine, _t(Village))]
    per: dict[tuple[str, int], int] = {}
    for v in values:
        per[(v["village_code"], v["year"])] = per.get((v["village_code"], v["year"]), 0) + 1
    for code in villages:
        assert per[(code, THIS_YEAR - 1)] == 27  # last year's base is whole
        assert 1 <= per[(code, THIS_YEAR)] <= 27
    income = indicator_id(c.COUNTY_CODE, INCOME_CODE)
    shells = [
        v
        for v in values
        if v["indicator_id"] == income and v["year"] == THIS_YEAR and v["value_number"] == 0
    ]
    assert shells, "an empty-shell village to find"


def test_poor_households_have_measures_from_the_menu_some_late_some_done(demo: str) -> None:
    engine = get_engine()
    menu = {m["id"]: m for m in rows(engine, REGISTRY["menu_item"].table)}
    assert len(menu) >= 30
    assert {m["village_code"] for m in menu.values()} == {c.COUNTY_CODE}
    measures = rows(engine, REGISTRY["measure"].table)
    status = Counter(m["status"] for m in measures)
    late = [
        m
        for m in measures
        if m["due_on"] < c.TODAY.isoformat() and m["status"] in ("planned", "under_way")
    ]
    assert status["done"] > 0
    assert status["dropped"] > 0
    assert late
    for m in measures:
        item = menu[m["menu_item_id"]]  # every demo measure picks from the menu
        assert m["title"].startswith(item["name"])
        assert m["kind"] == item["kind"]
        if m["status"] == "done":
            assert m["result"]
            assert m["done_on"] <= c.TODAY.isoformat()


def test_canonical_validates_as_the_schemas_own_validator(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``RecordType.canonical`` validates into a new instance itself (registry.py, for
    speed): every record a county is built from comes out as through the schema's own
    ``validate_python``, value for value and type for type."""
    drafts: list[tuple[Any, dict[str, Any]]] = []
    add = load.Loader.add

    def keep(self: load.Loader, rt: Any, record_id: str, data: dict[str, Any], *a: Any) -> None:
        drafts.append((rt, data))
        add(self, rt, record_id, data, *a)

    monkeypatch.setattr(load.Loader, "add", keep)
    build_demo(get_engine(), seed=SEED, villages=VILLAGES)
    assert {rt.name for rt, _ in drafts} == set(RECORD_TYPES)
    for rt, data in drafts:
        own = rt.schema.__pydantic_validator__.validate_python(data)
        out = rt.schema.__pydantic_serializer__.to_python(own, mode="json")
        out = rt.normalize(out) if rt.normalize else out
        assert orjson.dumps(rt.canonical(data), option=orjson.OPT_SORT_KEYS) == orjson.dumps(
            out, option=orjson.OPT_SORT_KEYS
        ), rt.name
