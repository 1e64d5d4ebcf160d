"""The draw of a spot-check round: a weighted, reproducible sample by the county rule.

The rule (保山 county practice, docs/DESIGN.md): every round checks 1–2 resident cadres from
every township and at least 10 in the county. Cadres checked in the last ``recent_days``
weigh ``recent_weight`` instead of 1: drawn again less often, but never left out.

How: every candidate, in a fixed order (township code, then user id), gets one number from
``random.Random(seed)`` and the key ``log(u) / weight`` (Efraimidis–Spirakis: the largest
keys are a weighted sample without replacement). Each township takes its ``per_township``
largest keys; a county-wide round short of ``county_min`` then takes the next largest keys
from townships that have fewer than ``max_per_township``, and — only in a county of fewer
than five townships, where 2 a township cannot reach 10 — from any township. The draw is a
pure function of (pool, seed, rule, county_wide): the round stores all four, so
``replay`` reproduces it for an audit.
"""

import math
import random
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Rule:
    per_township: int = 1
    max_per_township: int = 2
    county_min: int = 10
    recent_days: int = 30
    recent_weight: float = 0.25

    def weight(self, recent_checks: int) -> float:
        return self.recent_weight if recent_checks else 1.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Candidate:
    cadre_id: int
    township_code: str
    village_codes: tuple[str, ...]
    recent_checks: int
    weight: float

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "village_codes": list(self.village_codes)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Candidate":
        return cls(
            cadre_id=int(d["cadre_id"]),
            township_code=str(d["township_code"]),
            village_codes=tuple(d["village_codes"]),
            recent_checks=int(d["recent_checks"]),
            weight=float(d["weight"]),
        )


def draw(pool: list[Candidate], seed: int, rule: Rule, *, county_wide: bool) -> list[Candidate]:
    """The sample, ordered by township and, within one, by draw rank."""
    ordered = sorted(pool, key=lambda c: (c.township_code, c.cadre_id))
    rng = random.Random(seed)
    key: dict[int, float] = {}
    for c in ordered:
        u = 1.0 - rng.random()  # (0, 1]: log is defined
        key[c.cadre_id] = math.log(u) / c.weight

    def rank(c: Candidate) -> tuple[float, int]:
        return (-key[c.cadre_id], c.cadre_id)

    chosen: list[Candidate] = []
    townships = sorted({c.township_code for c in ordered})
    for town in townships:
        ranked = sorted((c for c in ordered if c.township_code == town), key=rank)
        chosen += ranked[: rule.per_township]
    if county_wide and len(chosen) < rule.county_min:
        taken = {c.cadre_id for c in chosen}
        per_town = Counter(c.township_code for c in chosen)
        rest = sorted((c for c in ordered if c.cadre_id not in taken), key=rank)
        for cap_applies in (True, False):
            for c in rest:
                if len(chosen) >= rule.county_min:
                    break
                if c.cadre_id in taken:
                    continue
                if cap_applies and per_town[c.township_code] >= rule.max_per_township:
                    continue
                chosen.append(c)
                taken.add(c.cadre_id)
                per_town[c.township_code] += 1
    return sorted(chosen, key=lambda c: (c.township_code, *rank(c)))


def replay(inputs: dict[str, Any], seed: int, *, county_wide: bool) -> list[int]:
    """The cadre ids a stored round's inputs draw again (an audit: equal to the stored ones)."""
    pool = [Candidate.from_dict(d) for d in inputs["pool"]]
    rule = Rule(**inputs["rule"])
    return [c.cadre_id for c in draw(pool, seed, rule, county_wide=county_wide)]
