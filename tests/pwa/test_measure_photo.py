"""A measure's result photo on the phone: offered when the measure is marked done (one at
most), saved offline with the measure in one transaction, shown in the plan from IndexedDB,
and sent after the records by the visit photos' tus client."""

import hashlib
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import County, LiveServer
from tests.pwa.conftest import Phone, db_rows, op, push_ops, seed_households
from tests.pwa.test_photos import camera_jpeg

pytestmark = pytest.mark.browser


def test_a_done_measure_takes_one_photo_offline_and_sends_it_later(
    county: County,
    live_server: Callable[..., LiveServer],
    phones: Callable[..., Phone],
    tmp_path: Path,
) -> None:
    media = tmp_path / "media"
    server = live_server(MINQING_MEDIA_DIR=str(media))
    (hid,) = seed_households(server, county.village_a, county.groups[county.village_a], 1)
    mid = str(uuid.uuid4())
    measure = {"household_id": hid, "title": "修缮圈舍", "kind": "housing"}
    assert push_ops(server, "cadre_a", [op("measure", mid, measure)])[0]["status"] == "applied"
    picture = camera_jpeg(tmp_path / "IMG_0002.jpg")

    phone = phones(server)
    phone.open()
    phone.login("cadre_a")
    phone.wait_controlled()
    phone.wait_synced()
    server.kill()  # no signal from here on
    page = phone.page
    phone.go(f"/h/{hid}")
    row = page.locator(f"[data-testid=measure][data-id='{mid}']")
    row.locator("[data-testid=mark-done]").click()
    form = row.locator("[data-testid=done-form]")
    expect(form.locator("[data-testid=photos]")).to_contain_text("照片（最多 1 张）")
    form.locator("[data-testid=photo-gallery]").set_input_files(str(picture))
    expect(form.locator("[data-testid=photo-thumb]")).to_have_count(1)
    # one photo per measure result: no second one offered
    expect(form.locator("[data-testid=photo-gallery]")).to_have_count(0)
    form.locator("textarea[name=result]").fill("圈舍已修好")
    form.locator("button:has-text('确认完成')").click()
    expect(row).to_contain_text("成效：圈舍已修好")
    phone.wait_pending(2)  # the measure's change and its photo, saved together
    assert sorted(o["type"] for o in phone.outbox()) == ["measure", "measure_photo"]
    thumb = row.locator("[data-testid=visit-photos] img")
    expect(thumb).to_have_count(1)
    expect(row.locator("[data-testid=visit-photos]")).to_contain_text("待上传")

    server.start()  # back in signal
    phone.sync()
    phone.wait_pending(0)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not list((media / "sha256").rglob("*")):
        time.sleep(0.1)
    [stored] = [p for p in (media / "sha256").rglob("*") if p.is_file()]
    [photo] = db_rows("SELECT * FROM measure_photo")
    assert photo["measure_id"] == mid
    assert (photo["width"], photo["height"]) == (1200, 1600)
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == photo["sha256"] == stored.name
    [m] = db_rows("SELECT status, result FROM measure WHERE id = :id", id=mid)
    assert (m["status"], m["result"]) == ("done", "圈舍已修好")
