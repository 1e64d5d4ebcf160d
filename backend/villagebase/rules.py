"""Whether a village's value of an indicator is met, and the seeds' collective income tiers.

The phone shows the same status from the same few lines (pwa/src/villagebase.js
``status``); both sides run the cases of tests/villagebase/cases.json.
"""

from dataclasses import dataclass
from typing import Any

from backend.villagebase.records import VALUE_FIELD

FILLED, MET, NOT_MET, EMPTY = "filled", "met", "not_met", "empty"


def value_of(kind: str, value: dict[str, Any] | None) -> Any:
    """The value a village gave (None: not filled), from the field its kind uses."""
    if value is None:
        return None
    v = value.get(VALUE_FIELD[kind])
    return None if v == "" else v


def status(indicator: dict[str, Any], value: dict[str, Any] | None) -> str:
    """``empty`` (not filled), ``filled`` (no rule), ``met`` or ``not_met``."""
    v = value_of(indicator["kind"], value)
    if v is None:
        return EMPTY
    rule, t = indicator.get("rule"), indicator.get("threshold")
    if rule is None:
        return FILLED
    if rule in ("ge", "le", "eq"):
        if t is None:
            return FILLED
        ok = v >= t if rule == "ge" else v <= t if rule == "le" else v == t
    elif rule == "yes":
        ok = v is True
    elif rule == "no":
        ok = v is False
    else:  # one_of
        ok = v in (indicator.get("met_options") or [])
    return MET if ok else NOT_MET


@dataclass(frozen=True)
class Tier:
    code: str
    label: str
    short: str  # on a chart's 7-character label
    low: float  # the tier holds incomes ≥ low and < high (0 alone for 空壳村)
    high: float


# The seeds' thresholds of collective economy income (Baoshan: "空壳村", 5万, 30万 富裕村,
# 50万, 100万 yuan a year).
TIERS = (
    Tier("shell", "空壳村（0元）", "空壳村", 0, 0),
    Tier("lt5", "5万元以下", "5万以下", 0, 50_000),
    Tier("5to30", "5万–30万元", "5–30万", 50_000, 300_000),
    Tier("30to50", "30万–50万元", "30–50万", 300_000, 500_000),
    Tier("50to100", "50万–100万元", "50–100万", 500_000, 1_000_000),
    Tier("gt100", "100万元以上", "100万以上", 1_000_000, float("inf")),
)
NO_DATA = Tier("none", "未填报", "未填报", 0, 0)
TIER_SHORT = {t.code: t.short for t in (*TIERS, NO_DATA)}


def tier_of(income: float | None) -> Tier:
    """The tier of a year's collective economy income (yuan); NO_DATA when not filled."""
    if income is None:
        return NO_DATA
    if income <= 0:
        return TIERS[0]
    return next(t for t in TIERS[1:] if t.low <= income < t.high)
