"""The attack set of issue 18: each finding of the attacker's run, tried again.

One test (or a few) per finding, named ``test_fNN_…`` by the finding's number, so the next
change is tried against the same attacks.
"""

import base64
import io
import json
import os
import stat
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from backend.config import PLACEHOLDER_SECRET, Settings, get_settings
from tests.conftest import PASSWORD, County, login
from tests.sync.phone import Phone, household, new_id

ID_NUMBER = "520623197001010018"


def _refresh(client: httpx.Client, token: str) -> httpx.Response:
    return client.post("/api/v1/auth/refresh", json={"refresh_token": token})


def _bearer(answer: httpx.Response) -> dict[str, str]:
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


# ── 1. masked ID numbers recovered through search ──────────────────────────────────────────


def test_f01_masked_id_digits_cannot_be_searched(client, county: County) -> None:
    cadre = Phone(client, "cadre_a", "dev-1")
    hid = new_id()
    cadre.push_ok([cadre.op("household", hid, household(county.village_a, id_number=ID_NUMBER))])

    def search(who: str, q: str) -> httpx.Response:
        return client.get("/api/v1/households", params={"q": q}, headers=login(client, who))

    # A township supervisor sees 520623**********18: the hidden digits are not searchable,
    # a query at a time or otherwise.
    for q in (ID_NUMBER[-3:], ID_NUMBER[-12:], ID_NUMBER):
        r = search("super_t1", q)
        assert r.status_code == 422, r.text
        assert r.json()["error"] == "masked_search"
    # What they do see still finds the household.
    r = search("super_t1", ID_NUMBER[-2:])
    assert [h["id"] for h in r.json()["items"]] == [hid]
    # Whoever sees the whole number searches on it.
    for who in ("admin", "cadre_a"):
        assert [h["id"] for h in search(who, ID_NUMBER[-6:]).json()["items"]] == [hid]


# ── 2. a stolen refresh token inside the grace window ──────────────────────────────────────


def test_f02_a_retry_in_the_grace_window_answers_the_same_successor(client, county) -> None:
    a = login(client, "cadre_a")["X-Refresh"]
    b = _refresh(client, a).json()["refresh_token"]
    retried = _refresh(client, a)  # the answer carrying B was lost — or a thief has A
    assert retried.status_code == 200, retried.text
    assert retried.json()["refresh_token"] == b  # never a second live token
    # The real phone carries on with B.
    c = _refresh(client, b)
    assert c.status_code == 200, c.text
    # A once more, now that B was used: two holders; the family is revoked.
    r = _refresh(client, a)
    assert (r.status_code, r.json()["error"]) == (401, "refresh_reused")
    assert _refresh(client, c.json()["refresh_token"]).status_code == 401


# ── 3. the county XLSX export tying up the server ──────────────────────────────────────────


_REQ = SimpleNamespace(user_id=1)  # what the made-up rows need of a request


@pytest.fixture
def counted_rows(monkeypatch) -> dict[str, int]:
    """Export rows made up on the fly, counting how many were read."""
    from backend.exports import service

    read = {"rows": 0}

    def rows(kind: str, req: Any) -> Iterator[list[Any]]:
        for i in range(5000):
            read["rows"] += 1
            yield [f"户主{i}"] + [None] * (len(service.SHEETS[kind].columns) - 1)

    monkeypatch.setattr(service, "rows", rows)
    return read


def test_f03_the_workbook_streams_before_its_rows_are_all_read(counted_rows) -> None:
    from backend.exports import service

    body = service.stream_xlsx(list(service.SHEETS), _REQ)  # type: ignore[arg-type]
    first = next(body)
    while not first:
        first = next(body)
    assert first.startswith(b"PK")
    assert counted_rows["rows"] < 5000  # not the whole workbook before the first byte
    # The client leaves: the work stops where it is.
    body.close()
    stopped_at = counted_rows["rows"]
    assert stopped_at < 4 * 5000


def test_f03_a_streamed_workbook_opens(counted_rows) -> None:
    from backend.exports import service

    data = b"".join(service.stream_xlsx(["households", "members"], _REQ))  # type: ignore[arg-type]
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["农户", "家庭成员"]
    assert wb["农户"].max_row == 5001
    assert wb["农户"]["A2"].value == "户主0"
    assert wb["农户"].freeze_panes == "A2"


def test_f03_exports_over_the_bound_wait_their_turn(client, county, monkeypatch) -> None:
    from backend.exports import limit

    monkeypatch.setattr(get_settings(), "max_concurrent_exports", 1)
    headers = login(client, "admin")
    held = limit.take(1)
    try:
        r = client.get("/api/v1/exports/all.xlsx", headers=headers)
        assert r.status_code == 429, r.text
        assert r.json()["error"] == "exports_busy"
        assert int(r.headers["Retry-After"]) >= 1
        assert "导出" in r.json()["detail"]
        # CSV builds nothing in memory: not bounded.
        assert client.get("/api/v1/exports/households.csv", headers=headers).status_code == 200
    finally:
        held.release()
    r = client.get("/api/v1/exports/all.xlsx", headers=headers)
    assert r.status_code == 200
    # The finished export gave its slot back.
    client.get("/api/v1/exports/households.xlsx", headers=headers).raise_for_status()


def test_f03_an_abandoned_export_gives_its_slot_back(counted_rows) -> None:
    from backend.exports import limit, service

    never_read = limit.Holding(limit.take(1), service.stream_xlsx(["households"], _REQ))  # type: ignore[arg-type]
    del never_read  # the client left before the first byte
    half_read = limit.Holding(limit.take(1), service.stream_xlsx(["households"], _REQ))  # type: ignore[arg-type]
    next(half_read)
    half_read.close()
    limit.take(1).release()  # free again, not 429


# ── 4. integers that reach SQL ─────────────────────────────────────────────────────────────


def _cursor(seq: object) -> str:
    raw = (json.dumps({"s": seq, "k": "x"}) if not isinstance(seq, str) else seq).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "seq", [2**63, 2**64, '{"s": 1e300, "k": "x"}', '{"s": 9223372036854775808, "k": "x"}', 1.5]
)
def test_f04_a_cursor_out_of_range_is_400(client, county, seq: object) -> None:
    r = client.get(
        "/api/v1/sync/pull", params={"cursor": _cursor(seq)}, headers=login(client, "cadre_a")
    )
    assert r.status_code == 400, r.text
    assert r.json()["error"] == "bad_cursor"


def test_f04_a_base_version_out_of_range_is_422(client, county) -> None:
    phone = Phone(client, "cadre_a", "dev-1")
    hid = new_id()
    phone.push_ok([phone.op("household", hid, household(county.village_a))])
    r = phone.push([phone.op("household", hid, {"head_name": "龙"}, base=9223372036854775808)])
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "validation_error"


# ── 5. a household filed under another village's group by an edit ─────────────────────────


def test_f05_every_change_checks_its_references(client, county: County) -> None:
    phone = Phone(client, "cadre_a", "dev-1")
    hid = new_id()
    phone.push_ok([phone.op("household", hid, household(county.village_a))])
    for group in (county.group(county.village_c), county.village_a + "999"):
        [r] = phone.push_ok([phone.op("household", hid, {"group_code": group}, base=1)])
        assert r["status"] == "rejected", r
        assert "不属于村" in r["error"]["message"]
    pulled = {x["id"]: x for x in phone.pull_all()[0]}
    assert pulled[hid]["version"] == 1


# ── 6. the placeholder key outside production ──────────────────────────────────────────────


@pytest.mark.parametrize("environment", ["development", "demo"])
def test_f06_no_key_outside_production_makes_one_per_data_directory(tmp_path, environment) -> None:
    url = f"sqlite:///{tmp_path / 'minqing.sqlite'}"
    first = Settings(environment=environment, secret_key=PLACEHOLDER_SECRET, database_url=url)
    assert first.secret_key != PLACEHOLDER_SECRET
    assert len(first.secret_key) >= 32
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    again = Settings(environment=environment, secret_key=PLACEHOLDER_SECRET, database_url=url)
    assert again.secret_key == first.secret_key  # tokens survive a restart
    # A database that is not a file keeps it in the data directory.
    pg = Settings(
        environment=environment,
        secret_key=PLACEHOLDER_SECRET,
        database_url="postgresql+psycopg://u@h/db",
        data_dir=tmp_path / "data",
    )
    assert pg.secret_key == (tmp_path / "data" / "secret_key").read_text().strip()


def test_f06_a_token_signed_with_the_placeholder_is_refused(client, county) -> None:
    from backend.auth import tokens

    forged = tokens.issue_access_token(
        get_settings().model_copy(update={"secret_key": PLACEHOLDER_SECRET}),
        user_id=county.users["admin"],
        device_pk=1,
        logouts=0,
    )
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401


# ── 7. control characters in SVG documents and display names ───────────────────────────────

NASTY = "a\x01b\x0bc\x1fd\ufffee"


def test_f07_a_map_with_control_characters_is_well_formed() -> None:
    from backend.maps.svg import render

    doc = render(
        {"width": 400, "height": 300, "title": "图" + NASTY},
        [
            {"kind": "label", "text": NASTY, "x": 10, "y": 10},
            {"kind": "pin", "household_id": "h1", "text": NASTY, "x": 5, "y": 5},
        ],
        {"h1": {"head_name": NASTY, "poverty_status": "out"}},
        village_name=NASTY,
    )
    root = ET.fromstring(doc)  # raises on ill-formed XML
    texts = "".join(t for t in root.itertext())
    assert "abcde" in texts


def test_f07_a_chart_with_control_characters_is_well_formed() -> None:
    from backend.reports.svg import Bar, bar_chart

    doc = bar_chart(
        NASTY, NASTY, [Bar(label=NASTY, fraction=0.5, text=NASTY, colour="#000", title=NASTY)]
    )
    ET.fromstring(doc)


@pytest.mark.parametrize("name", ["a\x01b", "a\x0bb", "a\x1fb", "a\ufffeb", "张\n三", "张\t三"])
def test_f07_display_names_with_control_characters_are_refused(client, county, name) -> None:
    headers = login(client, "admin")
    r = client.patch(
        f"/api/v1/users/{county.users['cadre_a']}", json={"display_name": name}, headers=headers
    )
    assert r.status_code == 422, r.text
    r = client.post(
        "/api/v1/users",
        json={
            "username": "new_cadre",
            "password": PASSWORD,
            "role": "cadre",
            "display_name": name,
            "villages": [county.village_a],
        },
        headers=headers,
    )
    assert r.status_code == 422, r.text


def test_f07_control_characters_are_refused_at_input(client, county: County) -> None:
    phone = Phone(client, "cadre_a", "dev-1")
    hid = new_id()
    phone.push_ok([phone.op("household", hid, household(county.village_a))])
    for bad in ("a\x01b", "a\x0bb", "a\x1fb", "a\ufffeb", "a\nb"):
        [r] = phone.push_ok([phone.op("household", hid, {"head_name": bad}, base=1)])
        assert r["status"] == "rejected", (bad, r)
        assert r["error"]["message"] == "数据有误 — 户主姓名：不能含有控制字符"
    # a note may keep its line breaks and tabs
    [r] = phone.push_ok([phone.op("household", hid, {"remark": "一\n二\t三"}, base=1)])
    assert r["status"] == "applied", r


# ── 8. a round id of another township ──────────────────────────────────────────────────────


def test_f08_a_round_id_the_caller_cannot_read_answers_404(client, county) -> None:
    rounds = "/api/v1/supervision/rounds"
    round_id = str(uuid.uuid4())
    r = client.post(
        rounds,
        json={"id": round_id, "township_code": county.township_2},
        headers=login(client, "super_county"),
    )
    assert r.status_code == 201, r.text
    t1 = login(client, "super_t1")
    assert client.get(f"{rounds}/{round_id}", headers=t1).status_code == 404
    r = client.post(rounds, json={"id": round_id}, headers=t1)
    assert r.status_code == 404, r.text
    assert r.json()["error"] == "not_found"


# ── 9. another user's op id ────────────────────────────────────────────────────────────────


def test_f09_an_op_id_is_answered_from_the_callers_own_ops_only(client, county: County) -> None:
    a, b = Phone(client, "cadre_a", "dev-a"), Phone(client, "cadre_b", "dev-b")
    op = a.op("household", new_id(), household(county.village_a))
    a.push_ok([op])
    stolen = {**b.op("household", new_id(), household(county.village_b)), "op_id": op["op_id"]}
    [r] = b.push_ok([stolen])
    assert r["status"] == "rejected"
    assert r["error"]["code"] == "op_id_taken"
    assert r["id"] == stolen["id"]  # the caller's own id, nothing of the other op
    assert r["version"] is None
    # the owner still gets its first answer
    [again] = a.push_ok([op])
    assert (again["status"], again["first_status"]) == ("duplicate", "applied")


# ── 10. a create on an id taken outside the caller's scope ─────────────────────────────────


def test_f10_a_taken_id_reads_like_a_fresh_one(client, county: County) -> None:
    a, c = Phone(client, "cadre_a", "dev-a"), Phone(client, "cadre_c", "dev-c")
    taken = new_id()
    a.push_ok([a.op("household", taken, household(county.village_a))])
    for data in (household(county.village_a), household(county.village_c, head_name="")):
        [fresh] = c.push_ok([c.op("household", new_id(), data)])
        [reused] = c.push_ok([c.op("household", taken, data)])
        assert fresh["status"] == reused["status"] == "rejected"
        assert fresh["error"] == reused["error"]


# ── 11. access tokens after a refresh-reuse revocation or a password reset ─────────────────


def test_f11_access_tokens_die_with_a_refresh_reuse_revocation(client, county) -> None:
    first = client.post(
        "/api/v1/auth/token",
        json={"username": "cadre_a", "password": PASSWORD, "device_id": "dev-1"},
    )
    a = first.json()["refresh_token"]
    b_answer = _refresh(client, a)
    c_answer = _refresh(client, b_answer.json()["refresh_token"])
    assert _refresh(client, a).json()["error"] == "refresh_reused"
    for answer in (first, b_answer, c_answer):
        r = client.get("/api/v1/me", headers=_bearer(answer))
        assert r.status_code == 401, r.text


def test_f11_access_tokens_die_with_a_password_reset(client, county) -> None:
    phone = login(client, "cadre_a", "dev-1")
    other = login(client, "cadre_a", "dev-2")
    r = client.post(
        f"/api/v1/users/{county.users['cadre_a']}/password",
        json={"password": "a-new-password-1"},
        headers=login(client, "admin"),
    )
    assert r.status_code in (200, 204), r.text
    for headers in (phone, other):
        assert client.get("/api/v1/me", headers=headers).status_code == 401
    # Other users keep their sessions.
    assert client.get("/api/v1/me", headers=login(client, "cadre_b")).status_code == 200


# ── 12. headers ────────────────────────────────────────────────────────────────────────────


def _assert_protected(r: httpx.Response) -> None:
    csp = r.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert r.headers.get("X-Content-Type-Options") == "nosniff"
    assert r.headers.get("Referrer-Policy")


def test_f12_the_pwa_and_the_api_carry_security_headers(client, county) -> None:
    dist = get_settings().pwa_dist
    if (dist / "index.html").exists():
        _assert_protected(client.get("/"))
        asset = next((dist / "assets").glob("*.js"))
        _assert_protected(client.get(f"/assets/{asset.name}"))
    headers = login(client, "admin")
    for path in (
        "/api/v1/me",
        "/api/v1/households",
        "/api/v1/sync/pull",
        "/api/v1/conflicts",
        "/api/v1/reports/coverage",
        "/api/v1/reports/coverage.svg",
    ):
        r = client.get(path, headers=headers)
        assert r.status_code == 200, (path, r.text)
        _assert_protected(r)
        assert r.headers.get("Cache-Control") == "no-store", path
    # errors too
    r = client.get("/api/v1/me")
    assert r.status_code == 401
    _assert_protected(r)
    assert r.headers.get("Cache-Control") == "no-store"


# ── 13. CSV cells that spreadsheets evaluate ───────────────────────────────────────────────


@pytest.mark.parametrize(
    "cell",
    [
        "+1-1-1-1",
        "-1-1",
        "\n=1+1",
        " =1+1",
        "\u3000=1+1",
        "＝1+1",
        "＋1",
        "－1-1",
        "@SUM(A1)",
        "=1",
    ],
)
def test_f13_formula_like_csv_cells_are_escaped(cell: str) -> None:
    from backend.exports.service import csv_safe

    assert csv_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-5", "+8613800000000", "3.5", "2024-01-01", "张三", ""])
def test_f13_plain_cells_stay_as_they_are(cell: str) -> None:
    from backend.exports.service import csv_safe

    assert csv_safe(cell) == cell


# ── 14. accounts ───────────────────────────────────────────────────────────────────────────


def test_f14_a_cadre_cannot_be_left_without_a_village(client, county) -> None:
    r = client.patch(
        f"/api/v1/users/{county.users['cadre_a']}",
        json={"villages": []},
        headers=login(client, "admin"),
    )
    assert r.status_code == 422, r.text
    assert login(client, "cadre_a")  # still works
    me = client.get("/api/v1/me", headers=login(client, "cadre_a")).json()
    assert me["village_codes"] == [county.village_a]


def test_f14_failed_logins_elsewhere_do_not_lock_the_user_out(county) -> None:
    from backend.main import create_app

    app = create_app()
    body = {"username": "cadre_a", "device_id": "dev-1"}
    with TestClient(app, client=("203.0.113.9", 4000)) as attacker:
        for _ in range(6):
            attacker.post("/api/v1/auth/token", json={**body, "password": "wrong-password"})
        r = attacker.post("/api/v1/auth/token", json={**body, "password": "wrong-password"})
        assert r.status_code == 429
    with TestClient(app, client=("198.51.100.7", 4000)) as phone:
        r = phone.post("/api/v1/auth/token", json={**body, "password": PASSWORD})
        assert r.status_code == 200, r.text
