"""With CI=true a skipped browser test fails the run (the hook in tests/conftest.py); without
it, the skip stays a skip. Run in a pytest of its own on a two-test file."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

TESTS = """
import pytest

@pytest.mark.browser
def test_in_chromium():
    pytest.skip("no Chromium")

def test_elsewhere():
    pytest.skip("not here")
"""


def run(tmp_path: Path, ci: str | None) -> str:
    (tmp_path / "conftest.py").write_text("from tests.conftest import pytest_runtest_makereport\n")
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n  browser: real Chromium\n")
    (tmp_path / "test_skips.py").write_text(TESTS)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = str(ROOT)
    if ci is not None:
        env["CI"] = ci
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rfEs", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("ci", [None, "false"])
def test_a_skip_is_a_skip_outside_ci(tmp_path: Path, ci: str | None) -> None:
    assert run(tmp_path, ci).startswith("2 skipped")


def test_under_ci_a_skipped_browser_test_fails(tmp_path: Path) -> None:
    assert run(tmp_path, "true").startswith("1 failed, 1 skipped")
