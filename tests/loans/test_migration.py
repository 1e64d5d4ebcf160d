"""Migration 0013: every household that had a loan (the old yes/no ``relief_loan``) keeps
one, as a loan record made the way the store makes records — version 1, a change number
after every earlier one (so the next pull brings it), a 'create' entry in the history,
filed under the household's village, by the household's author."""

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import command

from backend import migrate

BEFORE = "0008"


def _insert(conn: sa.Connection, name: str, rows: list[dict[str, Any]]) -> None:
    """Rows into a table as it stands at ``BEFORE`` (reflected: the models are at head)."""
    table = sa.Table(name, sa.MetaData(), autoload_with=conn)
    conn.execute(table.insert(), [{k: v for k, v in r.items() if k in table.c} for r in rows])


def _household(hid: str, village: str, user: int, seq: int, **data: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "id": hid,
        "version": 1,
        "deleted": data.pop("deleted", False),
        "seq": seq,
        "village_code": village,
        "has_conflict": False,
        "created_at": now,
        "created_by": user,
        "created_device": "d",
        "updated_at": now,
        "updated_by": user,
        "updated_device": "d",
        "head_name": "户主",
        "poverty_category": "general",
        "poverty_status": "not_out",
        "causes": [],
        "measures": [],
        "relocated": False,
        "relief_loan": False,
        **data,
    }


def test_every_household_that_had_a_loan_keeps_one(make_database: Callable[[], str]) -> None:
    url = make_database()
    cfg = migrate.alembic_config(url)
    command.upgrade(cfg, BEFORE)
    engine = sa.create_engine(url)
    villages = ["520623100001", "520623100002"]
    with engine.begin() as conn:
        _insert(conn, "county", [{"code": "520623", "name": "玉屏侗族自治县"}])
        _insert(conn, "township", [{"code": "520623100", "county_code": "520623", "name": "镇"}])
        _insert(
            conn,
            "village",
            [
                {"code": v, "township_code": "520623100", "name": v, "is_poor": True}
                for v in villages
            ],
        )
        users = [
            {
                "id": n,
                "username": f"cadre{n}",
                "password_hash": "x",
                "display_name": "",
                "role": "cadre",
                "phone": "",
                "county_code": "520623",
                "county_wide": False,
                "is_active": True,
                "created_at": datetime.now(UTC),
            }
            for n in (1, 2)
        ]
        _insert(conn, "user", users)
        households, with_loan = [], {}
        for n in range(30):
            hid, village, author = str(uuid.uuid4()), villages[n % 2], 1 + n % 2
            flagged = n % 3 == 0
            households.append(_household(hid, village, author, n + 1, relief_loan=flagged))
            if flagged:
                with_loan[hid] = (village, author)
        # a flagged household deleted before the migration: its tombstone gets no loan
        gone = str(uuid.uuid4())
        households.append(_household(gone, villages[0], 1, 31, relief_loan=True, deleted=True))
        _insert(conn, "household", households)
        conn.execute(sa.text("UPDATE change_counter SET value = 31 WHERE id = 1"))

    # 0013's own rows, whole data (0017 turns history entries into undo entries)
    command.upgrade(cfg, "0013")

    with engine.connect() as conn:
        loans = conn.execute(sa.text("SELECT * FROM loan")).mappings().all()
        history = (
            conn.execute(sa.text("SELECT * FROM record_history WHERE type = 'loan'"))
            .mappings()
            .all()
        )
        counter = conn.execute(sa.text("SELECT value FROM change_counter")).scalar_one()
        flags = conn.execute(
            sa.text("SELECT count(*) FROM household WHERE relief_loan = :t"), {"t": True}
        ).scalar_one()
    engine.dispose()

    # one loan per household that had one, none for the others nor the tombstone
    assert sorted(r["household_id"] for r in loans) == sorted(with_loan)
    for r in loans:
        village, author = with_loan[r["household_id"]]
        assert (r["village_code"], r["created_by"], r["updated_by"]) == (village, author, author)
        assert (r["version"], r["deleted"], r["has_conflict"]) == (1, False, False)
        # what is known: the scheme's terms; what is not stays empty, never a guessed 50,000
        assert (r["lender"], r["term_years"], r["status"], r["use"]) == (
            "rural_credit",
            3,
            "lent",
            "pooled",
        )
        assert (r["dividend_per_year"], r["collective_per_year"]) == (4000, 1000)
        assert r["amount"] is None
        assert r["lent_on"] is None
        assert r["pooled_into"] is None
        assert "待补录" in r["note"]
    # change numbers after every earlier record's, each its own, the counter moved past them
    seqs = sorted(r["seq"] for r in loans)
    assert seqs == list(range(32, 32 + len(with_loan)))
    assert counter == seqs[-1]
    # each loan has its 'create' entry, holding the same data as the row
    assert {h["record_id"] for h in history} == {r["id"] for r in loans}
    by_id = {r["id"]: r for r in loans}
    for h in history:
        assert (h["version"], h["op"], h["deleted"]) == (1, "create", False)
        row = by_id[h["record_id"]]
        assert h["village_code"] == row["village_code"]
        assert h["user_id"] == row["created_by"]
        data = h["data"] if isinstance(h["data"], dict) else json.loads(h["data"])
        assert data["household_id"] == row["household_id"]
        assert data["status"] == "lent"
    # the flag stays as it was: the households still say they had a loan
    assert flags == len(with_loan) + 1

    # down and up again: the same households get the same loans (ids derived from theirs)
    command.downgrade(cfg, BEFORE)
    command.upgrade(cfg, "head")
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        again = {r[0] for r in conn.execute(sa.text("SELECT id FROM loan"))}
    engine.dispose()
    assert again == set(by_id)
