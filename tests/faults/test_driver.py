"""The fault driver in CI: a short run per seed on one real uvicorn (tests/faults/driver.py).

``MINQING_FAULT_SEEDS`` sets how many seeds (100 by default); for long runs use the command,
``python -m tests.faults.driver --seeds 1000``.
"""

import os
from collections.abc import Callable, Iterator

import pytest

from tests.faults.driver import SHORT, Driver, Figures

pytestmark = pytest.mark.server

SEEDS = int(os.environ.get("MINQING_FAULT_SEEDS", "100"))


@pytest.fixture(scope="module")
def driver(make_database: Callable[[], str]) -> Iterator[Driver]:
    """One server and database for all the seeds; each seed makes villages of its own."""
    from backend import migrate

    url = make_database()
    migrate.upgrade(url)
    d = Driver(url, SHORT)
    yield d
    d.close()


@pytest.fixture(scope="module")
def figures() -> Figures:
    return Figures()


@pytest.mark.parametrize("seed", range(SEEDS))
def test_nothing_is_lost(driver: Driver, figures: Figures, seed: int) -> None:
    report = driver.run_seed(seed)
    figures.add(report)
    assert not report.failures, f"seed {seed}:\n" + "\n".join(report.failures[:20])


def test_the_faults_really_happened(figures: Figures) -> None:
    """A driver that stopped injecting faults would pass every seed: the run must have had
    kills, cuts, lost answers, replays, double sends, token drops, and merges, conflicts,
    rejections and ops committed while the phone did not know."""
    if figures.seeds < min(SEEDS, 100):
        pytest.skip("needs the seeds' run (runs after them)")
    s = figures.stats
    happened = {
        "kills": figures.kills,
        "cuts": s.cuts,
        "lost answers": s.lost_answers,
        "double sends": s.double_sends,
        "replays": s.replays,
        "token drops": s.token_drops,
        "lost refresh answers": s.lost_refreshes,
        "merged": s.merged,
        "conflicts": s.conflict,
        "rejected": s.rejected,
        "duplicates": s.duplicates,
        "committed while the phone did not know": figures.ops.get("committed_unknown", 0),
    }
    assert all(happened.values()), happened
