"""Pull: change order, scope, tombstones, conflicts flagged, new villages arrive whole."""

import gzip

import orjson
import pytest
import zstandard
from sqlalchemy import insert

from backend.auth.models import UserVillage
from backend.database import open_session
from tests.conftest import County
from tests.sync.phone import Phone, household, new_id


def seed(phone: Phone, village: str, n: int) -> list[str]:
    ids = [new_id() for _ in range(n)]
    phone.push_ok(
        [
            phone.op("household", i, household(village, head_name=f"户{k}"))
            for k, i in enumerate(ids)
        ]
    )
    return ids


def give_village(county: County, username: str, village: str) -> None:
    """An admin assigns ``village`` to the cadre as well."""
    with open_session(write=True) as s:
        s.execute(insert(UserVillage).values(user_id=county.users[username], village_code=village))
        s.commit()


def test_pages_in_change_order_without_gaps(client, county: County) -> None:
    a = Phone(client, "cadre_a", "d-a1")
    ids = seed(a, county.village_a, 25)
    first = client.get("/api/v1/sync/pull", params={"limit": 7}, headers=a.headers).json()
    assert first["remaining"] == 18  # for the progress bar
    records, cursor = a.pull_all(limit=7)
    assert [r["id"] for r in records] == ids
    again, _ = a.pull_all(cursor)
    assert again == []


def test_only_the_callers_scope(client, county: County) -> None:
    a, c = Phone(client, "cadre_a", "d-a1"), Phone(client, "cadre_c", "d-c1")
    seed(a, county.village_a, 3)
    seed(c, county.village_c, 2)
    assert len(a.pull_all()[0]) == 3
    assert len(c.pull_all()[0]) == 2
    # supervisors read family files online (masked there); their phones hold spot checks only
    sup = Phone(client, "super_t1", "d-s1")
    assert sup.pull_all()[0] == []
    assert a.pull_all()[0][0]["data"]["id_number"] == "52062319650312052X"


def test_a_new_village_arrives_whole(client, county: County) -> None:
    a, b = Phone(client, "cadre_a", "d-a1"), Phone(client, "cadre_b", "d-b1")
    seed(b, county.village_b, 4)
    seed(a, county.village_a, 2)
    first, cursor = a.pull_all()
    assert len(first) == 2
    give_village(county, "cadre_a", county.village_b)
    r = client.get("/api/v1/sync/pull", params={"cursor": cursor}, headers=a.headers).json()
    assert r["reset"] is True
    assert sorted(r["scope"]) == [county.village_a, county.village_b]
    assert len(r["records"]) == 6


def test_conflict_flag_travels(client, county: County) -> None:
    a, b = Phone(client, "cadre_a", "d-a1"), Phone(client, "cadre_a2", "d-a2")
    hid = new_id()
    a.push_ok([a.op("household", hid, household(county.village_a))])
    a.push_ok([a.op("household", hid, {"income_per_head": 1}, base=1)])
    b.push_ok([b.op("household", hid, {"income_per_head": 2}, base=1)])
    records, _ = b.pull_all()
    assert records[-1]["has_conflict"] is True


@pytest.mark.parametrize(
    ("offered", "encoding", "decompress"),
    [
        ("gzip", "gzip", gzip.decompress),
        # what Chromium 156 offers: zstd is chosen, the cheapest to make and to read
        ("gzip, deflate, br, zstd", "zstd", lambda b: zstandard.ZstdDecompressor().decompress(b)),
    ],
)
def test_answers_are_compressed(client, county: County, offered, encoding, decompress) -> None:
    a = Phone(client, "cadre_a", "d-a1")
    seed(a, county.village_a, 30)
    plain = client.get("/api/v1/sync/pull", headers={**a.headers, "Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    raw = client.build_request(
        "GET", "/api/v1/sync/pull", headers={**a.headers, "Accept-Encoding": offered}
    )
    resp = client.send(raw, stream=True)
    assert resp.headers["content-encoding"] == encoding
    body = b"".join(resp.iter_raw())
    assert len(body) * 2 < len(plain.content)
    assert orjson.loads(decompress(body))["records"] == plain.json()["records"]
    # and a client that decodes it itself (httpx, as the browser does) reads the same
    decoded = client.get("/api/v1/sync/pull", headers={**a.headers, "Accept-Encoding": offered})
    assert decoded.headers["content-encoding"] == encoding
    assert decoded.json()["records"] == plain.json()["records"]


def test_bad_cursor_is_a_clear_400(client, county: County) -> None:
    a = Phone(client, "cadre_a", "d-a1")
    r = client.get("/api/v1/sync/pull", params={"cursor": "not-a-cursor"}, headers=a.headers)
    assert r.status_code == 400
    assert r.json()["error"] == "bad_cursor"


def test_small_pages_hold_what_one_page_holds_across_types(client, county: County) -> None:
    """Households and members changed in turns, so each type's changes lie between the
    other's: every page size gives the same records, in the same order, as one big page
    (a page reads the types up to the cut the ones before it set)."""
    a = Phone(client, "cadre_a", "d-a1")
    households = seed(a, county.village_a, 4)
    for k, hid in enumerate(households):
        member = {"household_id": hid, "name": f"成员{k}", "relation": "child"}
        a.push_ok([a.op("member", new_id(), member)])
        if k % 2 == 0:  # an edit moves the household past the members made before it
            a.push_ok([a.op("household", hid, {"income_per_head": 5000 + k}, base=1)])
    whole, _ = a.pull_all(limit=1000)
    changed = [(r["type"], r["id"], r["version"]) for r in whole]
    assert len(changed) == 8
    assert {t for t, _, _ in changed} == {"household", "member"}
    assert [t for t, _, _ in changed] != sorted(t for t, _, _ in changed)  # interleaved
    for size in (1, 2, 3, 5):
        paged, _ = a.pull_all(limit=size)
        assert [(r["type"], r["id"], r["version"]) for r in paged] == changed, size


def test_pages_across_villages_in_change_order(client, county: County) -> None:
    """A cadre of two villages: households in both, members in one, changed in turns. Each
    type's first change is looked up village by village (a type whose first change lies
    past a page's cut is not read for it), and every page size still gives every record
    once, in change order."""
    a, b = Phone(client, "cadre_a", "d-a1"), Phone(client, "cadre_b", "d-b1")
    pushed = []

    def household_and_member(k: int) -> None:
        hid, mid = seed(a, county.village_a, 1)[0], new_id()
        member = {"household_id": hid, "name": f"成员{k}", "relation": "child"}
        a.push_ok([a.op("member", mid, member)])
        pushed.extend([hid, mid])

    household_and_member(0)
    household_and_member(1)
    pushed += seed(b, county.village_b, 2)
    household_and_member(2)
    give_village(county, "cadre_a", county.village_b)
    whole, _ = a.pull_all(limit=1000)
    assert [r["id"] for r in whole] == pushed
    for size in (1, 2, 3, 4):
        paged, _ = a.pull_all(limit=size)
        assert [r["id"] for r in paged] == pushed, size
