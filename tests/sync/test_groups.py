"""Pushes committed together (backend/sync/groups.py): each in its savepoint, one commit.

The group is made by hand here, so that what a group does is tested whether or not the
timing of a test run would have put these pushes in one."""

import asyncio
import uuid

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


def test_a_failing_push_leaves_the_rest_of_its_group(
    client, county: County, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = Phone(client, "cadre_a", "d-a1"), Phone(client, "cadre_a2", "d-a2")
    first = a.op("household", new_id(), household(county.village_a, head_name="杨一"))
    group = [
        waiting(a, [first]),
        # another phone's batch naming a device that is not the one it logged in with
        waiting(b, [b.op("household", new_id(), household(county.village_a))], device_id="x"),
        # a batch that dies after writing its rows (the fault is injected below)
        waiting(b, [b.op("household", new_id(), household(county.village_a, head_name="龙三"))]),
        # the first op again (a resend that caught up with it) and a new one
        waiting(
            a, [first, a.op("household", new_id(), household(county.village_a, head_name="王大"))]
        ),
    ]
    written = 0

    def crash_the_second_written(_settings: object) -> None:
        nonlocal written
        written += 1
        if written == 2:
            raise RuntimeError("the server fails between writing a batch and committing it")

    monkeypatch.setattr(push_module.failpoints, "reached", crash_the_second_written)
    groups._apply(group)

    assert group[0].answer is not None
    assert [r.status for r in group[0].answer.results] == ["applied"]
    assert isinstance(group[1].error, BadRequest)
    assert isinstance(group[2].error, RuntimeError)
    assert group[3].answer is not None
    assert [r.status for r in group[3].answer.results] == ["duplicate", "applied"]
    assert stored() == (2, 2)  # committed, read from another session; nothing of 龙三
    records, _ = b.pull_all()
    assert sorted(r["data"]["head_name"] for r in records if r["type"] == "household") == [
        "杨一",
        "王大",
    ]


def test_a_group_stops_at_its_size(client, county: County, monkeypatch: pytest.MonkeyPatch) -> None:
    a = Phone(client, "cadre_a", "d-a1")
    monkeypatch.setattr(groups, "MAX_GROUP_OPS", 1_000)

    def ops(n: int) -> list[dict]:
        return [a.op("household", new_id(), household(county.village_a)) for _ in range(n)]

    queue = groups._Queue([waiting(a, ops(n)) for n in (400, 500, 200, 50)])
    assert [len(w.body.ops) for w in groups._take(queue)] == [400, 500]
    assert [len(w.body.ops) for w in groups._take(queue)] == [200, 50]
    assert groups._take(queue) == []
