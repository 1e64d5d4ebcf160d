"""The demo county as plain data: geography, households and visits, drawn from one ``Random``.

Nothing here touches the database or the clock; ``backend.demo.generate`` canonicalises and
writes what this draws. The numbers follow DESIGN.md ("The world in numbers"): 19 townships,
310 villages of which 173 poor, a few hundred households in 5–15 villager groups each, about
19,000 registered poor households, and the county's reported causes of poverty.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from backend.demo import vocab
from backend.demo.people import (
    IdNumbers,
    Person,
    Weighted,
    full_name,
    make_family,
    mobile,
    surname,
)

COUNTY_CODE = "520623"
COUNTY_NAME = "青溪侗族自治县"  # invented
COUNTY_CENTRE = (27.24, 108.91)
# The demo world's "now" (18:00 in Beijing): fixed, so one seed gives one county, byte for byte.
DEMO_NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
CST = timezone(timedelta(hours=8))
TODAY = DEMO_NOW.astimezone(CST).date()
VISIT_DAYS = 120

POOR_VILLAGE_SHARE = 173 / 310
# Registered poor (建档立卡) and marginal (边缘户) households, by kind of village: ~19,000
# poor households in a 310-village county.
POOR_HOUSEHOLD_SHARE = {True: 0.28, False: 0.10}
MARGINAL_SHARE = {True: 0.04, False: 0.02}
# Main cause of poverty, in per cent (DESIGN.md): illness 28.08; labour but no funds or
# skills 37.38; other combined causes 34.54.
MAIN_CAUSES: tuple[tuple[str, float], ...] = (
    ("illness", 28.08),
    ("no_funds", 19.00),
    ("no_skills", 18.38),
    ("disability", 10.00),
    ("no_labour", 9.00),
    ("schooling", 8.00),
    ("other", 7.54),
)
ALL_CAUSES = tuple(c for c, _ in MAIN_CAUSES)
_MAIN_CAUSE = Weighted(MAIN_CAUSES)
_POOR_CATEGORY = Weighted([("general", 70), ("low_income", 22), ("extreme_poor", 8)])
_POOR_STATUS = Weighted([("out", 70), ("not_out", 20), ("monitored", 10)])
_VISITS_PER_HOUSEHOLD = Weighted([(1, 50), (2, 35), (3, 15)])
_FOLLOWING_VISIT = Weighted([("revisit", 50), ("talk", 25), ("policy", 25)])


# The demo's records were "made" one a millisecond from here (their UUIDv7 time).
_ID_EPOCH_MS = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp() * 1000)


def make_uuid(rng: random.Random) -> str:
    """A version-7 UUID, as phones make them (pwa/src/db.js): a time, one millisecond after
    the generator's previous id, then bits from the seeded generator. Time-ordered keys
    append to the store's B-trees instead of scattering over them: the indexes are packed
    full and the load writes far fewer pages (backend/demo/load.py)."""
    n = rng.__dict__.get("_uuid_n", 0)
    rng.__dict__["_uuid_n"] = n + 1
    ms = _ID_EPOCH_MS + n
    rand = rng.getrandbits(80)
    value = (ms << 80) | rand
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 9562 variant
    h = f"{value:032x}"  # as str(uuid.UUID(int=value)), without making the object
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@dataclass
class VillagePlan:
    code: str
    name: str
    township_code: str
    township_name: str
    is_poor: bool
    centre: tuple[float, float]
    groups: list[tuple[str, str]] = field(default_factory=list)
    households: int = 0
    # 包户干部: who the poor households are paired with; the first is the resident cadre.
    cadres: list[str] = field(default_factory=list)


@dataclass
class TownshipPlan:
    code: str
    name: str
    villages: list[VillagePlan] = field(default_factory=list)


def _township_code(i: int) -> str:
    # Statistical division codes: sub-districts 001–099, towns 100–199, townships 200–399.
    suffix = i + 1 if i < 3 else 100 + i - 3 if i < 13 else 200 + i - 13
    return f"{COUNTY_CODE}{suffix:03d}"


def _spread(rng: random.Random, total: int, parts: int, first_min: int) -> list[int]:
    """``total`` split over ``parts`` by random weights (largest remainder), first ≥ first_min."""
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    exact = [total * w / sum(weights) for w in weights]
    sizes = [int(x) for x in exact]
    by_remainder = sorted(range(parts), key=lambda i: (sizes[i] - exact[i], i))
    for i in by_remainder[: total - sum(sizes)]:
        sizes[i] += 1
    while sizes[0] < first_min:
        donor = max(range(1, parts), key=lambda i: (sizes[i], -i))
        sizes[donor] -= 1
        sizes[0] += 1
    return sizes


def plan_county(rng: random.Random, villages: int) -> list[TownshipPlan]:
    """Townships, villages (which are poor, how many households) and villager groups."""
    if not 3 <= villages <= 999 * len(vocab.TOWNSHIPS):
        raise ValueError(f"villages must be between 3 and {999 * len(vocab.TOWNSHIPS)}")
    sizes = _spread(rng, villages, len(vocab.TOWNSHIPS), 3)
    names: set[str] = set()
    townships: list[TownshipPlan] = []
    for i, (tname, size) in enumerate(zip(vocab.TOWNSHIPS, sizes, strict=True)):
        town = TownshipPlan(_township_code(i), tname)
        lat = COUNTY_CENTRE[0] + rng.uniform(-0.22, 0.22)
        lon = COUNTY_CENTRE[1] + rng.uniform(-0.28, 0.28)
        for j in range(size):
            while (
                name := rng.choice(vocab.VILLAGE_FIRST) + rng.choice(vocab.VILLAGE_SECOND)
            ) in names:
                pass
            names.add(name)
            centre = (
                round(lat + rng.uniform(-0.06, 0.06), 6),
                round(lon + rng.uniform(-0.06, 0.06), 6),
            )
            town.villages.append(
                VillagePlan(f"{town.code}{j + 1:03d}", name + "村", town.code, tname, False, centre)
            )
        townships.append(town)

    every = [v for t in townships for v in t.villages]
    # The demo accounts' villages (the first township's first three) are poor, so a cadre
    # logging in finds poor households, plans and visits; the rest are drawn.
    n_poor = round(villages * POOR_VILLAGE_SHARE)
    for v in every[:3]:
        v.is_poor = True
    for v in rng.sample(every[3:], max(0, n_poor - 3)):
        v.is_poor = True
    for v in every:
        v.groups = [(f"{v.code}{g:03d}", f"{g}组") for g in range(1, rng.randint(5, 15) + 1)]
        v.households = rng.randint(240, 400) if v.is_poor else rng.randint(200, 300)
        n_cadres = rng.randint(4, 10) if v.is_poor else rng.randint(2, 4)
        v.cadres = [
            full_name(rng, surname(rng), rng.random() < 0.7, rng.randint(1970, 1995))
            for _ in range(n_cadres)
        ]
    return townships


# ── households ───────────────────────────────────────────────────────────────────────────


@dataclass
class HouseholdDraft:
    id: str
    data: dict[str, Any]
    members: list[Person]
    # 一户一策: the plan's words, made into measure records by backend/demo/measures.py
    plan: list[str] = field(default_factory=list)

    @property
    def poor(self) -> bool:
        return bool(self.data["poverty_category"] != "non_poor")


def _causes(rng: random.Random) -> list[str]:
    main = _MAIN_CAUSE(rng)
    if rng.random() < 0.35:
        return [main, rng.choice([c for c in ALL_CAUSES if c != main])]
    return [main]


def _measures(
    rng: random.Random, causes: list[str], relief_loan: bool, relocated: bool
) -> list[str]:
    picked: list[str] = []
    for name, amounts in rng.sample(vocab.INDUSTRY_MEASURES, rng.randint(1, 2)):
        picked.append(name + rng.choice(amounts))
    for cause in causes:
        picked.append(rng.choice(vocab.MEASURES_BY_CAUSE[cause]))
    if relief_loan:
        picked.append(vocab.RELIEF_LOAN_MEASURE)
    if relocated:
        picked.append(vocab.RELOCATION_MEASURE)
    return list(dict.fromkeys(p for p in picked if p != "精扶贷" or not relief_loan))


def _income(rng: random.Random, category: str, status: str) -> int:
    if category == "non_poor":
        low, high = 8000, 26000
    elif status == "not_out":
        low, high = 2800, 4200
    elif status == "monitored":
        low, high = 4000, 6500
    else:
        low, high = 5500, 12000
    return rng.randint(low // 10, high // 10) * 10


def village_households(
    rng: random.Random, v: VillagePlan, ids: IdNumbers
) -> Iterator[HouseholdDraft]:
    """The village's households, villager group by group, each with its members."""
    group_of = sorted(rng.randrange(len(v.groups)) for _ in range(v.households))
    door = 0
    for n, g in enumerate(group_of):
        door = 1 if n == 0 or group_of[n - 1] != g else door + rng.randint(1, 3)
        group_code, group_name = v.groups[g]
        roll = rng.random()
        if roll < POOR_HOUSEHOLD_SHARE[v.is_poor]:
            category = _POOR_CATEGORY(rng)
            status = _POOR_STATUS(rng)
        elif roll < POOR_HOUSEHOLD_SHARE[v.is_poor] + MARGINAL_SHARE[v.is_poor]:
            category, status = "marginal", "monitored"
        else:
            # The schema has no "not applicable": a household never registered poor is
            # "out" (never in), so "not_out" counts only households still in poverty.
            category, status = "non_poor", "out"
        poor = category != "non_poor"
        causes = _causes(rng) if poor else []
        members = make_family(rng, TODAY, ids, causes[0] if causes else None)
        head = members[0]
        relocated = category not in ("non_poor", "marginal") and rng.random() < 0.07
        relief_loan = category not in ("non_poor", "marginal") and (
            rng.random() < (0.5 if "no_funds" in causes else 0.15)
        )
        if relocated:
            site = rng.choice(vocab.RESETTLEMENT_SITES)
            address = f"{site}{rng.randint(1, 24)}栋{rng.randint(1, 6)}0{rng.randint(1, 4)}室"
        else:
            address = f"{v.township_name}{v.name}{group_name}{door}号"
        if category == "marginal":
            measures = [rng.choice(vocab.MEASURES_BY_CAUSE[c]) for c in causes[:1]]
        elif poor:
            measures = _measures(rng, causes, relief_loan, relocated)
        else:
            measures = []
        data = {
            "village_code": v.code,
            "group_code": group_code,
            "head_name": head.name,
            "address": address,
            "id_number": head.id_number,
            "phone": mobile(rng) if rng.random() < 0.9 else None,
            "poverty_category": category,
            "poverty_status": status,
            "causes": causes,
            "income_per_head": _income(rng, category, status),
            "pairing_cadre": rng.choice(v.cadres) if poor else None,
            "relocated": relocated,
            "relief_loan": relief_loan,
            "remark": rng.choice(vocab.HOUSEHOLD_REMARKS) if rng.random() < 0.15 else None,
        }
        yield HouseholdDraft(make_uuid(rng), data, members, measures)


def member_data(household_id: str, p: Person) -> dict[str, Any]:
    return {
        "household_id": household_id,
        "name": p.name,
        "id_number": p.id_number,
        "relation": p.relation,
        "sex": "male" if p.male else "female",
        "birth_date": p.birth.isoformat(),
        "health": p.health,
        "labour": p.labour,
        "schooling": p.schooling,
    }


# ── visits ───────────────────────────────────────────────────────────────────────────────


def _visit_time(rng: random.Random, days_ago: int) -> datetime:
    day = TODAY - timedelta(days=days_ago)
    return datetime(
        day.year, day.month, day.day, rng.randint(8, 18), rng.randrange(60), rng.randrange(60),
        tzinfo=CST,
    )  # fmt: skip


def village_visits(
    rng: random.Random, v: VillagePlan, households: list[HouseholdDraft]
) -> list[tuple[str, dict[str, Any], datetime]]:
    """Past visits to the village's poor households: (id, data, when), oldest first."""
    poor = [h for h in households if h.poor]
    k = rng.randint(8, 18) if v.is_poor else rng.randint(0, 3)
    out: list[tuple[str, dict[str, Any], datetime]] = []
    for h in rng.sample(poor, min(k, len(poor))):
        days_ago = rng.randint(20, VISIT_DAYS - 1)  # whole days before today: within 120
        cause = h.data["causes"][0]
        for n in range(_VISITS_PER_HOUSEHOLD(rng)):
            if n == 0:
                kind = "first_visit" if rng.random() < 0.7 else "revisit"
            else:
                kind = _FOLLOWING_VISIT(rng)
            when = _visit_time(rng, days_ago)
            notes = "。".join(
                s
                for s in (
                    rng.choice(vocab.VISIT_OPENINGS[kind]),
                    rng.choice(vocab.VISIT_FINDINGS),
                    rng.choice(vocab.VISIT_AGREED),
                )
                if s
            )
            needs = sorted(
                {rng.choice(vocab.NEEDS_BY_CAUSE[cause]) for _ in range(rng.randint(0, 2))}
            )
            follow_up = (
                when.date() + timedelta(days=rng.randint(7, 30)) if rng.random() < 0.3 else None
            )
            data = {
                "household_id": h.id,
                "kind": kind,
                "occurred_at": when.isoformat(),
                "gps": {
                    "lat": round(v.centre[0] + rng.gauss(0, 0.004), 6),
                    "lon": round(v.centre[1] + rng.gauss(0, 0.004), 6),
                    "accuracy_m": round(rng.uniform(4, 40), 1),
                },
                "notes": notes + "。",
                "needs": needs,
                "follow_up_on": follow_up.isoformat() if follow_up else None,
            }
            out.append((make_uuid(rng), data, when))
            days_ago = max(1, days_ago - rng.randint(7, 30))
    out.sort(key=lambda visit: visit[2])
    return out
