"""The installable shell, and a save that survives the browser being killed."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import County, LiveServer
from tests.pwa.conftest import Phone, db_rows, seed_households, start_raw_chromium

pytestmark = pytest.mark.browser


def test_installable_and_the_worker_never_caches_the_api(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    phone = phones(server)
    phone.open()
    phone.login("cadre_a")
    phone.wait_controlled()
    cdp = phone.context.new_cdp_session(phone.page)
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == []
    assert '"lang":"zh-CN"' in manifest["data"].replace(" ", "")

    cached: list[str] = phone.page.evaluate(
        """async () => { const out = [];
            for (const name of await caches.keys()) {
                for (const req of await (await caches.open(name)).keys()) out.push(req.url);
            } return out; }"""
    )
    assert any(u.endswith("/index.html") or "index.html" in u for u in cached)
    assert not [u for u in cached if "/api/" in u]
    # the API answers come from the network even with a worker in control
    from_sw = phone.page.evaluate(
        """async () => { const r = await fetch('/api/v1/version'); return r.headers.get('content-type'); }"""
    )
    assert from_sw == "application/json"
    assert all(u.startswith(server.url) for u in phone.requests)


def test_browser_killed_right_after_an_offline_save_keeps_the_change(
    county: County, live_server: Callable[..., LiveServer], pw: Any, pwa_dist: Path, tmp_path: Path
) -> None:
    server = live_server()
    (hid,) = seed_households(server, county.village_a, county.groups[county.village_a], 1)
    profile = tmp_path / "profile"

    chrome = start_raw_chromium(pw, profile)
    phone = Phone(
        context=chrome.browser.contexts[0], page=chrome.page, profile=profile, server=server
    )
    try:
        phone.open()
        phone.login("cadre_a")
        phone.wait_controlled()
        server.kill()
        phone.go(f"/h/{hid}/visit")
        phone.page.fill("textarea[name=notes]", "断电前的最后一条走访")
        phone.page.click("button:has-text('保存走访')")
        phone.page.wait_for_selector("text=已保存")
    finally:
        chrome.kill()  # SIGKILL the whole browser: no shutdown, no flush

    chrome = start_raw_chromium(pw, profile)
    try:
        phone = Phone(
            context=chrome.browser.contexts[0], page=chrome.page, profile=profile, server=server
        )
        phone.open()  # still offline: the shell comes from the service worker
        phone.wait_pending(1)
        (pending,) = phone.outbox()
        assert pending["type"] == "visit"
        assert pending["set"]["notes"] == "断电前的最后一条走访"

        server.start()
        phone.sync()
        phone.wait_pending(0)
        visits = db_rows("SELECT notes FROM visit WHERE household_id = :id", id=hid)
        assert [v["notes"] for v in visits] == ["断电前的最后一条走访"]
    finally:
        chrome.kill()


def test_a_new_version_waits_for_the_tap(
    county: County,
    live_server: Callable[..., LiveServer],
    phones: Callable[..., Phone],
    pwa_dist: Path,
    tmp_path: Path,
) -> None:
    import shutil

    dist = tmp_path / "dist"
    shutil.copytree(pwa_dist, dist)
    server = live_server(MINQING_PWA_DIST=str(dist))
    phone = phones(server)
    phone.open()
    phone.login("cadre_a")
    phone.wait_controlled()
    phone.go("/settings")
    phone.page.evaluate("window.__typing = 'half-filled form'")

    # a new release lands on the server
    sw = dist / "sw.js"
    sw.write_text(sw.read_text() + "\n// release 2\n")
    phone.page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    phone.page.wait_for_selector("[data-testid=update]", timeout=20_000)
    assert "有新版本，点此更新" in (phone.page.text_content("[data-testid=update]") or "")
    phone.page.wait_for_timeout(1500)
    assert phone.page.evaluate("window.__typing") == "half-filled form"  # no reload by itself

    with phone.page.expect_navigation():
        phone.page.click("[data-testid=update]")
    phone.page.wait_for_selector("[data-testid=sync]")
    assert phone.page.evaluate("window.__typing") is None
    assert phone.page.evaluate("navigator.serviceWorker.controller.state") == "activated"
