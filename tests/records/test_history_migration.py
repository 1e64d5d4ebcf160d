"""Migration 0017 turns a store's whole-data history into an undo log: every version of
every record rebuilds from the row to what it was, on SQLite and PostgreSQL; the downgrade
gives the whole data back."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from backend import migrate
from backend.database import make_engine
from backend.models import import_all
from backend.records.registry import REGISTRY, RecordType
from backend.records.store import changed_fields, load_history, rebuild
from tests.old_schema import record_columns, reflect, seed_places_and_cadres
from tests.sync.phone import household

NOW = datetime(2026, 12, 1, tzinfo=UTC)
VILLAGE = "520623100001"


def _household() -> RecordType:
    import_all()  # the declared types (idempotent)
    return REGISTRY["household"]


def _versions() -> dict[str, list[tuple[str, dict[str, Any], list[str], bool]]]:
    """Each record's versions as 0016 stored them: (op, whole data, changed, deleted)."""
    household_rt = _household()
    v1 = household_rt.canonical(household(VILLAGE))
    v2 = household_rt.canonical({**v1, "head_name": "杨光亮", "income_per_head": 4100})
    v3 = household_rt.canonical({**v2, "causes": ["illness", "disability"], "remark": "新"})
    w1 = household_rt.canonical(household(VILLAGE, head_name="吴"))
    w2 = household_rt.canonical({**w1, "income_per_head": None})
    create = list(household_rt.fields)
    return {
        "edited-twice": [
            ("create", v1, create, False),
            ("update", v2, ["head_name", "income_per_head"], False),
            # a re-saved field is asserted without a change of value: kept in ``changed``
            ("update", v3, ["causes", "remark", "head_name"], False),
        ],
        "edited-then-deleted": [
            ("create", w1, create, False),
            ("resolve", w2, ["income_per_head"], False),
            ("delete", w2, [], True),
        ],
        "never-edited": [("create", v1, create, False)],
    }


def _seed_at_0016(engine: sa.Engine) -> None:
    t = reflect(engine)
    with engine.begin() as conn:
        seed_places_and_cadres(conn, t, [VILLAGE], [1], NOW)
        for n, (rid, versions) in enumerate(_versions().items()):
            _op, data, _changed, deleted = versions[-1]
            conn.execute(
                t["household"].insert(),
                [
                    {
                        **data,
                        **record_columns(rid, n + 1, VILLAGE, 1, NOW),
                        "version": len(versions),
                        "deleted": deleted,
                    }
                ],
            )
            conn.execute(
                t["record_history"].insert(),
                [
                    {
                        "type": "household",
                        "record_id": rid,
                        "version": v,
                        "data": data,
                        "deleted": deleted,
                        "changed": changed,
                        "village_code": VILLAGE,
                        "op": op,
                        "op_id": None,
                        "user_id": 1,
                        "device_id": "d",
                        "at": NOW,
                    }
                    for v, (op, data, changed, deleted) in enumerate(versions, 1)
                ],
            )
        conn.execute(sa.update(t["change_counter"]).values(value=3))


def _history(engine: sa.Engine) -> dict[str, list[dict[str, Any]]]:
    meta = sa.MetaData()
    meta.reflect(engine)
    h = meta.tables["record_history"]
    out: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        for r in conn.execute(sa.select(h).order_by(h.c.record_id, h.c.version)).mappings():
            out.setdefault(r["record_id"], []).append(dict(r))
    return out


def test_every_version_rebuilds_from_the_row_after_the_upgrade(
    make_database: Callable[[], str],
) -> None:
    household_rt = _household()
    url = make_database()
    migrate.upgrade(url, "0016")
    engine = make_engine(url)
    try:
        _seed_at_0016(engine)
        migrate.upgrade(url)
        history = _history(engine)
        with engine.connect() as conn:
            rows = {
                r["id"]: dict(r) for r in conn.execute(sa.select(household_rt.table)).mappings()
            }
        with Session(engine) as session:
            loaded = load_history(session, household_rt, dict.fromkeys(rows, 1), rows)
    finally:
        engine.dispose()

    originals = _versions()
    assert set(history) == set(originals)
    v1, v2, _v3 = (data for _op, data, _c, _d in originals["edited-twice"])
    # only what each version replaced: nothing for a create or a delete
    assert [h["replaced"] for h in history["edited-twice"]] == [
        {},
        {"head_name": v1["head_name"], "income_per_head": v1["income_per_head"]},
        {"causes": v2["causes"], "remark": v2["remark"]},
    ]
    assert [h["replaced"] for h in history["edited-then-deleted"]] == [
        {},
        {"income_per_head": originals["edited-then-deleted"][0][1]["income_per_head"]},
        {},
    ]
    for rid, versions in originals.items():
        row = rows[rid]
        whole = rebuild({f: row[f] for f in household_rt.fields}, row["version"], history[rid])
        assert whole == {v: data for v, (_op, data, _c, _d) in enumerate(versions, 1)}
        for v, (op, data, changed, deleted) in enumerate(versions, 1):
            h = history[rid][v - 1]
            assert (h["op"], h["deleted"]) == (op, deleted)
            # a create's fields are the type's, read from an empty list
            assert h["changed"] == ([] if op == "create" else changed)
            assert changed_fields(household_rt, h) == changed
            assert loaded[rid][v].data == data
            assert loaded[rid][v].changed == changed


def test_the_downgrade_gives_every_version_its_whole_data_back(
    make_database: Callable[[], str],
) -> None:
    url = make_database()
    migrate.upgrade(url, "0016")
    engine = make_engine(url)
    try:
        _seed_at_0016(engine)
        before = _history(engine)
        migrate.upgrade(url)
        migrate.downgrade(url, "0016")
        after = _history(engine)
    finally:
        engine.dispose()
    assert after == before
