"""Faults on a real uvicorn: a SIGKILL in the middle of a batch, one batch on two connections
at once, and a transaction that takes its sequence numbers early but commits late."""

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from backend.database import open_session
from backend.households.records import Household
from backend.records.models import RecordHistory, SyncOp
from backend.records.registry import REGISTRY
from backend.sync import sequence
from tests.conftest import PASSWORD, County, wait_for_failpoint
from tests.sync.phone import household, new_id

pytestmark = pytest.mark.server


def token(url: str, username: str, device: str) -> dict[str, str]:
    r = httpx.post(
        f"{url}/api/v1/auth/token",
        json={"username": username, "password": PASSWORD, "device_id": device},
    )
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def batch(county: County, n: int, device: str = "d-a1") -> dict[str, Any]:
    now = datetime.now(UTC).isoformat()
    return {
        "device_id": device,
        "batch_id": str(uuid.uuid4()),
        "device_time": now,
        "ops": [
            {
                "op_id": str(uuid.uuid4()),
                "type": "household",
                "id": new_id(),
                "base_version": None,
                "set": household(county.village_a, head_name=f"户{i}"),
                "recorded_at": now,
            }
            for i in range(n)
        ],
    }


def stored_counts() -> tuple[int, int, int]:
    with open_session() as s:
        return (
            s.execute(select(func.count()).select_from(Household)).scalar_one(),
            s.execute(select(func.count()).select_from(RecordHistory)).scalar_one(),
            s.execute(select(func.count()).select_from(SyncOp)).scalar_one(),
        )


def test_sigkill_in_the_middle_of_a_batch_leaves_nothing(
    live_server, county: County, tmp_path: Path
) -> None:
    ready = tmp_path / "failpoint-ready"
    server = live_server(
        MINQING_FAILPOINT_PUSH_SLEEP_S="30", MINQING_FAILPOINT_READY_FILE=str(ready)
    )
    headers = token(server.url, "cadre_a", "d-a1")
    body = batch(county, 200)
    failed: list[BaseException] = []

    def send() -> None:
        try:
            httpx.post(f"{server.url}/api/v1/sync/push", json=body, headers=headers, timeout=60)
        except httpx.HTTPError as exc:
            failed.append(exc)

    t = threading.Thread(target=send)
    t.start()
    assert wait_for_failpoint(ready, t), "the batch never reached the failpoint"
    server.kill()  # the batch is written, not committed, and the server sleeps
    t.join()
    assert failed, "the phone never got an answer"
    assert stored_counts() == (0, 0, 0)

    server = live_server()  # restarted, no failpoint
    headers = token(server.url, "cadre_a", "d-a1")
    r = httpx.post(f"{server.url}/api/v1/sync/push", json=body, headers=headers, timeout=60)
    assert r.status_code == 200
    assert {x["status"] for x in r.json()["results"]} == {"applied"}
    assert stored_counts() == (200, 200, 200)


def test_one_batch_on_two_connections_has_one_effect(live_server, county: County) -> None:
    server = live_server()
    headers = token(server.url, "cadre_a", "d-a1")
    body = batch(county, 300)

    def send(_: int) -> list[str]:
        with httpx.Client(timeout=60) as c:
            r = c.post(f"{server.url}/api/v1/sync/push", json=body, headers=headers)
            assert r.status_code == 200, r.text
            return sorted({x["status"] for x in r.json()["results"]})

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(send, range(4)))
    assert sorted(outcomes) == [["applied"], ["duplicate"], ["duplicate"], ["duplicate"]]
    assert stored_counts() == (300, 300, 300)


def test_a_late_commit_is_never_skipped_by_a_pull(live_server, county: County) -> None:
    """Transaction A takes its sequence number first and commits last; B pushes meanwhile.
    A pull between them must not move its cursor past A's number."""
    server = live_server()
    headers = token(server.url, "cadre_a", "d-a1")
    rt = REGISTRY["household"]
    slow = open_session(write=True)
    last = sequence.lock(slow)
    first = sequence.take(slow, last, 1)
    slow_id = new_id()
    now = datetime.now(UTC)
    slow.connection().execute(
        rt.table.insert(),
        [
            {
                **rt.schema.model_validate(household(county.village_a)).model_dump(mode="json"),
                "id": slow_id,
                "version": 1,
                "deleted": False,
                "seq": first,
                "village_code": county.village_a,
                "has_conflict": False,
                "created_at": now,
                "created_by": county.users["cadre_a"],
                "created_device": "x",
                "updated_at": now,
                "updated_by": county.users["cadre_a"],
                "updated_device": "x",
            }
        ],
    )
    answers: list[httpx.Response] = []
    fast = threading.Thread(
        target=lambda: answers.append(
            httpx.post(
                f"{server.url}/api/v1/sync/push", json=batch(county, 1), headers=headers, timeout=60
            )
        )
    )
    fast.start()
    time.sleep(1.0)
    mid = httpx.get(f"{server.url}/api/v1/sync/pull", headers=headers, timeout=30).json()
    assert mid["records"] == []  # neither is visible yet: B waits for A's lock
    slow.commit()
    slow.close()
    fast.join()
    assert answers[0].status_code == 200
    after = httpx.get(
        f"{server.url}/api/v1/sync/pull",
        params={"cursor": mid["cursor"]},
        headers=headers,
        timeout=30,
    ).json()
    ids = [r["id"] for r in after["records"]]
    assert ids[0] == slow_id
    assert len(ids) == 2


def test_pulls_while_pushes_run_miss_nothing(live_server, county: County) -> None:
    """Four phones push 10 batches each while a fifth pulls over and over with its cursor:
    every record ends up pulled, none twice at the same version."""
    server = live_server()
    pushers = [token(server.url, "cadre_a", f"d-p{i}") for i in range(4)]
    reader = token(server.url, "cadre_a2", "d-reader")
    done = threading.Event()
    seen: dict[str, int] = {}
    duplicates: list[str] = []

    def pull_loop() -> None:
        cursor = None
        with httpx.Client(base_url=server.url, timeout=60) as c:
            while True:
                finished = done.is_set()
                while True:
                    params = {"limit": 37} | ({"cursor": cursor} if cursor else {})
                    body = c.get("/api/v1/sync/pull", params=params, headers=reader).json()
                    for r in body["records"]:
                        if seen.get(r["id"]) == r["version"]:
                            duplicates.append(r["id"])
                        seen[r["id"]] = r["version"]
                    cursor = body["cursor"]
                    if not body["more"]:
                        break
                if finished:
                    return

    def push_loop(i: int) -> list[str]:
        ids: list[str] = []
        with httpx.Client(base_url=server.url, timeout=60) as c:
            for _ in range(10):
                b = batch(county, 20, device=f"d-p{i}")
                r = c.post("/api/v1/sync/push", json=b, headers=pushers[i])
                assert r.status_code == 200
                ids += [op["id"] for op in b["ops"]]
        return ids

    reader_thread = threading.Thread(target=pull_loop)
    reader_thread.start()
    with ThreadPoolExecutor(4) as pool:
        pushed = [i for ids in pool.map(push_loop, range(4)) for i in ids]
    done.set()
    reader_thread.join()
    assert set(seen) == set(pushed)
    assert len(pushed) == 800
    assert duplicates == []
