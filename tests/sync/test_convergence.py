"""Property: any interleaving, duplication and reordering of batches from several phones
converges to the same store state and loses no op.

Three phones (two of one cadre, one of another) start from the same pulled household and
edit it offline — every edit an op from base version 1, as a phone that has not synced
does. Their batches arrive interleaved in any order, some sent twice. Whatever the order,
each field must end at the value observed last in the field (the contract's rule for
conflicts), every op must have exactly one stored verdict, and members added on different
phones must all be there.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import func, select

from backend.database import open_session
from backend.households.records import Household, Member
from backend.records.models import SyncOp
from tests.conftest import County
from tests.sync.phone import Phone, household, new_id

FIELDS = {
    "income_per_head": lambda v: 1000 * v,
    "address": lambda v: f"茅坡村{v}组",
    "poverty_status": lambda v: ["out", "monitored", "out", "monitored"][v % 4],
    "causes": lambda v: [["illness"], ["no_skills"], ["no_funds", "other"], []][v % 4],
}
BASE = {"income_per_head": 0, "address": "原址", "poverty_status": "not_out", "causes": ["other"]}

edit = st.tuples(
    st.integers(0, 2),  # phone
    st.sampled_from([*FIELDS, "member"]),
    st.integers(1, 4),  # value
)
scenario = st.tuples(
    st.lists(edit, min_size=1, max_size=10),
    st.integers(1, 3),  # ops per batch
    st.lists(st.integers(0, 5), min_size=0, max_size=40),  # delivery choices
)


# hypothesis runs many examples in one test: the phones log in once, not per example.
@pytest.fixture
def phones(client, county: County) -> list[Phone]:
    return [
        Phone(client, "cadre_a", "d-a1"),
        Phone(client, "cadre_a", "d-a1b"),
        Phone(client, "cadre_a2", "d-a2"),
    ]


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenario)
def test_any_delivery_order_converges(
    client, county: County, phones: list[Phone], case: Any
) -> None:
    edits, per_batch, choices = case
    origin = phones[0]
    hid = new_id()
    origin.push_ok([origin.op("household", hid, household(county.village_a, **BASE))])

    start = datetime.now(UTC) - timedelta(days=1)
    expected = dict(BASE)
    outboxes: list[list[dict[str, Any]]] = [[], [], []]
    members: set[str] = set()
    for k, (p, field, v) in enumerate(edits):
        when = start + timedelta(minutes=k)  # distinct field times, in edit order
        if field == "member":
            mid = new_id()
            members.add(mid)
            op = phones[p].op(
                "member", mid, {"household_id": hid, "name": f"成员{k}"}, recorded_at=when
            )
        else:
            value = FIELDS[field](v)
            expected[field] = value  # the later edit in field time wins
            op = phones[p].op("household", hid, {field: value}, base=1, recorded_at=when)
        outboxes[p].append(op)
    batches = [[box[i : i + per_batch] for i in range(0, len(box), per_batch)] for box in outboxes]

    # Deliver: each choice picks a phone to send its next batch, or re-sends one already sent.
    sent: list[list[dict[str, Any]]] = []
    nxt = [0, 0, 0]
    op_ids = {op["op_id"] for box in outboxes for op in box}
    for c in choices:
        if c < 3 and nxt[c] < len(batches[c]):
            sent.append(batches[c][nxt[c]])
            phones[c].push_ok(batches[c][nxt[c]])
            nxt[c] += 1
        elif c >= 3 and sent:
            phones[c - 3].push_ok(sent[c % len(sent)])  # a retry after a lost answer
    for p in range(3):  # finally every phone empties its outbox
        for b in batches[p][nxt[p] :]:
            phones[p].push_ok(b)

    with open_session() as s:
        h = s.get(Household, hid)
        assert h is not None
        assert {f: getattr(h, f) for f in FIELDS} == expected
        stored_members = set(
            s.execute(select(Member.id).where(Member.household_id == hid)).scalars()
        )
        assert stored_members == members
        verdicts = s.execute(
            select(SyncOp.op_id, func.count())
            .where(SyncOp.op_id.in_(op_ids))
            .group_by(SyncOp.op_id)
        ).all()
        assert {op_id for op_id, _ in verdicts} == op_ids
        assert all(n == 1 for _, n in verdicts)
