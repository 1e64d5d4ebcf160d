"""The demo county's village information base (小康信息库): the default 27 indicators and
every village's values for last year and this year, drawn from a generator of its own.

Last year's base is complete; this year most villages have filled it all, some only part
(the completeness report has something to find). Collective income follows the seeds'
picture: poor villages many 空壳村 last year, fewer this year; a few rich villages over
500,000 yuan. A yes/no once met stays met; a poor village's gaps close a year at a time.
"""

import random
from collections.abc import Callable
from typing import Any

from backend.demo.county import COUNTY_CODE, TODAY, VillagePlan
from backend.demo.load import Loader
from backend.villagebase.defaults import DEFAULTS, INCOME_CODE, indicator_id
from backend.villagebase.records import INDICATOR, INDICATOR_VALUE, VALUE_FIELD, value_id

THIS_YEAR = TODAY.year
# Last year's income tier weights: 空壳村, <5万, 5–30万, 30–50万, 50–100万, >100万.
_POOR_TIERS = (0.3, 0.35, 0.27, 0.05, 0.03, 0.0)
_OTHER_TIERS = (0.06, 0.2, 0.44, 0.15, 0.1, 0.05)
_TIER_RANGES = (
    (0, 0),
    (3_000, 49_900),
    (50_000, 299_000),
    (300_000, 499_000),
    (500_000, 990_000),
    (1_000_000, 2_400_000),
)
_ASKS = ("修通组路", "发展产业项目", "饮水管网改造", "入户路硬化", "建文化广场", "解决看病难")


def _income(rng: random.Random, poor: bool) -> tuple[float, float]:
    """(last year, this year) in yuan, rounded to 100."""
    weights = _POOR_TIERS if poor else _OTHER_TIERS
    low, high = rng.choices(_TIER_RANGES, weights)[0]
    last = round(rng.uniform(low, high), -2)
    if last == 0:
        this = 0.0 if rng.random() < 0.55 else round(rng.uniform(8_000, 60_000), -2)
    else:
        this = round(last * rng.uniform(0.9, 1.6), -2)
    return float(last), float(this)


def _draw(rng: random.Random, v: VillagePlan) -> dict[str, tuple[Any, Any]]:
    """Each indicator's (last year, this year) value for one village, by code."""
    poor = v.is_poor
    people = rng.randint(800, 2600)
    out: dict[str, tuple[Any, Any]] = {}
    ratio = rng.uniform(4, 14) if poor else rng.uniform(0, 3.5)
    ratio_now = ratio * rng.uniform(0.2, 0.8)
    out["JZ01"] = (round(ratio, 1), round(ratio_now, 1))
    out["JZ02"] = (round(people * ratio / 100), round(people * ratio_now / 100))
    houses = rng.randint(0, 14) if poor else rng.randint(0, 2)
    out["JZ03"] = (houses, rng.randint(0, houses // 3) if houses else 0)
    dropouts = rng.choice((0, 0, 0, 1, 2)) if poor else 0
    out["JZ04"] = (dropouts, 0 if rng.random() < 0.7 else dropouts)
    out[INCOME_CODE] = _income(rng, poor)
    industry = ("茶叶", "生态畜牧", "精品水果", "蔬菜", "中药材", "食用菌")
    lead = rng.choice(industry)
    out["CY02"] = ("尚未形成" if poor and rng.random() < 0.3 else lead, lead)
    coops = rng.randint(0, 2) if poor else rng.randint(1, 5)
    out["CY03"] = (coops, coops + rng.randint(0, 2))
    firms = rng.choice((0, 0, 1)) if poor else rng.randint(0, 2)
    out["CY04"] = (firms, firms + (rng.random() < 0.3))
    pay = rng.uniform(6_500, 9_500) if poor else rng.uniform(8_500, 13_000)
    out["CY05"] = (round(pay, -1), round(pay * rng.uniform(1.06, 1.15), -1))
    net = rng.choice(("只通4G", "宽带和4G都通")) if poor else "宽带和4G都通"
    out["JC04"] = (net, "宽带和4G都通" if rng.random() < 0.7 else net)
    asks = rng.randint(8, 40)
    out["SQ01"] = (asks, rng.randint(5, 30))
    out["SQ02"] = (rng.randint(0, 3), rng.choice((0, 0, 0, 1, 2, 4)))
    out["SQ03"] = (rng.choice(_ASKS), rng.choice(_ASKS))
    for d in DEFAULTS:
        if d["kind"] == "yes_no":
            had = rng.random() < (0.55 if poor else 0.85)
            out[d["code"]] = (had, had or rng.random() < 0.45)
    return out


def load(
    loader: Loader,
    rng: random.Random,
    villages: list[VillagePlan],
    seq: int,
    author_of: Callable[[str], int | None],
) -> int:
    """Add the indicators (the admin's) and the values (each village's resident cadre's, the
    admin's where it has none), numbered from ``seq``; answers the next number."""
    for d in DEFAULTS:
        loader.add(INDICATOR, indicator_id(COUNTY_CODE, d["code"]), d, seq, COUNTY_CODE)
        seq += 1
    kinds = {d["code"]: d["kind"] for d in DEFAULTS}
    drawn = [(v, _draw(rng, v)) for v in villages]
    if drawn and all(values[INCOME_CODE][1] for _v, values in drawn):
        # a small demo county still has an empty-shell village to find
        poor = [values for v, values in drawn if v.is_poor] or [drawn[0][1]]
        poor[0][INCOME_CODE] = (0.0, 0.0)
    for v, values in drawn:
        # this year: most villages complete, about one in six still part way through
        part = rng.uniform(0.5, 0.9) if rng.random() < 0.17 else 1.0
        for n, year in enumerate((THIS_YEAR - 1, THIS_YEAR)):
            for code, pair in values.items():
                if n == 1 and code != INCOME_CODE and rng.random() > part:
                    continue
                iid = indicator_id(COUNTY_CODE, code)
                data = {
                    "village_code": v.code,
                    "year": year,
                    "indicator_id": iid,
                    VALUE_FIELD[kinds[code]]: pair[n],
                }
                rid = value_id(v.code, year, iid)
                loader.add(INDICATOR_VALUE, rid, data, seq, v.code, author_of(v.code))
                seq += 1
    return seq
