"""A batch that commits between the statements of one pull must not be skipped.

A pull reads each record type with a statement of its own. On PostgreSQL (READ COMMITTED)
each statement sees what committed before it: a batch committing a household (seq N) and
its member (seq N+1) after the household statement and before the member statement showed
the member without the household, the cursor moved past N, and the household never
reached the phone. Found by the fault driver (python -m tests.faults.driver, PostgreSQL).
"""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event

from backend.database import get_engine, open_session
from backend.records.registry import REGISTRY
from backend.sync import sequence
from tests.conftest import County
from tests.sync.phone import Phone, household, new_id


def _commit_household_and_member(county: County) -> tuple[str, str]:
    """Another writer, as a push would: the sequence lock, a household and its member."""
    h, m = new_id(), new_id()
    now = datetime.now(UTC)
    common: dict[str, Any] = {
        "version": 1,
        "deleted": False,
        "village_code": county.village_a,
        "has_conflict": False,
        "created_at": now,
        "created_by": county.users["cadre_a"],
        "created_device": "other",
        "updated_at": now,
        "updated_by": county.users["cadre_a"],
        "updated_device": "other",
    }
    with open_session(write=True) as s:
        first = sequence.take(s, sequence.lock(s), 2)
        hh, mm = REGISTRY["household"], REGISTRY["member"]
        s.connection().execute(
            hh.table.insert(),
            [{**hh.canonical(household(county.village_a)), **common, "id": h, "seq": first}],
        )
        s.connection().execute(
            mm.table.insert(),
            [
                {
                    **mm.canonical({"household_id": h, "name": "龙小军"}),
                    **common,
                    "id": m,
                    "seq": first + 1,
                }
            ],
        )
        s.commit()
    return h, m


@pytest.fixture
def commit_after_household_statement(county: County) -> Iterator[list[tuple[str, str]]]:
    """Once: right after a pull's household statement ran, another writer commits."""
    made: list[tuple[str, str]] = []

    def after(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if (
            not made
            and statement.lstrip().upper().startswith("SELECT")
            and "FROM household" in statement
            and "seq >" in statement
        ):
            made.append(_commit_household_and_member(county))

    engine = get_engine()
    event.listen(engine, "after_cursor_execute", after)
    yield made
    event.remove(engine, "after_cursor_execute", after)


def test_a_commit_between_the_statements_of_a_pull_is_not_skipped(
    client, county: County, commit_after_household_statement: list[tuple[str, str]]
) -> None:
    phone = Phone(client, "cadre_a", "d-a")
    first, cursor = phone.pull_all()
    assert commit_after_household_statement, "the other writer did not run"
    second, _ = phone.pull_all(cursor)
    pulled = {r["id"] for r in first + second}
    h, m = commit_after_household_statement[0]
    assert {h, m} <= pulled, "a record committed during a pull was skipped for good"
