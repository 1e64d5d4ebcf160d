"""The phone refuses offline, before the outbox, what the server would refuse — with the
server's words, next to the field, scrolled into view and focused — and asks before saving
an odd but possible value (an income halved)."""

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.conftest import County, LiveServer
from tests.pwa.conftest import Phone, db_rows, seed_households

pytestmark = pytest.mark.browser


def _error_of(phone: Phone, field: str) -> str:
    return phone.page.locator(f"label.field[data-field={field}] .err").inner_text()


def test_bad_values_are_refused_on_the_phone_offline(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    ids = seed_households(server, county.village_a, county.groups[county.village_a], 1)
    phone = phones(server)
    phone.open()
    phone.login("cadre_a")
    phone.wait_controlled()
    phone.wait_synced()
    server.kill()  # every check below is made with no signal
    page = phone.page
    phone.go(f"/h/{ids[0]}/edit")

    # too long a name and too large an income: refused, said beside each field
    page.fill("input[name=head_name]", "龙" * 51)
    page.fill("input[name=income_per_head]", "99999999999")
    page.click("button:has-text('保存')")
    expect(page.locator("label.field[data-field=head_name] .err")).to_have_text(
        "户主姓名：最多 50 个字"
    )
    assert _error_of(phone, "income_per_head") == "人均纯收入（元）：不能大于 10000000"
    # the first bad field is brought into view and focused
    assert page.evaluate("document.activeElement.name") == "head_name"
    assert phone.pending() == 0

    # an income more than halved is asked about; declined, nothing is saved
    page.fill("input[name=head_name]", "龙再华")
    page.fill("input[name=income_per_head]", "1000")
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.click("button:has-text('保存')")
    page.wait_for_timeout(300)
    assert asked and "减少了一半以上" in asked[0]
    assert phone.pending() == 0
    page.once("dialog", lambda d: d.accept())
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=已保存")
    phone.wait_pending(1)

    # a member: a wrong check digit, a birth in 1726
    phone.go(f"/h/{ids[0]}/m/new")
    page.fill("input[name=name]", "龙小军")
    page.fill("input[name=id_number]", "520623201002020339")
    page.click("button:has-text('保存')")
    expect(page.locator("label.field[data-field=id_number] .err")).to_have_text(
        "身份证号：校验码不正确，请核对身份证号"
    )
    # a valid number fills in the birth date and sex it carries
    page.fill("input[name=id_number]", "52062320100202033X")
    assert page.input_value("input[name=birth_date]") == "2010-02-02"
    assert page.input_value("select[name=sex]") == "male"
    page.fill("input[name=birth_date]", "1726-02-02")
    page.click("button:has-text('保存')")
    expect(page.locator("label.field[data-field=birth_date] .err")).to_have_text(
        "出生日期：不能早于 120 年前"
    )
    page.fill("input[name=birth_date]", "2010-02-03")
    page.click("button:has-text('保存')")
    expect(page.locator("label.field[data-field=birth_date] .err")).to_have_text(
        "出生日期：与身份证号不符（应为 2010-02-02）"
    )
    assert phone.pending() == 1
    page.fill("input[name=birth_date]", "2010-02-02")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=已保存")
    phone.wait_pending(2)

    # back in signal, what was saved is what the server takes
    server.start()
    phone.sync()
    phone.wait_pending(0)
    [member] = db_rows("SELECT birth_date, sex FROM member WHERE name = '龙小军'")
    assert (member["birth_date"], member["sex"]) == ("2010-02-02", "male")
    [hh] = db_rows("SELECT income_per_head FROM household WHERE id = :id", id=ids[0])
    assert hh["income_per_head"] == 1000


def test_a_refused_visit_opens_in_the_visit_form_to_be_fixed(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    (hid,) = seed_households(server, county.village_a, county.groups[county.village_a], 1)
    phone = phones(server)
    phone.open()
    phone.login("cadre_a")
    phone.wait_synced()
    # A visit an older version of the app let through: notes over the server's 2,000.
    vid = "5b0c3a52-8f0e-4d7e-9a51-3f1c2d4e5f60"
    when = "2026-11-20T10:30:00+08:00"
    phone.idb(
        """const tx = db.transaction(['records', 'outbox'], 'readwrite');
        const data = { household_id: arg.hid, kind: 'revisit', occurred_at: arg.when, gps: null,
            notes: arg.notes, needs: [], follow_up_on: null };
        await req(tx.objectStore('records').put({ type: 'visit', id: arg.vid, version: 0,
            server: null, deleted: false, has_conflict: false, village: '', grp: '',
            hh: arg.hid, data }));
        await req(tx.objectStore('outbox').put({ op_id: crypto.randomUUID(), type: 'visit',
            id: arg.vid, base_version: null, set: data, unset: [], delete: false,
            recorded_at: arg.when, state: 'pending', error: null }));""",
        {"hid": hid, "vid": vid, "when": when, "notes": "谈" * 2001},
    )
    phone.sync()
    phone.page.wait_for_selector("[data-testid=rejected]")
    phone.go("/outbox")
    expect(phone.page.locator("[data-testid=rejected-list]")).to_contain_text("最多 2000 个字")
    phone.page.click("text=去修改")
    phone.page.wait_for_selector("textarea[name=notes]")
    assert phone.page.url.endswith(f"/h/{hid}/visit/{vid}")
    phone.page.fill("textarea[name=notes]", "谈" * 2001)
    phone.page.click("button:has-text('保存走访')")
    expect(phone.page.locator("label.field[data-field=notes] .err")).to_have_text(
        "走访记录：最多 2000 个字"
    )
    phone.page.fill("textarea[name=notes]", "补记：老人住院，已联系村医")
    phone.page.click("button:has-text('保存走访')")
    phone.page.wait_for_selector("text=已保存")
    assert [o["state"] for o in phone.outbox()] == ["pending"]
    phone.sync()
    phone.wait_pending(0)
    [visit] = db_rows("SELECT notes, occurred_at FROM visit WHERE id = :id", id=vid)
    assert visit["notes"] == "补记：老人住院，已联系村医"
    assert visit["occurred_at"].startswith("2026-11-20T10:30:00")  # kept as first recorded
