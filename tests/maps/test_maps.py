"""Condition maps: elements from many phones merge to the union; the SVG shows every kind."""

import math
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import select

from backend.database import open_session
from backend.maps.geometry import MAX_STROKE_POINTS, simplify_points
from backend.maps.records import MapElement
from tests.conftest import County
from tests.sync.phone import Phone, household, new_id

NS = {"s": "http://www.w3.org/2000/svg"}


def make_map(phone: Phone, county: County) -> str:
    mid = new_id()
    v = county.village_a
    phone.push_ok(
        [
            phone.op(
                "condition_map",
                mid,
                {"village_code": v, "group_code": county.group(v), "title": "一组民情地图"},
            )
        ]
    )
    return mid


def stroke(mid: str, pen: str, pts: list[int]) -> dict[str, Any]:
    return {"map_id": mid, "kind": "stroke", "pen": pen, "points": pts}


def test_svg_renders_every_element_kind(client, county: County) -> None:
    a = Phone(client, "cadre_a", "d-a1")
    mid = make_map(a, county)
    poor, out, moved = new_id(), new_id(), new_id()
    a.push_ok(
        [
            a.op(
                "household",
                poor,
                household(county.village_a, head_name="龙再华", poverty_status="not_out"),
            ),
            a.op(
                "household",
                out,
                household(county.village_a, head_name="杨秀英", poverty_status="out"),
            ),
            a.op(
                "household", moved, household(county.village_a, head_name="吴<&>", relocated=True)
            ),
            *[
                a.op("map_element", new_id(), stroke(mid, pen, [10, 10, 200, 220, 400, 260]))
                for pen in ("road", "river", "house", "note")
            ],
            a.op(
                "map_element",
                new_id(),
                {"map_id": mid, "kind": "label", "x": 300, "y": 100, "text": "舞阳河"},
            ),
            a.op(
                "map_element",
                new_id(),
                {"map_id": mid, "kind": "pin", "x": 120, "y": 140, "household_id": poor},
            ),
            a.op(
                "map_element",
                new_id(),
                {"map_id": mid, "kind": "pin", "x": 220, "y": 140, "household_id": out},
            ),
            a.op(
                "map_element",
                new_id(),
                {"map_id": mid, "kind": "pin", "x": 320, "y": 140, "household_id": moved},
            ),
        ]
    )
    r = client.get(f"/api/v1/maps/{mid}.svg", headers=a.headers)
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/svg+xml"
    root = ET.fromstring(r.content)  # well-formed: the name with <&> was escaped
    pens = {p.get("data-pen") for p in root.iterfind(".//s:g[@class='stroke']/s:polyline", NS)}
    assert pens == {"road", "river", "house", "note"}
    labels = [t.text for t in root.iterfind(".//s:g[@class='label']/s:text", NS)]
    assert labels == ["舞阳河"]
    fills = {
        g.get("data-household"): g.find("s:circle", NS).get("fill")
        for g in root.iterfind(".//s:g[@class='pin']/s:g", NS)
    }  # type: ignore[union-attr]
    assert fills == {poor: "#d7301f", out: "#1a9850", moved: "#4575b4"}
    legend = "".join(t.text or "" for t in root.iterfind(".//s:g[@class='legend']/s:text", NS))
    assert "道路" in legend
    assert "未脱贫" in legend


def test_maps_are_listed_and_scoped(client, county: County) -> None:
    a = Phone(client, "cadre_a", "d-a1")
    mid = make_map(a, county)
    sup = Phone(client, "super_t1", "d-s")
    listed = client.get("/api/v1/maps", headers=sup.headers).json()
    assert [m["id"] for m in listed] == [mid]
    assert listed[0]["village_name"] == "茅坡村"
    c = Phone(client, "cadre_c", "d-c")
    assert client.get("/api/v1/maps", headers=c.headers).json() == []
    assert client.get(f"/api/v1/maps/{mid}.svg", headers=c.headers).status_code == 404


def test_long_strokes_are_simplified_keeping_their_shape(client, county: County) -> None:
    a = Phone(client, "cadre_a", "d-a1")
    mid = make_map(a, county)
    pts = [v for i in range(5000) for v in (i, round(200 * math.sin(i / 300)))]
    eid = new_id()
    r = a.push_ok([a.op("map_element", eid, stroke(mid, "river", pts))])
    assert r[0]["status"] == "applied"
    with open_session() as s:
        stored = s.get(MapElement, eid)
        assert stored is not None
        assert len(stored.points) // 2 <= MAX_STROKE_POINTS
        assert stored.points[:2] == [0, 0]
        assert stored.points[-2] == 4999
        # every stored point lies on the original curve (within a pixel or two)
        for x, y in zip(stored.points[::2], stored.points[1::2], strict=True):
            assert abs(y - 200 * math.sin(x / 300)) < 3


def test_simplify_keeps_short_strokes_whole() -> None:
    pts = [0, 0, 5, 5, 10, 0]
    assert simplify_points(pts) == pts


def test_limit_of_records_under_one_parent(client, county: County) -> None:
    a = Phone(client, "cadre_a", "d-a1")
    hid = new_id()
    ops = [a.op("household", hid, household(county.village_a))]
    ops += [a.op("member", new_id(), {"household_id": hid, "name": f"成员{i}"}) for i in range(31)]
    r = a.push_ok(ops)
    assert [x["status"] for x in r].count("applied") == 31  # the household and 30 members
    assert r[-1]["status"] == "rejected"
    assert "30" in r[-1]["error"]["message"]


def test_a_pin_moved_on_two_phones_conflicts_on_its_position(client, county: County) -> None:
    a, b = Phone(client, "cadre_a", "d-a1"), Phone(client, "cadre_a2", "d-a2")
    mid = make_map(a, county)
    pin = new_id()
    a.push_ok([a.op("map_element", pin, {"map_id": mid, "kind": "pin", "x": 10, "y": 10})])
    a.push_ok([a.op("map_element", pin, {"x": 50, "y": 60}, base=1)])
    r = b.push_ok([b.op("map_element", pin, {"x": 70, "y": 80}, base=1)])
    assert r[0]["status"] == "conflict"
    c = client.get(f"/api/v1/conflicts/{r[0]['conflict_id']}", headers=a.headers).json()
    assert set(c["fields"]) == {"x", "y"}


# Property: strokes and labels added on several phones, some deleted by their phone, in any
# delivery order: the store holds exactly the union of what was added and not deleted.
element_ops = st.lists(st.tuples(st.integers(0, 2), st.booleans()), min_size=1, max_size=12)


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(element_ops, st.randoms(use_true_random=False))
def test_elements_from_many_phones_merge_to_the_union(
    client, county: County, phones, case, rnd
) -> None:  # type: ignore[no-untyped-def]
    mid = make_map(phones[0], county)
    batches: list[tuple[int, list[dict[str, Any]]]] = []
    expected: set[str] = set()
    for k, (p, delete_later) in enumerate(case):
        eid = new_id()
        phone = phones[p]
        create = phone.op("map_element", eid, stroke(mid, "road", [k, 0, k + 10, 20]))
        batches.append((p, [create]))
        if delete_later:
            batches.append((p, [phone.op("map_element", eid, base=1, delete=True)]))
        else:
            expected.add(eid)
    # any interleaving that keeps each phone's own order, with some batches sent twice
    queues = {p: [b for q, b in batches if q == p] for p in range(3)}
    order: list[tuple[int, list[dict[str, Any]]]] = []
    while any(queues.values()):
        p = rnd.choice([q for q in queues if queues[q]])
        order.append((p, queues[p].pop(0)))
        if rnd.random() < 0.3:
            order.append(order[rnd.randrange(len(order))])
    for p, ops in order:
        phones[p].push_ok(ops)
    with open_session() as s:
        live = set(
            s.execute(
                select(MapElement.id).where(MapElement.map_id == mid, ~MapElement.deleted)
            ).scalars()
        )
    assert live == expected
    svg = client.get(f"/api/v1/maps/{mid}.svg", headers=phones[0].headers)
    assert svg.text.count("<polyline") == len(expected)


@pytest.fixture
def phones(client, county: County) -> list[Phone]:
    return [
        Phone(client, "cadre_a", "d-m1"),
        Phone(client, "cadre_a", "d-m2"),
        Phone(client, "cadre_a2", "d-m3"),
    ]
