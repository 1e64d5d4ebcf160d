"""Migration 0010 turns every word of the households' old 一户一策 lists into a measure
record, made as the store makes records: nothing lost, on SQLite and PostgreSQL."""

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from backend import migrate
from backend.database import make_engine
from backend.records import registry
from tests.conftest import County
from tests.old_schema import record_columns, reflect, seed_places_and_cadres
from tests.sync.phone import Phone, household, new_id

NOW = datetime(2026, 11, 1, tzinfo=UTC)
# (id, village, creator, deleted, the old list) — blank lines of the old text box included
HOUSEHOLDS = [
    ("h1", "520623100001", 1, False, ["养牛 2头", "技能培训", "  ", "危房改造", "养牛 2头"]),
    ("h2", "520623100002", 2, False, ["精扶贷5万元", "易地扶贫搬迁", "助学贷款", "看望慰问"]),
    ("h3", "520623100001", 2, False, []),
    ("h4", "520623100002", 1, True, ["养猪"]),  # deleted: its list stays in its history
]
KINDS = {
    "养牛 2头": "industry",
    "技能培训": "employment",
    "危房改造": "housing",
    "精扶贷5万元": "finance",
    "易地扶贫搬迁": "relocation",
    "助学贷款": "education",
    "看望慰问": "other",
}


def _record(rid: str, seq: int, village: str, user: int) -> dict[str, Any]:
    return record_columns(rid, seq, village, user, NOW)


def _seed_at_0008(engine: sa.Engine) -> None:
    t = reflect(engine)
    with engine.begin() as conn:
        seed_places_and_cadres(conn, t, ["520623100001", "520623100002"], [1, 2], NOW)
        conn.execute(
            t["household"].insert(),
            [
                {
                    **_record(hid, n + 1, village, user),
                    "deleted": deleted,
                    "village_code": village,
                    "head_name": f"户主{hid}",
                    "poverty_category": "general",
                    "poverty_status": "not_out",
                    "causes": [],
                    "relocated": False,
                    "relief_loan": False,
                    "measures": words,
                }
                for n, (hid, village, user, deleted, words) in enumerate(HOUSEHOLDS)
            ],
        )
        # a measure made as a record before 0010 stays as it was
        conn.execute(
            t["measure"].insert(),
            [
                {
                    **_record("m0", 5, "520623100001", 1),
                    "household_id": "h1",
                    "title": "种茶 3 亩",
                    "kind": "industry",
                    "status": "done",
                }
            ],
        )
        conn.execute(sa.update(t["change_counter"]).values(value=5))


def test_every_old_measure_string_becomes_a_record(make_database: Callable[[], str]) -> None:
    url = make_database()
    migrate.upgrade(url, "0008")
    engine = make_engine(url)
    try:
        _seed_at_0008(engine)
        # 0010's own rows, whole data (0017 turns history entries into undo entries)
        migrate.upgrade(url, "0010")
        meta = sa.MetaData()
        meta.reflect(engine)
        t = meta.tables
        assert "measures" not in t["household"].c  # one plan, not two
        with engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(sa.select(t["measure"])).mappings()]
            hist = {
                r["record_id"]: dict(r)
                for r in conn.execute(sa.select(t["record_history"])).mappings()
            }
            counter = conn.execute(sa.select(t["change_counter"].c.value)).scalar_one()
    finally:
        engine.dispose()

    new = [r for r in rows if r["id"] != "m0"]
    # every non-blank word of every live household, each once per time it was written
    expected = Counter(
        (hid, w.strip())
        for hid, _v, _u, deleted, words in HOUSEHOLDS
        if not deleted
        for w in words
        if w.strip()
    )
    assert Counter((r["household_id"], r["title"]) for r in new) == expected
    [old] = [r for r in rows if r["id"] == "m0"]
    assert (old["title"], old["status"], old["seq"]) == ("种茶 3 亩", "done", 5)

    villages = {hid: (v, u) for hid, v, u, _d, _w in HOUSEHOLDS}
    measure = registry.REGISTRY["measure"]
    for r in new:
        assert r["kind"] == KINDS[r["title"]], r["title"]
        assert (r["status"], r["version"], r["deleted"], r["has_conflict"]) == (
            "planned",
            1,
            False,
            False,
        )
        assert (r["village_code"], r["created_by"]) == villages[r["household_id"]]
        assert r["updated_by"] == r["created_by"]
        # its history: one create, holding the data in the store's own canonical form
        h = hist[r["id"]]
        assert (h["type"], h["version"], h["op"], h["user_id"]) == (
            "measure",
            1,
            "create",
            r["created_by"],
        )
        assert h["village_code"] == r["village_code"]
        data = {f: r[f] for f in measure.fields}
        assert h["data"] == data == measure.canonical(data)
        assert sorted(h["changed"]) == sorted(measure.fields)
    # each its own number after what was handed out before, and the counter moved on
    seqs = sorted(r["seq"] for r in new)
    assert seqs == list(range(6, 6 + len(new)))
    assert counter == seqs[-1]


def test_downgrade_gives_the_lists_back(make_database: Callable[[], str]) -> None:
    url = make_database()
    migrate.upgrade(url, "0008")
    engine = make_engine(url)
    try:
        _seed_at_0008(engine)
        migrate.upgrade(url)
        migrate.downgrade(url, "0008")
        meta = sa.MetaData()
        meta.reflect(engine)
        with engine.connect() as conn:
            lists = dict(
                conn.execute(
                    sa.select(meta.tables["household"].c.id, meta.tables["household"].c.measures)
                ).all()
            )
    finally:
        engine.dispose()
    assert lists["h1"] == ["养牛 2头", "技能培训", "危房改造", "养牛 2头"]
    assert lists["h3"] == []


def test_an_old_phones_household_with_an_empty_list_is_taken_one_with_words_refused(
    client, county: County
) -> None:
    # A phone still on the app before 0010 sends ``measures: []`` with every new household:
    # it carries nothing and the household is kept; words in it are refused, never dropped.
    a = Phone(client, "cadre_a", "d-a")
    [r] = a.push_ok([a.op("household", new_id(), household(county.village_a, measures=[]))])
    assert r["status"] == "applied", r
    [r] = a.push_ok([a.op("household", new_id(), household(county.village_a, measures=["养牛"]))])
    assert r["status"] == "rejected"
    assert "未知字段" in r["error"]["message"]
