"""Real Chromium (Debian's, driven by the PyPI playwright package) against a real uvicorn.

Each phone is its own persistent profile (a normal, non-incognito Chromium profile with its
own IndexedDB and service worker). Going offline means killing the server process: the
browser's offline switch does not fail a service worker's own fetches.
"""

import os
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import PASSWORD, ROOT, LiveServer, free_port

CHROMIUM = os.environ.get("MINQING_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PWA = ROOT / "pwa"
DIST = PWA / "dist"


def _newest(paths: list[Path]) -> float:
    times = [
        p.stat().st_mtime for base in paths for p in ([base] if base.is_file() else base.rglob("*"))
    ]
    return max(times, default=0.0)


@pytest.fixture(scope="session")
def pwa_dist() -> Path:
    """The built PWA; built here when missing or older than its sources."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    sources = [
        PWA / "src",
        PWA / "index.html",
        PWA / "vite.config.js",
        PWA / "package.json",
        PWA / "scripts",
    ]
    index = DIST / "index.html"
    if not index.exists() or index.stat().st_mtime < _newest(sources):
        if not (PWA / "node_modules").exists():
            subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PWA, check=True)
        subprocess.run(["npm", "run", "build"], cwd=PWA, check=True)
    return DIST


@pytest.fixture(scope="session")
def pw() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@dataclass
class Phone:
    """One phone: a persistent Chromium profile and its page, at 360×640."""

    context: Any
    page: Any
    profile: Path
    server: LiveServer
    requests: list[str] = field(default_factory=list)

    def open(self, path: str = "/") -> None:
        self.page.goto(self.server.url + path)

    def go(self, hash_path: str) -> None:
        self.page.evaluate("p => { location.hash = p }", hash_path)

    def login(self, username: str) -> None:
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button[type=submit]")
        self.wait_synced()

    def wait_synced(self, timeout: float = 20_000) -> None:
        """Until a sync has run to its end without an error."""
        self.page.wait_for_selector("[data-testid=sync]:not([disabled])", timeout=timeout)
        self.page.wait_for_function(
            "() => !document.querySelector('[data-testid=sync-error]') &&"
            " !document.querySelector('[data-testid=last-sync]').textContent.includes('从未')",
            timeout=timeout,
        )

    def sync(self) -> None:
        """Tap 同步 and wait until that run has finished (succeeded or not)."""
        button = self.page.wait_for_selector("[data-testid=sync]:not([disabled])")
        runs = int(button.get_attribute("data-runs") or 0)
        button.click()
        self.page.wait_for_function(
            "n => { const b = document.querySelector('[data-testid=sync]');"
            " return b && !b.disabled && Number(b.dataset.runs) > n }",
            arg=runs,
            timeout=20_000,
        )

    def pending(self) -> int:
        text = self.page.text_content("[data-testid=pending]") or ""
        return int(text.replace("待同步", "").strip())

    def wait_pending(self, n: int, timeout: float = 20_000) -> None:
        self.page.wait_for_function(
            "n => { const e = document.querySelector('[data-testid=pending]');"
            " return e && e.textContent.replace('待同步', '').trim() === String(n) }",
            arg=n,
            timeout=timeout,
        )

    def wait_controlled(self) -> None:
        """A first visit registers the service worker; wait until it controls the page."""
        self.page.wait_for_function(
            "navigator.serviceWorker && navigator.serviceWorker.ready.then(() => true)"
        )
        if not self.page.evaluate("!!navigator.serviceWorker.controller"):
            self.page.reload()
        self.page.wait_for_function("!!navigator.serviceWorker.controller", timeout=15_000)

    def idb(self, script: str, arg: Any = None) -> Any:
        """Run `script` (an async function body with `db` and `arg`) against the phone's IndexedDB."""
        return self.page.evaluate(
            """async ([body, arg]) => {
                const db = await new Promise((ok, no) => {
                    const r = indexedDB.open('minqing'); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error);
                });
                const req = (r) => new Promise((ok, no) => { r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
                try { return await (new Function('db', 'arg', 'req', 'return (async () => {' + body + '})()'))(db, arg, req); }
                finally { db.close(); }
            }""",
            [script, arg],
        )

    def outbox(self) -> list[dict[str, Any]]:
        return self.idb(
            "return await req(db.transaction('outbox').objectStore('outbox').getAll());"
        )

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def phones(pw: Any, pwa_dist: Path, tmp_path: Path) -> Iterator[Callable[..., Phone]]:
    """Open phones (persistent profiles) on a live server; all are closed at the end."""
    opened: list[Phone] = []

    def open_phone(server: LiveServer, name: str = "phone", profile: Path | None = None) -> Phone:
        profile = profile or tmp_path / f"profile-{name}-{len(opened)}"
        ctx = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            args=ARGS,
            headless=True,
            viewport={"width": 360, "height": 640},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            # The helpers above read IndexedDB with a script body (new Function), which the
            # app's own CSP (no eval) rightly refuses; the CSP itself is tested by the API.
            bypass_csp=True,
        )
        ctx.set_default_timeout(15_000)
        page = ctx.pages[0] if ctx.pages else ctx.new_page()
        phone = Phone(context=ctx, page=page, profile=profile, server=server)
        ctx.on("request", lambda r: phone.requests.append(r.url))
        opened.append(phone)
        return phone

    yield open_phone
    for p in opened:
        try:
            p.close()
        except Exception:  # noqa: BLE001 — a phone the test already killed
            pass


@dataclass
class RawChromium:
    """Chromium started by hand on a profile, so a test can SIGKILL it like a dying phone."""

    proc: subprocess.Popen[bytes]
    browser: Any
    page: Any

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


def start_raw_chromium(pw: Any, profile: Path) -> RawChromium:
    port = free_port()
    proc = subprocess.Popen(
        [
            CHROMIUM,
            *ARGS,
            "--headless=new",
            f"--user-data-dir={profile}",
            f"--remote-debugging-port={port}",
            "--window-size=360,640",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the kill takes every child with it
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/json/version", timeout=1).raise_for_status()
            break
        except httpx.HTTPError:
            if time.monotonic() > deadline or proc.poll() is not None:
                os.killpg(proc.pid, signal.SIGKILL)
                raise RuntimeError("Chromium did not open its debugging port") from None
            time.sleep(0.1)
    browser = pw.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
    ctx = browser.contexts[0]
    page = ctx.pages[0] if ctx.pages else ctx.new_page()
    page.set_viewport_size({"width": 360, "height": 640})
    # As bypass_csp for the phones: the helpers' script bodies are eval, which the CSP refuses.
    ctx.new_cdp_session(page).send("Page.setBypassCSP", {"enabled": True})
    return RawChromium(proc=proc, browser=browser, page=page)


# ── data on the server, made through its own API ──────────────────────────────────────────


def api_login(server: LiveServer, username: str, device_id: str) -> dict[str, str]:
    r = httpx.post(
        f"{server.url}/api/v1/auth/token",
        json={"username": username, "password": PASSWORD, "device_id": device_id},
    )
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def push_ops(
    server: LiveServer, username: str, ops: list[dict[str, Any]], device_id: str = "seed-device"
) -> list[dict[str, Any]]:
    headers = api_login(server, username, device_id)
    out: list[dict[str, Any]] = []
    for i in range(0, len(ops), 500):
        body = {
            "device_id": device_id,
            "batch_id": str(uuid.uuid4()),
            "device_time": datetime.now(UTC).isoformat(),
            "ops": ops[i : i + 500],
        }
        r = httpx.post(f"{server.url}/api/v1/sync/push", json=body, headers=headers, timeout=120)
        assert r.status_code == 200, r.text
        out += r.json()["results"]
    return out


def op(
    type_: str, record_id: str, set_: dict[str, Any], base: int | None = None, delete: bool = False
) -> dict[str, Any]:
    return {
        "op_id": str(uuid.uuid4()),
        "type": type_,
        "id": record_id,
        "base_version": base,
        "set": set_,
        "unset": [],
        "delete": delete,
        "recorded_at": datetime.now(UTC).isoformat(),
    }


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"


def id_number(n: int) -> str:
    from backend.records.idnumber import check_character

    body = f"520623{1950 + n % 60:04d}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return body + check_character(body)


def seed_households(
    server: LiveServer, village: str, groups: list[str], n: int, username: str = "cadre_a"
) -> list[str]:
    """n households (and a head member each) in the village, pushed through the API."""
    ids, ops = [], []
    for i in range(n):
        hid = str(uuid.uuid4())
        name = (
            SURNAMES[i % len(SURNAMES)]
            + GIVEN[(i * 7) % len(GIVEN)]
            + GIVEN[(i * 3 + 1) % len(GIVEN)]
        )
        ids.append(hid)
        ops.append(
            op(
                "household",
                hid,
                {
                    "village_code": village,
                    "group_code": groups[i % len(groups)],
                    "head_name": name,
                    "address": f"{i % 9 + 1}组{i + 1}号",
                    "id_number": id_number(i),
                    "poverty_category": "general",
                    "poverty_status": "not_out",
                    "causes": ["illness"] if i % 3 == 0 else ["no_skills"],
                    "income_per_head": 3000 + i,
                },
            )
        )
        ops.append(
            op(
                "member",
                str(uuid.uuid4()),
                {
                    "household_id": hid,
                    "name": name,
                    "relation": "head",
                    "sex": "male" if i % 2 else "female",
                    "id_number": id_number(i),
                },
            )
        )
    results = push_ops(server, username, ops)
    assert all(r["status"] == "applied" for r in results), results[:3]
    return ids


def db_rows(sql: str, **params: Any) -> list[Any]:
    from sqlalchemy import text

    from backend.database import get_engine

    with get_engine().connect() as conn:
        return list(conn.execute(text(sql), params).mappings())


def db_exec(sql: str, **params: Any) -> None:
    from sqlalchemy import text

    from backend.database import get_engine

    with get_engine().begin() as conn:
        conn.execute(text(sql), params)


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() and shutil.which("npm") is not None
