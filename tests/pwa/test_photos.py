"""Visit photos in real Chromium: taken offline from the file chooser, kept with the visit in
IndexedDB, shown after an offline reload, and once back in signal sent after the records."""

import hashlib
import io
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import County, LiveServer
from tests.pwa.conftest import Phone, db_rows, seed_households
from tests.pwa.test_console import desk, open_console
from tests.pwa.test_offline import open_household

pytestmark = pytest.mark.browser


def camera_jpeg(path: Path) -> Path:
    """A 2000×1500 picture whose EXIF says "turn 90° clockwise" (as a phone held upright
    writes it): shown upright it is 1500×2000."""
    img = Image.new("RGB", (2000, 1500), (200, 60, 40))
    img.paste((30, 90, 200), (0, 0, 1000, 1500))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 CW
    out = io.BytesIO()
    img.save(out, "JPEG", quality=92, exif=exif)
    path.write_bytes(out.getvalue())
    return path


def test_a_photo_taken_offline_is_kept_shown_and_sent_after_the_records(
    county: County,
    live_server: Callable[..., LiveServer],
    phones: Callable[..., Phone],
    tmp_path: Path,
) -> None:
    media = tmp_path / "media"
    server = live_server(MINQING_MEDIA_DIR=str(media))
    ids = seed_households(server, county.village_a, county.groups[county.village_a], 2)
    head = db_rows("SELECT head_name FROM household WHERE id = :id", id=ids[0])[0]["head_name"]
    picture = camera_jpeg(tmp_path / "IMG_0001.jpg")

    phone = phones(server)
    page = phone.page
    phone.open()
    phone.login("cadre_a")
    phone.wait_controlled()

    server.kill()  # no signal from here on
    page.reload()
    page.wait_for_selector("text=茅坡村")
    open_household(phone, county, head)
    page.click("text=记录走访")
    with page.expect_file_chooser() as chooser:
        page.click("label:has-text('拍照')")
    assert chooser.value.element.get_attribute("capture") == "environment"
    chooser.value.set_files(str(picture))
    page.wait_for_selector("[data-testid=photos] [data-testid=photo-thumb]")
    page.fill("textarea[name=notes]", "门口拍照留证")
    page.click("button:has-text('保存走访')")
    page.wait_for_selector("text=已保存")
    phone.wait_pending(2)  # the visit and its photo, saved together
    kept = phone.idb(
        "const ps = await req(db.transaction('photos').objectStore('photos').getAll());"
        "return ps.map(p => ({bytes: p.bytes, size: p.blob.size, thumb: p.thumb.size, up: p.uploaded}));"
    )
    assert len(kept) == 1
    assert kept[0]["bytes"] == kept[0]["size"]
    assert not kept[0]["up"]
    assert 1_000 < kept[0]["size"] < 600_000
    assert kept[0]["thumb"] < kept[0]["size"]

    # reloaded with no signal: the thumbnail is still there, drawn from IndexedDB
    page.reload()
    page.wait_for_selector("[data-testid=facts]")
    thumb = page.wait_for_selector("[data-testid=visit-photos] img")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb)
    assert "待上传" in (page.text_content("[data-testid=visit-photos]") or "")
    outbox_types = sorted(o["type"] for o in phone.outbox())
    assert outbox_types == ["photo", "visit"]

    server.start()  # back in signal
    phone.sync()
    phone.wait_pending(0)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not list((media / "sha256").rglob("*")):
        time.sleep(0.1)
    [stored] = [p for p in (media / "sha256").rglob("*") if p.is_file()]
    [photo] = db_rows("SELECT * FROM photo")
    [visit] = db_rows("SELECT id, created_at FROM visit WHERE household_id = :id", id=ids[0])
    assert photo["visit_id"] == visit["id"]
    # downscaled to 1600 on the long side, turned upright by its EXIF orientation
    assert (photo["width"], photo["height"]) == (1200, 1600)
    assert photo["mime"] == "image/jpeg"
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == photo["sha256"] == stored.name
    with Image.open(stored) as img:
        assert img.size == (1200, 1600)
        top = img.getpixel((600, 100))  # the blue half is on top once turned upright
        assert top[2] > 150, top
        assert top[0] < 100, top
    # the server had the records before a byte of the photo: the bytes' file was written
    # after the photo record was committed
    created = photo["created_at"]
    if isinstance(created, str):
        created = datetime.fromisoformat(created)
    created = created if created.tzinfo else created.replace(tzinfo=UTC)
    assert datetime.fromtimestamp(stored.stat().st_mtime, UTC) > created
    urls = [u.removeprefix(server.url) for u in phone.requests]
    first_upload = min(i for i, u in enumerate(urls) if u.startswith("/api/v1/photos/uploads"))
    assert urls.index("/api/v1/sync/push") < first_upload  # and from the phone's side too

    # the phone keeps the thumbnail, drops the bytes it sent
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=visit-photos]')?.textContent.includes('待上传')"
    )
    kept = phone.idb(
        "const ps = await req(db.transaction('photos').objectStore('photos').getAll());"
        "return ps.map(p => ({blob: !!p.blob, thumb: !!p.thumb, up: p.uploaded}));"
    )
    assert kept == [{"blob": False, "thumb": True, "up": True}]
    phone.go("/settings")
    page.wait_for_selector("text=1 张")

    # another cadre of the village pulls the visit: its photo comes from the server, and is
    # kept for showing offline
    other = phones(server, "a2")
    other.open()
    other.login("cadre_a2")
    other.wait_controlled()
    open_household(other, county, head)
    shown = other.page.wait_for_selector("[data-testid=visit-photos] img")
    other.page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=shown)
    count = "return await req(db.transaction('photos').objectStore('photos').count());"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and other.idb(count) != 1:
        other.page.wait_for_timeout(100)
    assert other.idb(count) == 1

    # the county browser shows it beside the visit, fetched with the supervisor's token
    sup = desk(phones, server, "super_t1")
    open_console(sup, f"h/{ids[0]}")
    shown = sup.page.wait_for_selector("[data-testid=console-photos] img")
    sup.page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=shown)

    server.kill()
    other.page.reload()
    shown = other.page.wait_for_selector("[data-testid=visit-photos] img")
    other.page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=shown)


def test_three_photos_at_most_and_no_camera_when_space_is_short(
    county: County,
    live_server: Callable[..., LiveServer],
    phones: Callable[..., Phone],
    tmp_path: Path,
) -> None:
    server = live_server(MINQING_MEDIA_DIR=str(tmp_path / "media"))
    ids = seed_households(server, county.village_a, county.groups[county.village_a], 1)
    head = db_rows("SELECT head_name FROM household WHERE id = :id", id=ids[0])[0]["head_name"]
    picture = camera_jpeg(tmp_path / "IMG_0002.jpg")
    phone = phones(server)
    page = phone.page
    phone.open()
    phone.login("cadre_a")
    open_household(phone, county, head)
    page.click("text=记录走访")
    for n in range(1, 4):
        page.set_input_files("[data-testid=photo-gallery]", str(picture))
        page.wait_for_function(
            "n => document.querySelectorAll('[data-testid=photos] img').length === n", arg=n
        )
    assert page.locator("[data-testid=photo-camera]").count() == 0  # three: no more offered
    page.click("button:has-text('保存走访')")
    page.wait_for_selector("text=已保存")
    phone.wait_pending(4)

    # a phone nearly full: the form says so instead of opening the camera
    phone.context.add_init_script(
        "navigator.storage.estimate = async () => ({ usage: 1000, quota: 5 * 1024 * 1024 });"
    )
    page.reload()
    page.wait_for_selector("[data-testid=facts]")
    page.click("text=记录走访")
    warning = page.wait_for_selector("[data-testid=photo-space]")
    assert "手机存储空间不足" in (warning.text_content() or "")
    assert page.locator("[data-testid=photo-camera]").count() == 0


def textured_jpeg(path: Path) -> Path:
    """A picture with detail, so the phone's JPEG of it is photo-sized (~150–250 KB)."""
    small = Image.frombytes("RGB", (64, 48), random.Random(3).randbytes(64 * 48 * 3))
    small.resize((2000, 1500), Image.Resampling.BICUBIC).save(path, "JPEG", quality=90)
    return path


def test_an_upload_cut_by_the_server_dying_resumes_from_its_offset(
    county: County,
    live_server: Callable[..., LiveServer],
    phones: Callable[..., Phone],
    tmp_path: Path,
) -> None:
    media = tmp_path / "media"
    server = live_server(MINQING_MEDIA_DIR=str(media))
    ids = seed_households(server, county.village_a, county.groups[county.village_a], 1)
    head = db_rows("SELECT head_name FROM household WHERE id = :id", id=ids[0])[0]["head_name"]
    picture = textured_jpeg(tmp_path / "IMG_0003.jpg")
    phone = phones(server)
    page = phone.page
    sent: list[tuple[str, str, str | None]] = []
    phone.context.on(
        "request",
        lambda r: (
            "/photos/uploads" in r.url
            and sent.append((r.method, r.url, r.headers.get("upload-offset")))
        ),
    )
    phone.open()
    phone.login("cadre_a")
    open_household(phone, county, head)
    page.click("text=记录走访")
    page.set_input_files("[data-testid=photo-gallery]", str(picture))
    page.wait_for_selector("[data-testid=photos] [data-testid=photo-thumb]")
    page.click("button:has-text('保存走访')")
    page.wait_for_selector("text=已保存")
    size = phone.idb(
        "const ps = await req(db.transaction('photos').objectStore('photos').getAll());"
        "return ps[0].bytes;"
    )
    assert size > 140_000, size  # more than one 128 KB chunk

    # a slow link (200 kbit/s up): the server dies once the first chunk is in
    cdp = phone.context.new_cdp_session(page)
    cdp.send("Network.enable")
    slow = {"offline": False, "latency": 100, "downloadThroughput": 25_000}
    cdp.send("Network.emulateNetworkConditions", {**slow, "uploadThroughput": 25_000})
    phone.sync()
    phone.wait_pending(0)
    [photo] = db_rows("SELECT id, sha256 FROM photo")
    partial = media / "partial" / photo["id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (
        not partial.exists() or partial.stat().st_size < 131_072
    ):
        time.sleep(0.05)
    server.kill()
    kept = partial.stat().st_size
    assert 131_072 <= kept < size

    server.start()  # back, and the link with it
    cdp.send("Network.emulateNetworkConditions", {**slow, "uploadThroughput": -1})
    before = len(sent)
    phone.sync()
    uploaded = "const ps = await req(db.transaction('photos').objectStore('photos').getAll());"
    uploaded += "return ps[0].uploaded;"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not phone.idb(uploaded):
        page.wait_for_timeout(100)
    stored = media / "sha256" / photo["sha256"][:2] / photo["sha256"]
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == photo["sha256"]
    after = [(m, o) for m, _, o in sent[before:]]
    assert after[0] == ("HEAD", None), after  # asks where it stopped…
    patches = [int(o) for m, o in after if m == "PATCH" and o is not None]
    assert patches[0] == kept  # …and goes on from there, not from 0
    assert all(o >= kept for o in patches)
