"""The demo county's condition maps (民情地图): a few villager groups of each village get a
map drawn the way a cadre draws one — a road through the group with its houses along it, a
river, the houses as outlines, a pin on each poor household and a few labels — so a new
user opening a group's map finds one.

A map's id is the group's derived id (``group_map_id``, the phone's ``groupMapId`` in
pwa/src/map/geometry.js): a phone opening the group's map opens this record instead of
starting a second map. Everything is drawn from the generator handed in, so one seed gives
the same maps.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from backend.demo.county import HouseholdDraft, VillagePlan, make_uuid

WIDTH = HEIGHT = 1000
# Groups per village that get a map: enough to open one anywhere, few enough that the
# default county's load stays about as fast (each map is ~40 records).
MAPS_PER_VILLAGE = 3
RIVER_NAMES = ("清水河", "小溪", "龙潭河", "沙坝河", "白岩溪")
LANDMARKS = ("村委会", "小学", "卫生室", "文化广场", "便民超市", "老井")
_MASK = 0xFFFFFFFF


def group_map_id(village: str, group: str) -> str:
    """The phone's ``groupMapId``, bit for bit: four FNV-style hashes of the group's key
    (UTF-16 code units, as JavaScript's charCodeAt) made into a version-8 UUID."""
    key = f"minqing/condition_map/{village}/{group}"
    units = key.encode("utf-16-le")
    codes = [units[i] | units[i + 1] << 8 for i in range(0, len(units), 2)]
    words = []
    for seed in (0x811C9DC5, 0x01000193, 0x9E3779B9, 0x85EBCA6B):
        h = seed
        for code in codes:
            h ^= code
            h = (h * 0x01000193) & _MASK
            h ^= h >> 13
        words.append(h)
    digits = list("".join(f"{w:08x}" for w in words))
    digits[12] = "8"
    digits[16] = f"{(int(digits[16], 16) & 0x3) | 0x8:x}"
    x = "".join(digits)
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


@dataclass
class MapDraft:
    id: str
    data: dict[str, Any]
    elements: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def _clamp(n: float) -> int:
    return max(0, min(WIDTH, round(n)))


def _wobbly_line(
    rng: random.Random,
    start: tuple[float, float],
    end: tuple[float, float],
    steps: int,
    wobble: float,
) -> list[int]:
    """A hand-drawn line from ``start`` to ``end``: flat [x0, y0, …] within the map."""
    pts: list[int] = []
    offset = 0.0
    for i in range(steps + 1):
        t = i / steps
        offset = max(-3 * wobble, min(3 * wobble, offset + rng.uniform(-wobble, wobble)))
        x = start[0] + (end[0] - start[0]) * t
        y = start[1] + (end[1] - start[1]) * t + offset
        pts += [_clamp(x), _clamp(y)]
    return pts


def _house(cx: float, cy: float, w: int, h: int) -> list[int]:
    """A house outline as one closed stroke."""
    x0, y0, x1, y1 = _clamp(cx - w / 2), _clamp(cy - h / 2), _clamp(cx + w / 2), _clamp(cy + h / 2)
    return [x0, y0, x1, y0, x1, y1, x0, y1, x0, y0]


def _group_map(
    rng: random.Random, v: VillagePlan, group: tuple[str, str], homes: list[HouseholdDraft]
) -> MapDraft:
    code, name = group
    m = MapDraft(
        group_map_id(v.code, code),
        {
            "village_code": v.code,
            "group_code": code,
            "title": f"{v.name}{name}民情地图",
            "width": WIDTH,
            "height": HEIGHT,
        },
    )

    def add(kind: str, **values: Any) -> None:
        m.elements.append((make_uuid(rng), {"map_id": m.id, "kind": kind, **values}))

    # The group's road runs across the map; the houses stand on both sides of it.
    road_y = rng.uniform(420, 580)
    road = _wobbly_line(rng, (20, road_y), (980, road_y + rng.uniform(-80, 80)), 24, 6)
    add("stroke", pen="road", points=road)
    branch_x = rng.uniform(300, 700)
    add(
        "stroke",
        pen="road",
        points=_wobbly_line(rng, (branch_x, road_y), (branch_x + rng.uniform(-60, 60), 40), 12, 5),
    )
    river_x = rng.uniform(80, 220) if rng.random() < 0.5 else rng.uniform(780, 920)
    river = [
        _clamp(river_x + 40 * ((i % 4) - 1.5) + rng.uniform(-10, 10))
        if j == 0
        else _clamp(i * 1000 / 20)
        for i in range(21)
        for j in (0, 1)
    ]
    add("stroke", pen="river", points=river)
    add("label", x=_clamp(river_x + 30), y=80, text=rng.choice(RIVER_NAMES))
    add("label", x=60, y=40, text=name)

    # Houses in door order, alternating sides of the road, left to right.
    step = 900 / max(1, (len(homes) + 1) // 2)
    for n, h in enumerate(homes):
        cx = 60 + step * (n // 2) + rng.uniform(-8, 8)
        side = -1 if n % 2 == 0 else 1
        row_y = road_y + side * rng.uniform(60, 110) + (road[-1] - road[1]) * (cx / 1000)
        cx = min(max(cx, 40), 960)
        row_y = min(max(row_y, 40), 960)
        add(
            "stroke",
            pen="house",
            points=_house(cx, row_y, rng.randint(26, 40), rng.randint(20, 30)),
        )
        if h.data["poverty_category"] != "non_poor":
            add("pin", x=_clamp(cx), y=_clamp(row_y - 30), household_id=h.id)
    add("label", x=_clamp(branch_x + 20), y=_clamp(road_y - 140), text=rng.choice(LANDMARKS))
    return m


def village_maps(
    rng: random.Random, v: VillagePlan, homes: list[HouseholdDraft]
) -> Iterator[MapDraft]:
    """Maps of the village's first few groups that have households."""
    by_group: dict[str, list[HouseholdDraft]] = {}
    for h in homes:
        by_group.setdefault(h.data["group_code"], []).append(h)
    drawn = [g for g in v.groups if g[0] in by_group][:MAPS_PER_VILLAGE]
    for g in drawn:
        yield _group_map(rng, v, g, by_group[g[0]])
