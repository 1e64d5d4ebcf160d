"""Condition maps on the phone: two cadres draw one group's map offline with pointer events,
sync, and the store and the county's SVG hold the union; undo is a delete that syncs; a pin
moved on both phones is a conflict on its position; the limits are said plainly."""

import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.conftest import County, LiveServer
from tests.pwa.conftest import Phone, api_login, db_rows, op, push_ops, seed_households

pytestmark = pytest.mark.browser

NS = {"s": "http://www.w3.org/2000/svg"}
SVG = "[data-testid=map-svg]"


# ── driving the map screen ────────────────────────────────────────────────────────────────


def open_map(phone: Phone, village: str, group: str, household: str = "") -> None:
    phone.go(f"/v/{village}/g/{group}/map" + (f"/{household}" if household else ""))
    phone.page.wait_for_selector(f"{SVG}, [data-testid=map-create]")


def count(phone: Phone) -> int:
    return int(phone.page.get_attribute("[data-testid=map-count]", "data-count") or 0)


def wait_count(phone: Phone, n: int) -> None:
    expect(phone.page.locator("[data-testid=map-count]")).to_have_attribute("data-count", str(n))


def at(phone: Phone, fx: float, fy: float) -> tuple[float, float]:
    """A point of the map's box on the screen, as fractions of its width and height."""
    box = phone.page.locator(SVG).bounding_box()
    assert box is not None
    return box["x"] + fx * box["width"], box["y"] + fy * box["height"]


def tool(phone: Phone, name: str) -> None:
    phone.page.click(f"[data-tool={name}]")
    expect(phone.page.locator(SVG)).to_have_attribute("data-tool", name)


def draw(phone: Phone, pen: str, points: list[tuple[float, float]]) -> None:
    """A freehand stroke with the mouse: pointerdown, pointermoves, pointerup."""
    tool(phone, pen)
    before = count(phone)
    m = phone.page.mouse
    m.move(*at(phone, *points[0]))
    m.down()
    for p in points[1:]:
        m.move(*at(phone, *p), steps=6)
    m.up()
    wait_count(phone, before + 1)


def place_pin(phone: Phone, household_id: str, fx: float, fy: float) -> None:
    tool(phone, "pin")
    before = count(phone)
    phone.page.mouse.click(*at(phone, fx, fy))
    phone.page.click(f"[data-testid=pick-household] [data-household='{household_id}']")
    wait_count(phone, before + 1)


def write_label(phone: Phone, text: str, fx: float, fy: float) -> None:
    tool(phone, "label")
    before = count(phone)
    phone.page.mouse.click(*at(phone, fx, fy))
    phone.page.fill("input[name=label_text]", text)
    phone.page.click("form.sheet button[type=submit]")
    wait_count(phone, before + 1)


def pin_centre(phone: Phone, household_id: str) -> tuple[float, float]:
    circle = phone.page.locator(
        f"[data-kind=pin][data-household='{household_id}'] circle:not(.halo):not(.ring)"
    )
    box = circle.bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def drag_pin(phone: Phone, household_id: str, fx: float, fy: float) -> None:
    tool(phone, "move")
    pending = phone.pending()
    m = phone.page.mouse
    m.move(*pin_centre(phone, household_id))
    m.down()
    m.move(*at(phone, fx, fy), steps=8)
    m.up()
    phone.wait_pending(pending + 1)


def stored_elements(phone: Phone, map_id: str) -> list[dict[str, Any]]:
    """The live map elements in the phone's IndexedDB."""
    return phone.idb(
        "const all = await req(db.transaction('records').objectStore('records')"
        ".index('hh').getAll(['map_element', arg]));"
        "return all.filter((r) => !r.deleted).map((r) => ({id: r.id, ...r.data}));",
        map_id,
    )


def map_svg(server: LiveServer, map_id: str) -> ET.Element:
    headers = api_login(server, "cadre_a", "county-pc")
    r = httpx.get(f"{server.url}/api/v1/maps/{map_id}.svg", headers=headers)
    assert r.status_code == 200, r.text
    return ET.fromstring(r.content)


def login_both(server: LiveServer, phones: Callable[..., Phone]) -> tuple[Phone, Phone]:
    a = phones(server, "a")
    b = phones(server, "b")
    for phone, user in [(a, "cadre_a"), (b, "cadre_a2")]:
        phone.open()
        phone.login(user)
        phone.wait_controlled()
    return a, b


# ── tests ─────────────────────────────────────────────────────────────────────────────────


def test_two_phones_draw_offline_and_the_store_and_svg_hold_the_union(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    village = county.village_a
    group = county.groups[village][0]
    h1, h2, _ = seed_households(server, village, [group], 3)
    a, b = login_both(server, phones)

    # from the group's household list to its map
    a.go(f"/v/{village}/g/{group}")
    a.page.click("[data-testid=group-map]")
    a.page.wait_for_selector("[data-testid=map-create]")

    server.kill()
    # both phones start the group's map offline: one map, not two
    for phone in (a, b):
        open_map(phone, village, group)
        phone.page.click("[data-testid=map-create]")
        phone.page.wait_for_selector(SVG)
        wait_count(phone, 0)

    draw(a, "road", [(0.05, 0.5), (0.3, 0.45), (0.6, 0.55), (0.95, 0.5)])
    draw(a, "house", [(0.2, 0.2), (0.3, 0.2), (0.3, 0.3), (0.2, 0.3), (0.2, 0.2)])
    # a stray note, erased with a tap of the eraser
    draw(a, "note", [(0.6, 0.1), (0.9, 0.1)])
    tool(a, "erase")
    a.page.mouse.click(*at(a, 0.75, 0.1))
    wait_count(a, 2)
    expect(a.page.locator("[data-pen=note]")).to_have_count(0)
    place_pin(a, h1, 0.25, 0.25)
    write_label(a, "村道", 0.5, 0.42)
    # undo takes the label away, redo brings it back (as a copy: the first is deleted)
    a.page.click("[data-testid=undo]")
    wait_count(a, 3)
    expect(a.page.locator("[data-kind=label]")).to_have_count(0)
    a.page.click("[data-testid=redo]")
    wait_count(a, 4)
    expect(a.page.locator("[data-kind=label]")).to_have_text("村道")

    draw(b, "river", [(0.1, 0.9), (0.4, 0.8), (0.7, 0.85), (0.9, 0.7)])
    draw(b, "note", [(0.7, 0.2), (0.75, 0.25), (0.8, 0.2)])
    place_pin(b, h2, 0.7, 0.6)
    write_label(b, "清水河", 0.5, 0.8)
    b.page.click("[data-testid=undo]")  # the label
    b.page.click("[data-testid=undo]")  # the pin
    wait_count(b, 2)
    b.page.click("[data-testid=redo]")  # the pin again
    wait_count(b, 3)
    b.page.click("[data-testid=undo]")  # and away again: only B's strokes left…
    wait_count(b, 2)
    place_pin(b, h2, 0.7, 0.6)  # …until it is placed anew (this ends the redo line)
    expect(b.page.locator("[data-testid=redo]")).to_be_disabled()
    write_label(b, "清水河", 0.5, 0.8)
    draw(b, "note", [(0.1, 0.1), (0.15, 0.12)])
    b.page.click("[data-testid=undo]")  # the second note
    wait_count(b, 4)
    assert a.pending() > 0
    assert b.pending() > 0

    server.start()
    a.sync()
    b.sync()
    a.sync()
    for phone in (a, b):
        phone.wait_pending(0)

    maps = db_rows(
        "SELECT id, version, deleted FROM condition_map WHERE village_code = :v AND group_code = :g",
        v=village,
        g=group,
    )
    assert len(maps) == 1, maps
    assert not maps[0]["deleted"]
    map_id = maps[0]["id"]
    rows = db_rows(
        "SELECT id, kind, pen, text, household_id, deleted FROM map_element WHERE map_id = :m",
        m=map_id,
    )
    live = [r for r in rows if not r["deleted"]]
    dead = [r for r in rows if r["deleted"]]
    assert sorted((r["kind"], r["pen"] or r["household_id"] or r["text"]) for r in live) == sorted(
        [
            ("stroke", "road"),
            ("stroke", "house"),
            ("stroke", "river"),
            ("stroke", "note"),
            ("pin", h1),
            ("pin", h2),
            ("label", "村道"),
            ("label", "清水河"),
        ]
    )
    # erased and undone elements are tombstones: A's note and first label; B's first label,
    # two pins and second note
    assert sorted((r["kind"], r["pen"] or r["household_id"] or r["text"]) for r in dead) == sorted(
        [
            ("stroke", "note"),
            ("label", "村道"),
            ("label", "清水河"),
            ("pin", h2),
            ("pin", h2),
            ("stroke", "note"),
        ]
    )

    # both phones hold the union, and draw it
    live_ids = sorted(r["id"] for r in live)
    for phone in (a, b):
        assert sorted(e["id"] for e in stored_elements(phone, map_id)) == live_ids
        open_map(phone, village, group)
        wait_count(phone, 8)
        expect(phone.page.locator(f"{SVG} [data-id]")).to_have_count(8)

    # the county's SVG of the merged map holds every element
    svg = map_svg(server, map_id)
    pens = sorted(p.get("data-pen") for p in svg.iterfind(".//s:g[@class='stroke']/s:polyline", NS))
    assert pens == ["house", "note", "river", "road"]
    texts = [t.text for t in svg.iterfind(".//s:g[@class='label']/s:text", NS)]
    assert sorted(texts) == ["村道", "清水河"]
    pinned = [g.get("data-household") for g in svg.iterfind(".//s:g[@class='pin']/s:g", NS)]
    assert sorted(pinned) == sorted([h1, h2])
    listed = httpx.get(
        f"{server.url}/api/v1/maps", headers=api_login(server, "cadre_a2", "county-pc")
    ).json()
    assert [(m["id"], m["elements"]) for m in listed] == [(map_id, 8)]


def seed_map_with_pin(
    server: LiveServer, county: County, household_id: str
) -> tuple[str, str, str, str]:
    village = county.village_a
    group = county.groups[village][0]
    map_id, pin_id = str(uuid.uuid4()), str(uuid.uuid4())
    results = push_ops(
        server,
        "cadre_a",
        [
            op(
                "condition_map",
                map_id,
                {"village_code": village, "group_code": group, "title": "1组民情地图"},
            ),
            op(
                "map_element",
                pin_id,
                {"map_id": map_id, "kind": "pin", "x": 500, "y": 400, "household_id": household_id},
            ),
            op(
                "map_element",
                str(uuid.uuid4()),
                {"map_id": map_id, "kind": "stroke", "pen": "road", "points": [0, 450, 1000, 450]},
            ),
        ],
        device_id="county-pc",
    )
    assert all(r["status"] == "applied" for r in results), results
    return village, group, map_id, pin_id


def test_pin_opens_the_family_file_and_a_pin_moved_on_two_phones_is_a_conflict(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    village = county.village_a
    group = county.groups[village][0]
    (hid,) = seed_households(server, village, [group], 1)
    push_ops(server, "cadre_a", [op("household", hid, {"poverty_status": "monitored"}, base=1)])
    village, group, map_id, pin_id = seed_map_with_pin(server, county, hid)
    a, b = login_both(server, phones)

    # tapping the pin (查看) opens the family file; the family file shows the household on its map
    open_map(a, village, group)
    wait_count(a, 2)
    pin = a.page.locator(f"[data-kind=pin][data-household='{hid}']")
    expect(pin).to_have_attribute("data-status", "monitored")
    a.page.mouse.click(*pin_centre(a, hid))
    a.page.wait_for_url(f"**#/h/{hid}")
    card = a.page.wait_for_selector("[data-testid=map-card]")
    assert card.query_selector(f"[data-kind=pin][data-household='{hid}']") is not None
    a.page.click("[data-testid=map-mini]")
    a.page.wait_for_url(f"**#/v/{village}/g/{group}/map/{hid}")
    expect(a.page.locator(f"[data-kind=pin].lit[data-household='{hid}']")).to_have_count(1)

    # the same pin moved on both phones, offline, to different places
    open_map(b, village, group)
    wait_count(b, 2)
    server.kill()
    open_map(a, village, group)
    drag_pin(a, hid, 0.2, 0.2)
    drag_pin(b, hid, 0.8, 0.8)
    moved = {
        name: next(e for e in stored_elements(phone, map_id) if e["id"] == pin_id)
        for name, phone in (("a", a), ("b", b))
    }
    assert moved["a"]["x"] < 400 < 600 < moved["b"]["x"], moved
    server.start()
    a.sync()
    b.sync()
    a.sync()  # a learns of the conflict from the pull

    conflicts = db_rows(
        "SELECT fields, status FROM record_conflict WHERE record_id = :id", id=pin_id
    )
    assert len(conflicts) == 1
    assert conflicts[0]["status"] == "open"
    for phone in (a, b):
        phone.wait_pending(0)
        open_map(phone, village, group)
        box = phone.page.wait_for_selector("[data-testid=map-conflict] dl.both")
        text = box.text_content() or ""
        assert "位置" in text, text
        for side in ("a", "b"):
            assert f"({moved[side]['x']}, {moved[side]['y']})" in text, (side, text)
        assert "本机" in text  # each phone sees which position is its own
        expect(phone.page.locator(f"[data-id='{pin_id}'].conflict")).to_have_count(1)
        expect(phone.page.locator(".ghost")).to_have_count(1)


def test_long_strokes_are_simplified_pinch_zooms_and_a_full_map_says_so(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    village = county.village_a
    group = county.groups[village][0]
    village, group, map_id, _ = seed_map_with_pin(
        server, county, seed_households(server, village, [group], 1)[0]
    )
    phone = phones(server)
    phone.open()
    phone.login("cadre_a")
    open_map(phone, village, group)
    wait_count(phone, 2)
    tool(phone, "note")

    # a stroke of 3,000 pointer moves (dispatched PointerEvents): stored with ≤ 1,000 points
    phone.page.evaluate(
        """() => {
        const svg = document.querySelector('[data-testid=map-svg]');
        const r = svg.getBoundingClientRect();
        const ev = (type, i) => {
            const t = i / 3000, a = t * Math.PI * 24, rad = 0.05 + 0.4 * t;
            svg.dispatchEvent(new PointerEvent(type, { bubbles: true, cancelable: true, pointerId: 7,
                pointerType: 'pen', isPrimary: true, button: 0, buttons: type === 'pointerup' ? 0 : 1,
                clientX: r.left + r.width * (0.5 + rad * Math.cos(a)),
                clientY: r.top + r.height * (0.5 + rad * Math.sin(a)) }));
        };
        ev('pointerdown', 0);
        for (let i = 1; i <= 3000; i++) ev('pointermove', i);
        ev('pointerup', 3000);
    }"""
    )
    wait_count(phone, 3)
    expect(phone.page.locator("[role=alert].toast")).to_contain_text("已自动简化")
    stroke = next(
        e for e in stored_elements(phone, map_id) if e["kind"] == "stroke" and e["pen"] == "note"
    )
    n = len(stroke["points"]) // 2
    assert 100 < n <= 1000, n
    xs, ys = stroke["points"][0::2], stroke["points"][1::2]
    # the spiral kept its size
    assert max(xs) - min(xs) > 700
    assert max(ys) - min(ys) > 700

    # two pointers pinch: the map zooms, nothing is drawn
    g = phone.page.locator(f"{SVG} > g")
    before = g.get_attribute("transform") or ""
    phone.page.evaluate(
        """() => {
        const svg = document.querySelector('[data-testid=map-svg]');
        const r = svg.getBoundingClientRect();
        const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
        const ev = (type, id, dx) => svg.dispatchEvent(new PointerEvent(type, { bubbles: true,
            cancelable: true, pointerId: id, pointerType: 'touch', isPrimary: id === 1, buttons: 1,
            clientX: cx + dx, clientY: cy }));
        ev('pointerdown', 1, -20); ev('pointerdown', 2, 20);
        for (let d = 20; d <= 80; d += 5) { ev('pointermove', 1, -d); ev('pointermove', 2, d); }
        ev('pointerup', 1, -80); ev('pointerup', 2, 80);
    }"""
    )
    expect(g).not_to_have_attribute("transform", before)

    def scale(transform: str) -> float:
        return float(transform.split("scale(")[1].rstrip(")"))

    assert scale(g.get_attribute("transform") or "") > 3 * scale(before)
    wait_count(phone, 3)

    # a map at its limit of elements: drawing is refused, with the limit said plainly
    phone.idb(
        """const tx = db.transaction('records', 'readwrite');
        const rs = tx.objectStore('records');
        for (let i = 0; i < 2997; i++) {
            const id = 'seeded-' + i;
            rs.put({ type: 'map_element', id, version: 1, server: null, deleted: false,
                has_conflict: false, village: '', grp: '', hh: arg,
                data: { map_id: arg, kind: 'stroke', pen: 'note', points: [i % 1000, 990, i % 1000, 995] } });
        }
        await new Promise((ok) => (tx.oncomplete = ok));""",
        map_id,
    )
    phone.page.reload()
    phone.page.wait_for_selector(SVG)
    wait_count(phone, 3000)
    tool(phone, "river")
    m = phone.page.mouse
    m.move(*at(phone, 0.1, 0.3))
    m.down()
    m.move(*at(phone, 0.6, 0.35), steps=6)
    m.up()
    expect(phone.page.locator("[data-testid=map-limit]")).to_contain_text("最多 3000 个元素")
    wait_count(phone, 3000)
    assert not [e for e in stored_elements(phone, map_id) if e.get("pen") == "river"]
    assert not [o for o in phone.outbox() if o["set"].get("pen") == "river"]
