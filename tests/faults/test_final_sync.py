"""The fault driver's final sync comes after every push the server took (tests/faults/driver.py).

A phone lost for good may leave behind a push it cut: the server goes on applying it after
the phone stopped listening. Pulls do not wait for the writers, so a final pull made at
once could miss records that commit a moment later, and the checks would count them as
missed. The driver's empty push (``Phone.barrier``) waits its turn behind that push.
"""

import random
import threading
import time
from collections.abc import Callable
from contextlib import suppress

import pytest

from tests.faults.driver import SHORT, Driver
from tests.faults.phone import NoAnswer, NotSent, OpLog

pytestmark = pytest.mark.server


def test_the_empty_push_waits_for_a_cut_push_the_server_is_still_applying(
    make_database: Callable[[], str],
) -> None:
    from backend import migrate

    url = make_database()
    migrate.upgrade(url)
    driver = Driver(url, SHORT)
    try:
        world = driver.world.make_seed()
        cadre = next(iter(world.cadres))
        ledger: dict[str, OpLog] = {}
        lock = threading.Lock()
        lost, other = (
            driver.phone(world, cadre, dev, random.Random(dev), ledger, lock)
            for dev in ("d1", "d2")
        )
        for p in (lost, other):
            p.login()
        lost.work_on_start(1)
        # The push sleeps between its writes and its commit, and says when it got there.
        ready = driver._tmp / "written"
        driver.server.kill()
        driver.server.start(
            MINQING_FAILPOINT_PUSH_SLEEP_S="2", MINQING_FAILPOINT_READY_FILE=str(ready)
        )

        def cut() -> None:
            with suppress(NoAnswer, NotSent):
                lost.push_one("cut", 50)

        sender = threading.Thread(target=cut)
        sender.start()
        # Not conftest's wait_for_failpoint: a cut sender stops listening at once, and that
        # helper gives up when its sender ends.
        deadline = time.monotonic() + 30
        while not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert ready.exists(), "the cut push never reached its commit"
        sent = {(op["type"], op["id"]) for op in lost.bodies[-1]["ops"]}
        assert sent

        other.pull()  # at once: the cut push has not committed yet
        assert not sent & set(other.pulled)
        other.barrier()
        other.pull()
        assert sent <= set(other.pulled)
        sender.join()
        assert not other.failures
        for p in (lost, other):
            p.close()
    finally:
        driver.close()
