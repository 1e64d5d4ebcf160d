"""Two phones, verdicts and tokens: merges, conflicts on the household, rejected ops, expired logins."""

import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest
from jose import jwt
from playwright.sync_api import expect

from tests.conftest import County, LiveServer
from tests.pwa.conftest import (
    Phone,
    api_login,
    db_exec,
    db_rows,
    op,
    push_ops,
    seed_households,
)

pytestmark = pytest.mark.browser


def edit_household(device: Phone, household_id: str, **fields: str) -> None:
    phone = device
    phone.go(f"/h/{household_id}/edit")
    phone.page.wait_for_selector("input[name=head_name]")
    for name, value in fields.items():
        phone.page.fill(f"[name={name}]", value)
    phone.page.click("button:has-text('保存')")
    phone.page.wait_for_selector("text=已保存")
    phone.page.wait_for_selector("[data-testid=facts]")


def test_two_cadres_offline_merge_then_conflict_shown_on_the_household(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    (hid,) = seed_households(server, county.village_a, county.groups[county.village_a], 1)
    a = phones(server, "a")
    b = phones(server, "b")
    for phone, user in [(a, "cadre_a"), (b, "cadre_a2")]:
        phone.open()
        phone.login(user)
        phone.wait_controlled()

    # different fields, offline on both phones
    server.kill()
    edit_household(a, hid, phone="13900000001")
    edit_household(b, hid, address="茅坡村1组新房8号")
    server.start()
    a.sync()
    b.sync()
    a.sync()
    for phone in (a, b):
        phone.wait_pending(0)
        phone.go(f"/h/{hid}")
        phone.page.wait_for_selector("[data-testid=facts]")
        expect(phone.page.locator("[data-field=phone]")).to_have_text("13900000001")
        expect(phone.page.locator("[data-field=address]")).to_have_text("茅坡村1组新房8号")
        expect(phone.page.locator("[data-testid=conflict]")).to_have_count(0)
    row = db_rows(
        "SELECT phone, address, has_conflict, version FROM household WHERE id = :id", id=hid
    )[0]
    assert (row["phone"], row["address"], row["has_conflict"], row["version"]) == (
        "13900000001",
        "茅坡村1组新房8号",
        False,
        3,
    )
    statuses = [
        r["status"]
        for r in db_rows("SELECT status FROM sync_op WHERE record_id = :id ORDER BY at", id=hid)
    ]
    assert statuses[-2:] == ["applied", "merged"]

    # the same field, different values
    server.kill()
    edit_household(a, hid, income_per_head="5100")
    edit_household(b, hid, income_per_head="4800")
    server.start()
    a.sync()
    b.sync()
    a.sync()  # a learns of the conflict from the pull
    conflicts = db_rows("SELECT fields, status FROM record_conflict WHERE record_id = :id", id=hid)
    assert len(conflicts) == 1
    for phone in (a, b):
        phone.wait_pending(0)
        phone.go(f"/h/{hid}")
        box = phone.page.wait_for_selector("[data-testid=conflict] dl.both")
        text = box.text_content() or ""
        for part in ("人均纯收入", "5100", "4800"):
            assert part in text, text
        assert "本机填写" in text  # each phone sees which value is its own
        assert "他人" not in text  # and whose the other one is, by name
    other_side = a.page.text_content("[data-testid=conflict] dl.both") or ""
    assert "cadre_a2" in other_side, other_side
    for phone in (a, b):
        # and the household is marked in the list
        phone.go(f"/v/{county.village_a}/g/all")
        expect(phone.page.locator("[data-testid=households]")).to_contain_text("冲突")


def test_rejected_op_is_kept_with_the_servers_message_until_discarded(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    (hid,) = seed_households(server, county.village_a, county.groups[county.village_a], 1)
    phone = phones(server)
    phone.open()
    phone.login("cadre_a")
    server.kill()
    edit_household(phone, hid, remark="门前路灯坏了")
    server.start()
    # meanwhile the household was removed at the county
    push_ops(
        server, "admin", [op("household", hid, {}, base=1, delete=True)], device_id="county-pc"
    )

    phone.sync()
    phone.page.wait_for_selector("[data-testid=rejected]")
    phone.go("/outbox")
    box = phone.page.wait_for_selector("[data-testid=rejected-list]")
    assert "已被删除" in (box.text_content() or "")
    assert "门前路灯坏了" in (box.text_content() or "")
    phone.sync()  # kept across syncs: never dropped silently
    assert len(phone.outbox()) == 1

    phone.page.once("dialog", lambda d: d.accept())
    phone.page.click("button:has-text('放弃')")
    phone.page.wait_for_selector("[data-testid=rejected]", state="detached")
    assert phone.outbox() == []
    assert db_rows("SELECT remark FROM household WHERE id = :id", id=hid)[0]["remark"] is None


def _expired_copy(token: str) -> str:
    """The same access token, signed by the server's key, with its expiry in the past."""
    import os

    claims = jwt.get_unverified_claims(token)
    now = int(time.time())
    claims.update(iat=now - 3600, exp=now - 1800)
    return jwt.encode(claims, os.environ["MINQING_SECRET_KEY"], algorithm="HS256")


def test_expired_token_while_offline_loses_nothing(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    (hid,) = seed_households(server, county.village_a, county.groups[county.village_a], 1)
    phone = phones(server)
    phone.open()
    phone.login("cadre_a")
    phone.wait_controlled()
    phone.wait_synced()  # the family file is on the phone before the signal goes

    def expire_access_token() -> None:
        auth = phone.idb(
            "return await req(db.transaction('meta').objectStore('meta').get('auth'));"
        )
        auth["access_token"] = _expired_copy(auth["access_token"])
        phone.idb(
            "await req(db.transaction('meta', 'readwrite').objectStore('meta').put(arg, 'auth'));",
            auth,
        )

    # 1. the access token expires while offline; the refresh token still works: silent
    server.kill()
    edit_household(phone, hid, pairing_cadre="张三")
    expire_access_token()
    server.start()
    phone.sync()
    phone.wait_pending(0)
    assert (
        db_rows("SELECT pairing_cadre FROM household WHERE id = :id", id=hid)[0]["pairing_cadre"]
        == "张三"
    )

    # 2. a week offline: the access token and the refresh token are both dead
    server.kill()
    phone.page.reload()
    phone.page.wait_for_selector("[data-testid=sync]")  # the app is up again, offline
    edit_household(phone, hid, pairing_cadre="李四")
    expire_access_token()
    db_exec("UPDATE refresh_token SET expires_at = :t", t=datetime(2000, 1, 1, tzinfo=UTC))
    server.start()
    phone.page.click("[data-testid=sync]")
    phone.page.wait_for_selector("input[name=password]")  # asked to log in again
    assert "登录" in (phone.page.text_content("[data-testid=login-reason]") or "")
    assert "1 条修改尚未同步" in (phone.page.text_content("form.login") or "")
    assert len(phone.outbox()) == 1

    phone.login("cadre_a")
    phone.wait_pending(0)
    assert (
        db_rows("SELECT pairing_cadre FROM household WHERE id = :id", id=hid)[0]["pairing_cadre"]
        == "李四"
    )
    assert (
        len(
            db_rows(
                "SELECT op_id FROM sync_op WHERE record_id = :id AND device_id != 'seed-device'",
                id=hid,
            )
        )
        == 2
    )


def test_new_household_offline_with_edits_member_and_visit_lands_in_order(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    phone = phones(server)
    phone.open()
    phone.login("cadre_a")
    server.kill()
    group = county.groups[county.village_a][1]
    phone.go(f"/v/{county.village_a}/g/{group}/new")
    phone.page.fill("input[name=head_name]", "龙再华")
    phone.page.fill("input[name=id_number]", "52062319800101091X")
    phone.page.click("button:has-text('保存')")
    phone.page.wait_for_selector("text=已保存")
    hid = phone.page.evaluate("location.hash.split('/')[2]")
    # two more edits of the same new record before any sync: a line of ops
    edit_household(phone, hid, income_per_head="2600")
    edit_household(phone, hid, remark="新识别的监测户")
    phone.page.click("text=＋ 添加成员")
    phone.page.fill("input[name=name]", "龙小军")
    phone.page.click("button:has-text('保存')")
    phone.page.wait_for_selector("text=已保存")
    phone.page.click("text=记录走访")
    phone.page.click("button:has-text('保存走访')")
    phone.page.wait_for_selector("text=已保存")
    phone.wait_pending(5)
    bases = [o["base_version"] for o in phone.outbox() if o["type"] == "household"]
    assert bases == [None, None, None]  # a create, then two waiting for their predecessor's verdict

    server.start()
    phone.sync()
    phone.wait_pending(0)
    row = db_rows(
        "SELECT head_name, group_code, income_per_head, remark, version, has_conflict FROM household WHERE id = :id",
        id=hid,
    )[0]
    assert (row["head_name"], row["group_code"], row["income_per_head"], row["remark"]) == (
        "龙再华",
        group,
        2600,
        "新识别的监测户",
    )
    assert (row["version"], bool(row["has_conflict"])) == (3, False)
    history = db_rows(
        "SELECT version, op FROM record_history WHERE record_id = :id ORDER BY version", id=hid
    )
    assert [(h["version"], h["op"]) for h in history] == [
        (1, "create"),
        (2, "update"),
        (3, "update"),
    ]
    assert len(db_rows("SELECT id FROM member WHERE household_id = :id", id=hid)) == 1
    assert len(db_rows("SELECT id FROM visit WHERE household_id = :id", id=hid)) == 1
    statuses = {
        r["status"] for r in db_rows("SELECT status FROM sync_op WHERE device_id != 'seed-device'")
    }
    assert statuses == {"applied"}


def test_rejected_op_retried_after_an_edit(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    (hid,) = seed_households(server, county.village_a, county.groups[county.village_a], 1)
    phone = phones(server)
    phone.open()
    phone.login("cadre_a")
    phone.wait_synced()
    long_remark = "发展产业" * 251  # 1,004 characters: the server allows 1,000 a remark
    # This app refuses such a value before the outbox; an op saved by an older version of it
    # (or one the server has come to refuse since) is queued here as that version queued it.
    phone.idb(
        """const tx = db.transaction('outbox', 'readwrite');
        await req(tx.objectStore('outbox').put({
            op_id: crypto.randomUUID(), type: 'household', id: arg.id, base_version: 1,
            set: { remark: arg.remark }, unset: [], delete: false,
            recorded_at: new Date().toISOString(), state: 'pending', error: null }));""",
        {"id": hid, "remark": long_remark},
    )
    phone.sync()
    phone.page.wait_for_selector("[data-testid=rejected]")
    phone.go("/outbox")
    assert "1000" in (phone.page.text_content("[data-testid=rejected-list]") or "")
    phone.page.click("text=去修改")
    phone.page.wait_for_selector("textarea[name=remark]")
    phone.page.fill("textarea[name=remark]", "发展产业：种茶 3 亩")
    phone.page.click("button:has-text('保存')")
    phone.page.wait_for_selector("text=已保存")
    assert [o["state"] for o in phone.outbox()] == ["pending"]
    phone.sync()
    phone.wait_pending(0)
    expect(phone.page.locator("[data-testid=rejected]")).to_have_count(0)
    row = db_rows("SELECT remark, version FROM household WHERE id = :id", id=hid)[0]
    assert row["version"] == 2
    assert "种茶" in str(row["remark"])


def test_a_village_taken_from_the_cadre_leaves_the_phone_whole_maps_included(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    a, b = county.village_a, county.village_b
    (kept,) = seed_households(server, a, county.groups[a], 1)
    taken = seed_households(server, b, county.groups[b], 2, username="cadre_b")
    mid = str(uuid.uuid4())
    verdicts = push_ops(
        server,
        "cadre_b",
        [
            op(
                "condition_map",
                mid,
                {"village_code": b, "group_code": county.group(b), "title": "一组民情地图"},
            ),
            op(
                "map_element",
                str(uuid.uuid4()),
                {"map_id": mid, "kind": "label", "x": 9, "y": 9, "text": "朱家场"},
            ),
            op(
                "map_element",
                str(uuid.uuid4()),
                {"map_id": mid, "kind": "pin", "x": 50, "y": 60, "household_id": taken[0]},
            ),
        ],
    )
    assert [v["status"] for v in verdicts] == ["applied"] * 3, verdicts
    admin = api_login(server, "admin", "desk")
    user = f"{server.url}/api/v1/users/{county.users['cadre_a']}"
    assert httpx.patch(user, json={"villages": [a, b]}, headers=admin).status_code == 200

    phone = phones(server, "cadre")
    phone.open()
    phone.login("cadre_a")
    held = "return (await req(db.transaction('records').objectStore('records').getAll())).map((r) => [r.type, r.id]);"
    types = Counter(t for t, _ in phone.idb(held))
    assert types == {"household": 3, "member": 3, "condition_map": 1, "map_element": 2}

    # the county takes village B from this cadre: the next sync leaves nothing of it on the phone
    assert httpx.patch(user, json={"villages": [a]}, headers=admin).status_code == 200
    phone.sync()
    left = phone.idb(held)
    assert sorted(t for t, _ in left) == ["household", "member"]
    assert ["household", kept] in left
    phone.go("/")
    expect(phone.page.locator(f"a[href='#/v/{a}']")).to_be_visible()
    expect(phone.page.locator(f"a[href='#/v/{b}']")).to_have_count(0)
