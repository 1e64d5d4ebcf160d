"""Spot-check rounds: the county rule on a 19-township county, reproducibility, weights for
recently checked cadres, the audit replay, scope (404) and roles (403)."""

from collections import Counter
from datetime import UTC, datetime, timedelta

from backend.auth.models import User
from backend.database import open_session
from backend.geo.scope import scope_for
from backend.supervision import draw, service
from tests.conftest import County
from tests.supervision.generated import BigCounty
from tests.sync.phone import Phone, new_id

ROUNDS = "/api/v1/supervision/rounds"


def _drawn(body: dict) -> list[int]:
    return [c["cadre_id"] for c in body["cadres"]]


def _per_township(bc: BigCounty, ids: list[int]) -> Counter[str]:
    home = {uid: town for town, cs in bc.cadres.items() for uid in cs}
    return Counter(home[i] for i in ids)


def test_county_rule_and_same_seed_same_sample(client, big_county: BigCounty) -> None:
    sup = Phone(client, "sup_county", "d-sc")
    first = client.post(ROUNDS, json={"seed": 20261122}, headers=sup.headers)
    assert first.status_code == 201, first.text
    body = first.json()
    ids = _drawn(body)
    per_town = _per_township(big_county, ids)
    assert set(per_town) == set(big_county.townships)  # every township
    assert all(1 <= n <= 2 for n in per_town.values())
    assert len(ids) >= 10
    assert len(set(ids)) == len(ids)
    assert big_county.inactive not in ids
    assert body["seed"] == 20261122
    assert body["county_wide"] is True
    assert body["pool_size"] == len(big_county.all_cadres)
    assert body["replayed"] is True

    again = client.post(ROUNDS, json={"seed": 20261122}, headers=sup.headers).json()
    assert again["id"] != body["id"]
    assert _drawn(again) == ids
    others = {
        tuple(_drawn(client.post(ROUNDS, json={"seed": s}, headers=sup.headers).json()))
        for s in (1, 2, 3)
    }
    assert len(others | {tuple(ids)}) > 1  # another seed, another sample

    two = client.post(ROUNDS, json={"seed": 5, "per_township": 2}, headers=sup.headers).json()
    per_town = _per_township(big_county, _drawn(two))
    for town, n in per_town.items():
        assert n == min(2, len(big_county.cadres[town]))

    # No seed given: one is made and recorded, and the audit replays the draw from it.
    made = client.post(ROUNDS, headers=sup.headers).json()
    assert isinstance(made["seed"], int)
    assert 0 <= made["seed"] < 2**53
    audit = client.get(f"{ROUNDS}/{made['id']}/audit", headers=sup.headers).json()
    assert audit["matches"] is True
    assert audit["drawn"] == _drawn(made)
    assert audit["inputs"]["rule"]["county_min"] == 10
    assert {p["cadre_id"] for p in audit["inputs"]["pool"]} == set(big_county.all_cadres)
    replayed = draw.replay(audit["inputs"], audit["seed"], county_wide=True)
    assert replayed == _drawn(made)


def _pool(*, townships: int, each: int) -> list[draw.Candidate]:
    return [
        draw.Candidate(
            cadre_id=t * 100 + i,
            township_code=f"t{t}",
            village_codes=("v",),
            recent_checks=0,
            weight=1.0,
        )
        for t in range(townships)
        for i in range(each)
    ]


def test_county_floor_in_a_county_of_few_townships() -> None:
    # 3 townships × 2 = 6 < 10: the county floor wins; fewer only when fewer exist.
    pool = _pool(townships=3, each=5)
    for seed in range(30):
        got = draw.draw(pool, seed, draw.Rule(), county_wide=True)
        assert len(got) == 10
        assert set(Counter(c.township_code for c in got)) == {"t0", "t1", "t2"}
        assert len(draw.draw(pool[:7], seed, draw.Rule(), county_wide=True)) == 7
        # A township round has no county floor.
        assert len(draw.draw(pool[:5], seed, draw.Rule(), county_wide=False)) == 1
    # Five townships or more: 1–2 each reaches 10 without going over 2.
    wide = _pool(townships=6, each=4)
    got = draw.draw(wide, 3, draw.Rule(), county_wide=True)
    per_town = Counter(c.township_code for c in got)
    assert len(got) == 10
    assert set(per_town.values()) <= {1, 2}
    assert len(per_town) == 6


def test_all_cadres_of_a_small_county(client, county: County) -> None:
    sup = Phone(client, "super_county", "d-sc")
    body = client.post(ROUNDS, json={"seed": 1}, headers=sup.headers).json()
    ids = set(_drawn(body))
    # Four cadres exist: all four are drawn (the floor of 10 cannot be met).
    assert ids == {county.users[u] for u in ("cadre_a", "cadre_a2", "cadre_b", "cadre_c")}


def test_recently_checked_cadres_are_drawn_less_often(client, big_county: BigCounty) -> None:
    town = max(big_county.townships, key=lambda t: len(big_county.cadres[t]))
    cadres = big_county.cadres[town]
    assert len(cadres) >= 4
    checked, old = cadres[0], cadres[1]
    sup = Phone(client, "sup_county", "d-sc")
    village_of = {uid: vs[0] for uid, vs in big_county.village_of.items() if vs}
    now = datetime.now(UTC)

    def check(cadre: int, at: datetime) -> dict:
        data = {"village_code": village_of[cadre], "cadre_id": cadre, "reached": True}
        return sup.op("spot_check", new_id(), {**data, "checked_at": at.isoformat()})

    # The old one is 40 days ago: outside the 30-day window, no lower weight.
    sup.push_ok([check(checked, now), check(old, now - timedelta(days=40))])
    with open_session() as s:
        viewer = s.get(User, big_county.users["sup_county"])
        assert viewer is not None
        scope = scope_for(s, viewer)
        pool = service.candidate_pool(s, scope, big_county.townships, draw.Rule(), now)
    weights = {c.cadre_id: (c.weight, c.recent_checks) for c in pool}
    assert weights[checked] == (0.25, 1)
    assert weights[old] == (1.0, 0)

    drawn: Counter[int] = Counter()
    seeds = 600
    for seed in range(seeds):
        for c in draw.draw(pool, seed, draw.Rule(), county_wide=True):
            drawn[c.cadre_id] += 1
    peers = [drawn[c] for c in cadres[1:]]
    mean_peer = sum(peers) / len(peers)
    # Expected about 0.25/(0.25 + n - 1) against 1/(0.25 + n - 1) for each peer.
    assert drawn[checked] < 0.5 * mean_peer, (drawn[checked], peers)
    assert drawn[checked] > 0  # less often, but not never

    # The round shows the weight it drew with.
    ask = {"seed": 11, "township_code": town, "per_township": 2}
    body = client.post(ROUNDS, json=ask, headers=sup.headers).json()
    pool_view = client.get(f"{ROUNDS}/{body['id']}/audit", headers=sup.headers).json()
    by_id = {p["cadre_id"]: p for p in pool_view["inputs"]["pool"]}
    assert by_id[checked]["weight"] == 0.25
    assert by_id[checked]["recent_checks"] == 1


def test_township_supervisor_scope(client, big_county: BigCounty) -> None:
    t1, t2 = big_county.townships[0], big_county.townships[1]
    s1 = Phone(client, "sup_t1", "d-s1")
    s2 = Phone(client, "sup_t2", "d-s2")
    county_sup = Phone(client, "sup_county", "d-sc")

    # Drawing in another township: 404, the same as a township that does not exist.
    r = client.post(ROUNDS, json={"township_code": t2}, headers=s1.headers)
    assert r.status_code == 404
    assert r.json()["error"] == "not_found"
    assert (
        client.post(ROUNDS, json={"township_code": "999999999"}, headers=s1.headers).status_code
        == 404
    )

    own = client.post(ROUNDS, json={"seed": 3, "per_township": 2}, headers=s1.headers)
    assert own.status_code == 201, own.text
    body = own.json()
    assert body["township_codes"] == [t1]
    assert body["county_wide"] is False
    assert set(_drawn(body)) <= set(big_county.cadres[t1])
    assert len(_drawn(body)) == min(2, len(big_county.cadres[t1]))
    for c in body["cadres"]:
        assert c["township"]["code"] == t1
        assert c["village_code"].startswith(t1)
    named = client.post(ROUNDS, json={"township_code": t1}, headers=s1.headers).json()

    wide = client.post(ROUNDS, json={"seed": 4}, headers=county_sup.headers).json()
    other = client.post(ROUNDS, json={"township_code": t2}, headers=s2.headers).json()

    # Reading: another township's round and a county-wide round are 404 for sup_t1.
    for rid in (wide["id"], other["id"]):
        assert client.get(f"{ROUNDS}/{rid}", headers=s1.headers).status_code == 404
        assert client.get(f"{ROUNDS}/{rid}/audit", headers=s1.headers).status_code == 404
    assert client.get(f"{ROUNDS}/{new_id()}", headers=s1.headers).status_code == 404
    listed = client.get(ROUNDS, headers=s1.headers).json()
    assert {i["id"] for i in listed["items"]} == {body["id"], named["id"]}
    assert listed["total"] == 2
    # The county supervisor and the admin see every round.
    assert client.get(ROUNDS, headers=county_sup.headers).json()["total"] == 4
    admin = Phone(client, "boss", "d-b")
    assert client.get(f"{ROUNDS}/{body['id']}", headers=admin.headers).status_code == 200
    page = client.get(ROUNDS, params={"limit": 1, "offset": 1}, headers=admin.headers).json()
    assert [i["id"] for i in page["items"]] == [wide["id"]]  # newest first: other, wide, …

    # The straddling cadre (2 villages in township 1, 1 in township 2) is in township 1's
    # pool only; township 2's pool knows nothing of them.
    audit1 = client.get(f"{ROUNDS}/{body['id']}/audit", headers=s1.headers).json()
    audit2 = client.get(f"{ROUNDS}/{other['id']}/audit", headers=s2.headers).json()
    assert big_county.straddler in {p["cadre_id"] for p in audit1["inputs"]["pool"]}
    pool2 = {p["cadre_id"]: p for p in audit2["inputs"]["pool"]}
    assert big_county.straddler in pool2  # in township 2's own draw, it is theirs
    assert pool2[big_county.straddler]["village_codes"] == [big_county.villages[t2][0]]
    wide_audit = client.get(f"{ROUNDS}/{wide['id']}/audit", headers=county_sup.headers).json()
    straddler = [p for p in wide_audit["inputs"]["pool"] if p["cadre_id"] == big_county.straddler]
    assert len(straddler) == 1
    assert straddler[0]["township_code"] == t1


def test_roles_and_bad_bodies(client, county: County) -> None:
    cadre = Phone(client, "cadre_a", "d-a")
    assert client.post(ROUNDS, headers=cadre.headers).status_code == 403
    assert client.get(ROUNDS, headers=cadre.headers).status_code == 403
    assert client.post(ROUNDS).status_code == 401
    sup = Phone(client, "super_county", "d-sc")
    assert client.post(ROUNDS, json={"seed": -1}, headers=sup.headers).status_code == 422
    assert client.post(ROUNDS, json={"seed": 2**60}, headers=sup.headers).status_code == 422
    assert client.post(ROUNDS, json={"per_township": 3}, headers=sup.headers).status_code == 422
    assert client.post(ROUNDS, json={"nonsense": 1}, headers=sup.headers).status_code == 422


def test_a_retried_post_finds_its_round(client, county: County) -> None:
    sup = Phone(client, "super_county", "d-sc")
    rid = new_id()
    first = client.post(ROUNDS, json={"id": rid}, headers=sup.headers)
    assert first.status_code == 201
    assert first.json()["id"] == rid
    again = client.post(ROUNDS, json={"id": rid, "seed": 99}, headers=sup.headers)
    assert again.status_code == 201
    assert again.json()["seed"] == first.json()["seed"]
    assert client.get(ROUNDS, headers=sup.headers).json()["total"] == 1
    admin = Phone(client, "admin", "d-ad")
    taken = client.post(ROUNDS, json={"id": rid}, headers=admin.headers)
    assert taken.status_code == 409


def test_round_detail_shows_the_call_and_its_outcome(client, county: County) -> None:
    sup = Phone(client, "super_t1", "d-s1")
    body = client.post(ROUNDS, json={"seed": 8, "per_township": 2}, headers=sup.headers).json()
    assert body["size"] == 2
    assert body["checked"] == 0
    cadre = body["cadres"][0]
    assert cadre["phone"] == "13800000000"
    assert cadre["tel"] == "tel:13800000000"
    assert cadre["name"] in {"cadre_a", "cadre_a2", "cadre_b"}
    assert cadre["villages"][0]["name"] in {"茅坡村", "朱家场村"}
    assert cadre["township"] == {"code": county.township_1, "name": "平溪街道"}
    assert cadre["evidence"]["visits_30d"] == 0

    check = new_id()
    sup.push_ok(
        [
            sup.op(
                "spot_check",
                check,
                {
                    "village_code": cadre["village_code"],
                    "cadre_id": cadre["cadre_id"],
                    "round_id": body["id"],
                    "checked_at": "2026-11-20T10:00:00+08:00",
                    "reached": True,
                    "on_post": True,
                    "back_on_post": True,
                    "studied_documents": True,
                    "talks_held": 3,
                    "recent_work": "走访未脱贫户 12 户，组织学习上级文件",
                    "remark": "在岗",
                },
            )
        ]
    )
    detail = client.get(f"{ROUNDS}/{body['id']}", headers=sup.headers).json()
    assert detail["checked"] == 1
    got = next(c for c in detail["cadres"] if c["cadre_id"] == cadre["cadre_id"])
    assert [c["id"] for c in got["checks"]] == [check]
    assert got["checks"][0]["talks_held"] == 3
    assert got["checks"][0]["checked_by"] == county.users["super_t1"]
    assert got["evidence"]["latest_check"]["id"] == check
    listed = client.get(ROUNDS, headers=sup.headers).json()["items"][0]
    assert listed["checked"] == 1
    assert listed["size"] == 2
    assert listed["drawn_by_name"] == "super_t1"


def test_tel_uri() -> None:
    assert service.tel_uri("138 0000 0000") == "tel:13800000000"
    assert service.tel_uri("+86-138-0000-0000") == "tel:+8613800000000"
    assert service.tel_uri("") is None
    assert service.tel_uri("12") is None


def test_a_call_not_got_through_is_an_attempt_not_an_outcome(client, county: County) -> None:
    """One round: 未接通, then 接通·不在岗. The round view shows one attempt and the outcome;
    the recall list counts one round and one absence, not two (issue 16)."""
    sup = Phone(client, "super_t1", "d-s1")
    body = client.post(ROUNDS, json={"seed": 8, "per_township": 2}, headers=sup.headers).json()
    cadre = body["cadres"][0]

    def call(at: str, reached: bool, on_post: bool | None) -> tuple[str, dict]:
        data = {
            "village_code": cadre["village_code"],
            "cadre_id": cadre["cadre_id"],
            "round_id": body["id"],
            "checked_at": at,
            "reached": reached,
            "on_post": on_post,
        }
        cid = new_id()
        return cid, sup.op("spot_check", cid, data)

    now = datetime.now(UTC)
    missed, first = call((now - timedelta(hours=2)).isoformat(), False, None)
    answered, second = call((now - timedelta(hours=1)).isoformat(), True, False)
    sup.push_ok([first, second])

    detail = client.get(f"{ROUNDS}/{body['id']}", headers=sup.headers).json()
    got = next(c for c in detail["cadres"] if c["cadre_id"] == cadre["cadre_id"])
    assert [c["id"] for c in got["checks"]] == [missed, answered]
    assert got["attempts"] == 1
    assert got["outcome"]["id"] == answered
    assert got["outcome"]["on_post"] is False

    recall = client.get(
        "/api/v1/reports/recall", params={"min_absences": 1}, headers=sup.headers
    ).json()
    listed = next(c for c in recall["cadres"] if c["cadre_id"] == cadre["cadre_id"])
    assert (listed["checks"], listed["absences"]) == (1, 1)
    assert (listed["not_reached"], listed["not_on_post"]) == (0, 1)

    # A second round with only a call not got through: 未接通, one more round and absence.
    body = client.post(ROUNDS, json={"seed": 8, "per_township": 2}, headers=sup.headers).json()
    _, third = call((now - timedelta(minutes=30)).isoformat(), False, None)
    sup.push_ok([third])
    detail = client.get(f"{ROUNDS}/{body['id']}", headers=sup.headers).json()
    got = next(c for c in detail["cadres"] if c["cadre_id"] == cadre["cadre_id"])
    assert (got["attempts"], got["outcome"]) == (1, None)
    recall = client.get(
        "/api/v1/reports/recall", params={"min_absences": 2}, headers=sup.headers
    ).json()
    listed = next(c for c in recall["cadres"] if c["cadre_id"] == cadre["cadre_id"])
    assert (listed["checks"], listed["absences"], listed["not_reached"]) == (2, 2, 1)


def test_the_monthly_spot_check_report_counts_rounds_not_calls(client, county: County) -> None:
    sup = Phone(client, "super_t1", "d-s1")
    body = client.post(ROUNDS, json={"seed": 8, "per_township": 2}, headers=sup.headers).json()
    cadre = body["cadres"][0]
    now = datetime.now(UTC)
    ops = []
    for minutes, reached, on_post in ((20, False, None), (10, True, True)):
        data = {
            "village_code": cadre["village_code"],
            "cadre_id": cadre["cadre_id"],
            "round_id": body["id"],
            "checked_at": (now - timedelta(minutes=minutes)).isoformat(),
            "reached": reached,
            "on_post": on_post,
        }
        ops.append(sup.op("spot_check", new_id(), data))
    sup.push_ok(ops)
    report = client.get("/api/v1/reports/spot-checks", headers=sup.headers).json()
    assert report["total"] == {"checks": 1, "reached": 1, "on_post": 1, "absent": 0}
