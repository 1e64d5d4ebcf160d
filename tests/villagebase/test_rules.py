"""The server's side of the cases the phone is tested on too (pwa/test/villagebase.test.js):
the same ids for the same village, year and indicator, and the same met / not met."""

import json
from pathlib import Path

import pytest

from backend.villagebase import rules
from backend.villagebase.records import value_id

CASES = json.loads((Path(__file__).parent / "cases.json").read_text())


@pytest.mark.parametrize(("village", "year", "indicator", "expected"), CASES["ids"])
def test_a_value_has_one_id(village: str, year: int, indicator: str, expected: str) -> None:
    assert value_id(village, year, indicator) == expected


@pytest.mark.parametrize(("indicator", "value", "expected"), CASES["status"])
def test_met_or_not(indicator: dict, value: dict | None, expected: str) -> None:
    assert rules.status(indicator, value) == expected


@pytest.mark.parametrize(
    ("income", "tier"),
    [
        (None, "none"),
        (0, "shell"),
        (1, "lt5"),
        (49_999, "lt5"),
        (50_000, "5to30"),
        (300_000, "30to50"),
        (500_000, "50to100"),
        (999_999, "50to100"),
        (1_000_000, "gt100"),
    ],
)
def test_the_income_tiers(income: float | None, tier: str) -> None:
    assert rules.tier_of(income).code == tier
