"""Pushes committed together (backend/sync/groups.py): each in its savepoint, one commit.

The group is made by hand here, so that what a group does is tested whether or not the
timing of a test run would have put these pushes in one."""

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy import func, select

from backend.auth.dependencies import caller_before_writing
from backend.config import get_settings
from backend.database import open_session
from backend.errors import BadRequest
from backend.households.records import Household
from backend.records.models import SyncOp
from backend.sync import groups, push as push_module
from backend.sync.schemas import PushRequest
from tests.conftest import County
from tests.sync.phone import Phone, household, new_id


def waiting(phone: Phone, ops: list[dict], device_id: str | None = None) -> groups._Waiting:
    settings = get_settings()
    token = phone.headers["Authorization"].removeprefix("Bearer ")
    creds = HTTPAuthorizationCredentials(scheme="Bearer", credentials=token)
    body = PushRequest.model_validate(
        {
            "device_id": device_id or phone.device_id,
            "batch_id": str(uuid.uuid4()),
            "device_time": phone.now().isoformat(),
            "ops": ops,
        }
    )
    loop = asyncio.new_event_loop()
    try:
        done = loop.create_future()
    finally:
        loop.close()
    return groups._Waiting(settings, caller_before_writing(settings, creds), body, done)


def stored() -> tuple[int, int]:
    with open_session() as s:
        return (
            s.execute(select(func.count()).select_from(Household)).scalar_one(),
            s.execute(select(func.count()).select_from(SyncOp)).scalar_one(),
        )


def pushes(a: Phone, b: Phone, county: County) -> list[groups._Waiting]:
    first = a.op("household", new_id(), household(county.village_a, head_name="杨一"))
    return [
        waiting(a, [first]),
        # another phone's batch naming a device that is not the one it logged in with
        waiting(b, [b.op("household", new_id(), household(county.village_a))], device_id="x"),
        waiting(b, [b.op("household", new_id(), household(county.village_a, head_name="龙三"))]),
        # the first op again (a resend that caught up with it) and a new one
        waiting(
            a, [first, a.op("household", new_id(), household(county.village_a, head_name="王大"))]
        ),
    ]


def head_names(phone: Phone) -> list[str]:
    records, _ = phone.pull_all()
    return sorted(r["data"]["head_name"] for r in records if r["type"] == "household")


def test_a_group_is_one_batch_and_a_refused_push_leaves_the_rest(client, county: County) -> None:
    a, b = Phone(client, "cadre_a", "d-a1"), Phone(client, "cadre_a2", "d-a2")
    group = pushes(a, b, county)
    groups._apply(group)

    assert group[0].answer is not None
    assert [r.status for r in group[0].answer.results] == ["applied"]
    assert isinstance(group[1].error, BadRequest)
    assert group[2].answer is not None
    assert group[3].answer is not None
    assert [r.status for r in group[3].answer.results] == ["duplicate", "applied"]
    assert stored() == (3, 3)  # committed, read from another session
    assert head_names(b) == ["杨一", "王大", "龙三"]


def test_a_push_that_fails_leaves_the_rest_of_its_group(
    client, county: County, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fault between writing and committing: the group as one batch fails, so it is
    applied again push by push, and only the push the fault hits fails."""
    a, b = Phone(client, "cadre_a", "d-a1"), Phone(client, "cadre_a2", "d-a2")
    group = pushes(a, b, county)
    written = 0

    def crash(_settings: object) -> None:
        nonlocal written
        written += 1
        # 1: the group as one batch; then one by one: 杨一 (2), 龙三 (3), 王大 (4) — the
        # second push is refused before it writes anything.
        if written in (1, 3):
            raise RuntimeError("the server fails between writing a batch and committing it")

    monkeypatch.setattr(push_module.failpoints, "reached", crash)
    groups._apply(group)

    assert written == 4
    assert group[0].answer is not None
    assert [r.status for r in group[0].answer.results] == ["applied"]
    assert isinstance(group[1].error, BadRequest)
    assert isinstance(group[2].error, RuntimeError)
    assert group[3].answer is not None
    assert [r.status for r in group[3].answer.results] == ["duplicate", "applied"]
    assert stored() == (2, 2)  # nothing of 龙三, nor of the first attempt
    assert head_names(b) == ["杨一", "王大"]


def test_a_group_stops_at_its_size(client, county: County, monkeypatch: pytest.MonkeyPatch) -> None:
    a = Phone(client, "cadre_a", "d-a1")
    monkeypatch.setattr(groups, "MAX_GROUP_OPS", 1_000)

    def ops(n: int) -> list[dict]:
        return [a.op("household", new_id(), household(county.village_a)) for _ in range(n)]

    queue = [waiting(a, ops(n)) for n in (400, 500, 200, 50)]
    assert [len(w.body.ops) for w in groups._take(queue)] == [400, 500]
    assert [len(w.body.ops) for w in groups._take(queue)] == [200, 50]
    assert groups._take(queue) == []


def drain(queue: list[groups._Waiting], loop: asyncio.AbstractEventLoop) -> None:
    """One turn's ``_drain``, then one pass of ``loop``, which sets the answers: in a thread
    of its own, where no other test's event loop can be running."""

    def turn() -> None:
        groups._drain(queue, loop)
        loop.run_until_complete(asyncio.sleep(0))

    with ThreadPoolExecutor(1) as pool:
        pool.submit(turn).result()


def test_a_turn_applies_groups_one_after_another_and_then_goes_round(
    client, county: County, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The holder of the turn applies the waiting pushes group after group, each answered as
    it commits, a group that fails answered with its error and the next applied all the
    same; after ``GROUPS_PER_TURN`` groups the rest wait for the next turn."""
    a = Phone(client, "cadre_a", "d-a1")
    monkeypatch.setattr(groups, "MAX_GROUP_OPS", 2)
    monkeypatch.setattr(groups, "GROUPS_PER_TURN", 3)
    applied = 0
    real_apply = groups._apply

    def second_fails(group: list[groups._Waiting]) -> None:
        nonlocal applied
        applied += 1
        if applied == 2:
            raise RuntimeError("the commit failed")
        real_apply(group)

    monkeypatch.setattr(groups, "_apply", second_fails)
    loop = asyncio.new_event_loop()
    try:
        queue = []
        for k in range(8):
            w = waiting(
                a, [a.op("household", new_id(), household(county.village_a, head_name=f"户{k}"))]
            )
            w.done = loop.create_future()
            queue.append(w)
        pending = list(queue)

        drain(queue, loop)
        assert [w.done.done() for w in pending] == [True] * 6 + [False] * 2
        assert [type(w.done.exception()) for w in pending[2:4]] == [RuntimeError] * 2
        assert stored() == (4, 4)

        drain(queue, loop)
        assert queue == []
        answers = [w.done.result() for w in pending[:2] + pending[4:]]
        assert [r.status for ans in answers for r in ans.results] == ["applied"] * 6
    finally:
        loop.close()
    assert stored() == (6, 6)
    assert head_names(a) == [f"户{k}" for k in (0, 1, 4, 5, 6, 7)]
