"""PWA benchmark: offline reload, and a village's 2,000-household list, on a throttled CPU.

Run: .venv/bin/python bench/pwa_bench.py [--households 2000] [--runs 5] [--rate 4]
(the PWA must be built: `cd pwa && npm run build`; needs /usr/bin/chromium)

Starts a real uvicorn on a temporary SQLite database with one village of N households (and
a head member each, pushed through the sync API), logs a cadre in from real Chromium at
360×640, pulls everything, then kills the server (no signal) and measures, each as the
median of --runs:
- offline reload: reload → the village list drawn from IndexedDB (service worker shell);
- the household list: tap "全村所有户" → all N rows in the DOM and a frame painted;
each at 1× and under `Emulation.setCPUThrottlingRate` (a low-end phone), beside a baseline
measured in the same run: an empty page (the precached manifest) reloaded through the same
service worker under the same throttle. Prints the figures and writes them to
bench/results/pwa_bench.json.
"""

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backend.records.idnumber import check_character  # noqa: E402

CHROMIUM = os.environ.get("MINQING_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VILLAGE = "520623100001"
GROUPS = [f"{VILLAGE}{g:03d}" for g in range(1, 13)]
PASSWORD = "bench-pass-1"
SURNAMES = "杨龙吴张王李刘田姚石罗潘彭"
GIVEN = "光明秀英再华小军国强春花德福永贵金兰"


def setup_database(url: str) -> None:
    from backend import migrate
    from backend.auth.users import create_user
    from backend.database import open_session
    from backend.geo.models import County, Township, Village, VillagerGroup

    migrate.upgrade(url)
    with open_session(write=True) as s:
        s.add(County(code="520623", name="玉屏侗族自治县"))
        s.add(Township(code="520623100", county_code="520623", name="平溪街道"))
        s.flush()
        s.add(Village(code=VILLAGE, township_code="520623100", name="茅坡村", is_poor=True))
        s.flush()
        for i, g in enumerate(GROUPS, 1):
            s.add(VillagerGroup(code=g, village_code=VILLAGE, name=f"{i}组"))
        s.flush()
        create_user(
            s, {"username": "bench", "password": PASSWORD, "role": "cadre", "villages": [VILLAGE]}
        )
        s.commit()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "backend.main:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
        )
        for _ in range(300):
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def seed(server: Server, n: int) -> None:
    r = httpx.post(
        f"{server.url}/api/v1/auth/token",
        json={"username": "bench", "password": PASSWORD, "device_id": "bench-seed"},
    )
    r.raise_for_status()
    headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
    ops = []
    now = datetime.now(UTC).isoformat()
    for i in range(n):
        hid = str(uuid.uuid4())
        name = SURNAMES[i % 13] + GIVEN[(i * 7) % 17] + GIVEN[(i * 5 + 3) % 17]
        body = f"520623{1950 + i % 60:04d}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
        idn = body + check_character(body)  # the server checks the GB 11643 check digit
        ops.append(
            {
                "op_id": str(uuid.uuid4()),
                "type": "household",
                "id": hid,
                "base_version": None,
                "set": {
                    "village_code": VILLAGE,
                    "group_code": GROUPS[i % len(GROUPS)],
                    "head_name": name,
                    "address": f"{i % 12 + 1}组{i + 1}号",
                    "id_number": idn,
                    "causes": ["illness"],
                    "income_per_head": 2500 + i % 5000,
                },
                "unset": [],
                "delete": False,
                "recorded_at": now,
            }
        )
        ops.append(
            {
                "op_id": str(uuid.uuid4()),
                "type": "member",
                "id": str(uuid.uuid4()),
                "base_version": None,
                "set": {"household_id": hid, "name": name, "relation": "head", "id_number": idn},
                "unset": [],
                "delete": False,
                "recorded_at": now,
            }
        )
    for i in range(0, len(ops), 500):
        body = {
            "device_id": "bench-seed",
            "batch_id": str(uuid.uuid4()),
            "device_time": now,
            "ops": ops[i : i + 500],
        }
        r = httpx.post(f"{server.url}/api/v1/sync/push", json=body, headers=headers, timeout=120)
        r.raise_for_status()


RENDER_LIST = """async ([village, n]) => {
    location.hash = '#/v/' + village;
    await new Promise((ok) => { const f = () => document.querySelector('a[href$="/g/all"]') ? ok() : setTimeout(f, 5); f(); });
    const rows = () => document.querySelectorAll('[data-testid=households] li').length;
    const t0 = performance.now();
    document.querySelector('a[href$="/g/all"]').click();
    let first = null;
    await new Promise((ok) => {
        const f = () => {
            const k = rows();
            if (k && first === null) first = performance.now() - t0;
            k >= n ? ok() : requestAnimationFrame(f);
        };
        f();
    });
    await new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));  // a frame painted
    return [first, performance.now() - t0];
}"""

# From navigation start: the app's village list drawn (a mark the app sets), or an empty
# page's load event.
APP_READY = "performance.getEntriesByName('mq-home')[0].startTime"
PAGE_LOADED = "performance.getEntriesByType('navigation')[0].loadEventEnd"


def median(xs: list[float]) -> float:
    return round(statistics.median(xs), 1)


def start_server(prefix: str) -> tuple["Server", Path, dict[str, str]]:
    """A real uvicorn on a fresh SQLite file in a new folder, with the county set up: the
    server, the folder (for browser profiles) and its environment (to start it again)."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    url = f"sqlite:///{tmp / 'bench.sqlite'}"
    env = {
        **os.environ,
        "MINQING_DATABASE_URL": url,
        "MINQING_ENVIRONMENT": "development",
        "MINQING_SECRET_KEY": secrets.token_urlsafe(48),
        "MINQING_LOGIN_FAILURES_PER_USER": "100/minute",
    }
    os.environ.update(env)
    setup_database(url)
    server = Server(env)
    server.start()
    return server, tmp, env


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rate", type=float, default=4)
    args = ap.parse_args()
    if not (ROOT / "pwa" / "dist" / "index.html").exists():
        sys.exit("build the PWA first: cd pwa && npm ci && npm run build")

    server, tmp, env = start_server("pwa-bench-")
    t = time.perf_counter()
    seed(server, args.households)
    seeded = time.perf_counter() - t
    print(f"seeded {args.households} households + {args.households} members in {seeded:.1f} s")

    from playwright.sync_api import sync_playwright

    figures: dict[str, float | int] = {
        "households": args.households,
        "rate": args.rate,
        "runs": args.runs,
    }
    try:
        with sync_playwright() as p:
            ctx = p.chromium.launch_persistent_context(
                str(tmp / "profile"),
                executable_path=CHROMIUM,
                args=ARGS,
                headless=True,
                viewport={"width": 360, "height": 640},
                locale="zh-CN",
                has_touch=True,
                is_mobile=True,
            )
            page = ctx.pages[0] if ctx.pages else ctx.new_page()
            page.set_default_timeout(120_000)
            page.goto(server.url)
            page.fill("input[name=username]", "bench")
            page.fill("input[name=password]", PASSWORD)
            t = time.perf_counter()
            page.click("button[type=submit]")
            page.wait_for_function(
                "() => { const b = document.querySelector('[data-testid=sync]');"
                " return b && !b.disabled && !document.querySelector('[data-testid=last-sync]').textContent.includes('从未') }"
            )
            figures["first_pull_s"] = round(time.perf_counter() - t, 2)
            page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
            if not page.evaluate("!!navigator.serviceWorker.controller"):
                page.reload()
                page.wait_for_function("!!navigator.serviceWorker.controller")
            server.kill()  # from here on: no signal
            cdp = ctx.new_cdp_session(page)

            def reload_app() -> float:
                page.evaluate("location.hash = '#/'")
                page.reload(wait_until="commit")
                page.wait_for_selector("text=茅坡村")
                return float(page.evaluate(APP_READY))

            def reload_empty() -> float:
                page.reload(wait_until="load")
                return float(page.evaluate(PAGE_LOADED))

            for rate in (1, args.rate):
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
                tag = f"{rate:g}x"
                reload_app()  # warm
                figures[f"offline_reload_ms_{tag}"] = median(
                    [reload_app() for _ in range(args.runs)]
                )
                firsts, lists = [], []
                for _ in range(args.runs):
                    page.evaluate("location.hash = '#/'")
                    page.wait_for_selector("text=茅坡村")
                    first, full = page.evaluate(RENDER_LIST, [VILLAGE, args.households])
                    firsts.append(first)
                    lists.append(full)
                figures[f"list_first_rows_ms_{tag}"] = median(firsts)
                figures[f"list_{args.households}_ms_{tag}"] = median(lists)
                page.goto(
                    server.url + "/manifest.webmanifest"
                )  # precached: an empty page via the same SW
                reload_empty()
                figures[f"empty_reload_ms_{tag}"] = median(
                    [reload_empty() for _ in range(args.runs)]
                )
                page.goto(server.url + "/")
                page.wait_for_selector("text=茅坡村")
            ctx.close()
    finally:
        server.kill()

    rate = f"{args.rate:g}x"
    print()
    print(f"{'':38}{'1x':>10}{rate:>10}")
    for label, key in [
        ("offline reload → village list (ms)", "offline_reload_ms"),
        ("household list: first rows (ms)", "list_first_rows_ms"),
        (f"household list: all {args.households} rows (ms)", f"list_{args.households}_ms"),
        ("baseline: empty page reload (ms)", "empty_reload_ms"),
    ]:
        print(f"{label:38}{figures[key + '_1x']:>10}{figures[key + '_' + rate]:>10}")
    pulled = 2 * args.households
    print(f"first login + full pull of {pulled} records: {figures['first_pull_s']} s (1x)")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "pwa_bench.json").write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
