"""A cadre's working day on the phone: the worklist on the home screen, correcting or
withdrawing one's own visit, a member who leaves, and a household that splits."""

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from tests.conftest import County, LiveServer
from tests.pwa.conftest import Phone, db_rows, op, push_ops, seed_households

pytestmark = pytest.mark.browser

BEIJING = timezone(timedelta(hours=8))


def _visit(hid: str, days_ago: int, follow_in: int | None = None) -> dict:
    at = datetime.now(BEIJING) - timedelta(days=days_ago)
    follow = (at + timedelta(days=follow_in)).date().isoformat() if follow_in is not None else None
    return {
        "household_id": hid,
        "kind": "revisit",
        "occurred_at": at.isoformat(),
        "follow_up_on": follow,
    }


def _start(server: LiveServer, phones: Callable[..., Phone], user: str = "cadre_a") -> Phone:
    phone = phones(server)
    phone.open()
    phone.login(user)
    phone.wait_synced()
    return phone


def test_the_home_screen_lists_due_follow_ups_and_unvisited_households(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    v = county.village_a
    late, done, fresh, never, old = seed_households(server, v, county.groups[v], 5)
    push_ops(
        server,
        "cadre_a",
        [
            # visited 10 days ago, follow-up 3 days ago: overdue
            op("visit", "00000000-0000-4000-8000-000000000001", _visit(late, 10, 7)),
            # a follow-up that came due, but a later visit was made: not due
            op("visit", "00000000-0000-4000-8000-000000000002", _visit(done, 20, 10)),
            op("visit", "00000000-0000-4000-8000-000000000003", _visit(done, 1)),
            # follow-up today
            op("visit", "00000000-0000-4000-8000-000000000004", _visit(fresh, 2, 2)),
            # visited last round only: not yet visited this round
            op("visit", "00000000-0000-4000-8000-000000000005", _visit(old, 100)),
        ],
    )
    phone = _start(server, phones)
    page = phone.page
    expect(page.locator(f"[data-testid=counts-{v}]")).to_have_text("到期回访 2 · 本轮未走访 2 户")
    work = page.locator(f"[data-testid=work-{v}]")
    due = work.locator("[data-testid=due] li")
    expect(due).to_have_count(2)
    expect(due.nth(0)).to_contain_text("逾期 3 天")
    expect(due.nth(1)).to_contain_text("今天回访")
    work.locator("[data-testid=unvisited-toggle]").click()
    hrefs = work.locator("[data-testid=unvisited] a").evaluate_all("as => as.map(a => a.hash)")
    assert sorted(hrefs) == sorted([f"#/h/{never}", f"#/h/{old}"])
    due.nth(0).locator("a").click()
    page.wait_for_url(f"**#/h/{late}")

    # a visit recorded here, offline, takes the household off the worklist at once
    server.kill()
    page.click("text=记录走访")
    page.click("button:has-text('保存走访')")
    page.wait_for_selector("text=已保存")
    phone.go("/")
    expect(page.locator(f"[data-testid=counts-{v}]")).to_have_text("到期回访 1 · 本轮未走访 2 户")


def test_the_author_corrects_and_withdraws_a_visit_others_cannot(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    v = county.village_a
    (hid,) = seed_households(server, v, county.groups[v], 1)
    mine, theirs = "00000000-0000-4000-8000-0000000000a1", "00000000-0000-4000-8000-0000000000b1"
    push_ops(server, "cadre_a", [op("visit", mine, {**_visit(hid, 1), "notes": "初记"})])
    push_ops(server, "cadre_a2", [op("visit", theirs, {**_visit(hid, 2), "notes": "他人"})])
    phone = _start(server, phones)
    page = phone.page
    phone.go(f"/h/{hid}")
    visits = page.locator("[data-testid=visits] li")
    expect(visits).to_have_count(2)
    # only the cadre's own visit offers 修改 and 撤回
    expect(page.locator("[data-testid=visit-edit]")).to_have_count(1)
    expect(page.locator("[data-testid=visit-withdraw]")).to_have_count(1)
    page.click("[data-testid=visit-edit]")
    page.wait_for_url(f"**#/h/{hid}/visit/{mine}")
    expect(page.locator("textarea[name=notes]")).to_have_value("初记")
    page.fill("textarea[name=notes]", "更正：户主在家")
    page.click("button:has-text('保存走访')")
    page.wait_for_selector("text=已保存")
    phone.sync()
    phone.wait_pending(0)
    [row] = db_rows("SELECT notes, version FROM visit WHERE id = :id", id=mine)
    assert (row["notes"], row["version"]) == ("更正：户主在家", 2)

    # 撤回 asks first; declined, nothing happens
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.click("[data-testid=visit-withdraw]")
    page.wait_for_timeout(300)
    assert len(asked) == 1
    assert "撤回" in asked[0]
    assert phone.pending() == 0
    page.once("dialog", lambda d: d.accept())
    page.click("[data-testid=visit-withdraw]")
    expect(visits).to_have_count(1)
    phone.wait_pending(1)
    phone.sync()
    phone.wait_pending(0)
    [row] = db_rows("SELECT deleted FROM visit WHERE id = :id", id=mine)
    assert row["deleted"]
    trail = db_rows(
        "SELECT version, op FROM record_history WHERE record_id = :id ORDER BY version", id=mine
    )
    assert [t["version"] for t in trail] == [1, 2, 3]
    assert trail[-1]["op"] == "delete"
    expect(page.locator("[data-testid=visits] li")).to_have_count(1)


def test_a_member_leaves_and_a_household_splits(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    v = county.village_a
    (hid,) = seed_households(server, v, county.groups[v], 1)
    son, wife, grandma = (f"00000000-0000-4000-8000-00000000c00{i}" for i in range(3))
    push_ops(
        server,
        "cadre_a",
        [
            op("member", son, {"household_id": hid, "name": "龙小军", "relation": "child"}),
            op("member", wife, {"household_id": hid, "name": "杨秀英", "relation": "other"}),
            op("member", grandma, {"household_id": hid, "name": "龙奶奶", "relation": "parent"}),
        ],
    )
    phone = _start(server, phones)
    page = phone.page

    # grandma died: marked, with the date, not deleted
    phone.go(f"/h/{hid}/m/{grandma}")
    page.select_option("select[name=status]", "dead")
    page.click("button:has-text('保存')")  # without the date: refused, said beside it
    expect(page.locator("label.field[data-field=left_on] .err")).to_have_text(
        "离开日期：在册状态为“在册”以外时必须填写"
    )
    page.fill("input[name=left_on]", "2026-11-01")
    page.fill("input[name=left_reason]", "病故")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=已保存")
    expect(page.locator("[data-testid=members]")).to_contain_text("死亡 2026-11-01")
    expect(page.locator("text=家庭成员（在册 3 人）")).to_be_visible()

    # the son and his wife split off, the son heading the new household
    page.click("[data-testid=split-link]")
    page.check(f"input[name=chosen][value='{son}']")
    page.check(f"input[name=chosen][value='{wife}']")
    page.click("button:has-text('确认分户')")
    expect(page.locator("[data-testid=split-error]")).to_have_text("请在分出的成员中选定新户户主")
    page.check(f"input[name=head][value='{son}']")
    page.click("button:has-text('确认分户')")
    page.wait_for_selector("text=已分户")
    expect(page.locator("h1")).to_have_text("龙小军 户")
    new_id = page.url.split("#/h/")[1]
    expect(page.locator("text=家庭成员（在册 2 人）")).to_be_visible()
    phone.sync()
    phone.wait_pending(0)

    [house] = db_rows("SELECT village_code, head_name FROM household WHERE id = :id", id=new_id)
    assert (house["village_code"], house["head_name"]) == (v, "龙小军")
    moved = db_rows(
        "SELECT name, relation, status FROM member WHERE household_id = :id ORDER BY name",
        id=new_id,
    )
    assert [(m["name"], m["relation"], m["status"]) for m in moved] == [
        ("杨秀英", "other", "resident"),
        ("龙小军", "head", "resident"),
    ]
    old = {
        m["id"]: m
        for m in db_rows("SELECT id, status, left_on FROM member WHERE household_id = :id", id=hid)
    }
    assert old[son]["status"] == old[wife]["status"] == "split"
    assert old[son]["left_on"]
    assert old[grandma]["status"] == "dead"
    # the old members' records are their own, with their history: versions 1 and 2
    trail = db_rows("SELECT version FROM record_history WHERE record_id = :id", id=son)
    assert sorted(t["version"] for t in trail) == [1, 2]


def test_the_worklist_of_2000_households_is_quick(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    v, g = county.village_a, county.groups[county.village_a][0]
    phone = _start(server, phones)
    # 2,000 households straight into the phone's store: half visited 10 days ago, 100 of
    # those with a follow-up 3 days ago (the API would take minutes to seed as many)
    ten_ago = (datetime.now(BEIJING) - timedelta(days=10)).isoformat()
    follow = (datetime.now(BEIJING) - timedelta(days=3)).date().isoformat()
    phone.idb(
        """const tx = db.transaction('records', 'readwrite');
        const rs = tx.objectStore('records');
        for (let i = 0; i < 2000; i++) {
          const hid = 'h-' + i;
          rs.put({ type: 'household', id: hid, version: 1, server: null, deleted: false,
            has_conflict: false, village: arg.v, grp: arg.g, hh: '',
            data: { village_code: arg.v, group_code: arg.g, head_name: '户' + i } });
          if (i % 2) continue;
          rs.put({ type: 'visit', id: 'v-' + i, version: 1, server: null, deleted: false,
            has_conflict: false, village: arg.v, grp: '', hh: hid,
            data: { household_id: hid, kind: 'revisit', occurred_at: arg.at,
              follow_up_on: i % 20 === 0 ? arg.follow : null } });
        }
        await new Promise((ok) => { tx.oncomplete = ok; });""",
        {"v": v, "g": g, "at": ten_ago, "follow": follow},
    )
    # the records were put in behind the app's back: a page opened afresh reads them (the
    # app keeps what it read until its own next write, db.js writing)
    phone.go("/settings")
    phone.page.reload()
    phone.page.wait_for_selector("text=设置")
    took = phone.page.evaluate(
        """async (sel) => {
            const t0 = performance.now();
            location.hash = '#/';
            while (!document.querySelector(sel) && performance.now() - t0 < 10000) {
                await new Promise((r) => requestAnimationFrame(r));
            }
            return performance.now() - t0;
        }""",
        f"[data-testid=counts-{v}]",
    )
    expect(phone.page.locator(f"[data-testid=counts-{v}]")).to_have_text(
        "到期回访 100 · 本轮未走访 1000 户"
    )
    assert took < 1500, took
    phone.page.click(f"[data-testid=work-{v}] [data-testid=unvisited-toggle]")
    expect(phone.page.locator("[data-testid=unvisited] li")).to_have_count(100)
    phone.page.click("text=显示全部 1000 户")
    expect(phone.page.locator("[data-testid=unvisited] li")).to_have_count(1000)
