"""PWA benchmark: a cadre's first sync of three villages, offline reload and a village's
2,000-household list, on a throttled CPU, each beside a baseline build of the PWA measured in
the same run.

Run: .venv/bin/python bench/pwa_bench.py [--households 2000] [--sync-households 500]
     [--runs 5] [--rate 4] [--baseline 78c639b] [--only sync|list]
(the PWA must be built: `npm run build --prefix pwa`; needs /usr/bin/chromium)

The baseline is the PWA of another commit (by default 78c639b, the phone before issue 19),
taken with `git archive` into a temporary folder and built there with this checkout's
node_modules; its dist is served by a second uvicorn on the same database
(MINQING_PWA_DIST). Runs of the two builds alternate, so both see the same machine load.

1. First sync: the demo county (backend/demo, seed 20161, 6 villages) with the first
   township's first three villages made --sync-households households each (~7,500 records:
   households, members, visits, condition maps and their elements), written by the demo's own
   loader. From a fresh browser profile, under the CPU throttle from the first page on:
   tap 登录 as cadre3 (the demo's cadre of those three villages) → the sync finished
   (上次同步 shown), and every record in IndexedDB. The progress texts seen are kept.
2. One village of --households households (a head member each, pushed through the sync
   API), pulled by each build; then the servers are killed (no signal) and, each as the
   median of --runs with its spread:
   - offline reload: reload → the village list drawn from IndexedDB (service worker shell);
   - the household list: tap "全村所有户" → all N rows in the DOM and a frame painted;
   at 1× and under `Emulation.setCPUThrottlingRate` (only the phone being measured: an idle
   throttled renderer spins); an empty page (the precached manifest)
   reloaded through the same service worker is measured beside them too.
Prints the figures and writes them to bench/results/pwa_bench.json.
"""

import argparse
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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
    ops: list[dict[str, Any]] = []
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
        batch = {
            "device_id": "bench-seed",
            "batch_id": str(uuid.uuid4()),
            "device_time": now,
            "ops": ops[i : i + 500],
        }
        r = httpx.post(f"{server.url}/api/v1/sync/push", json=batch, headers=headers, timeout=120)
        r.raise_for_status()


RENDER_LIST = """async ([village, n]) => {
    location.hash = '#/v/' + village;
    await new Promise((ok) => { const f = () => document.querySelector('a[href$="/g/all"]') ? ok() : setTimeout(f, 5); f(); });
    const rows = () => document.querySelectorAll('[data-testid=households] li').length;
    const t0 = performance.now();
    document.querySelector('a[href$="/g/all"]').click();
    let first = null;
    await new Promise((ok, no) => {
        const f = () => {
            const k = rows();
            if (k && first === null) first = performance.now() - t0;
            if (performance.now() - t0 > 60000) no(new Error(`${k} of ${n} rows after 60 s`));
            else k >= n ? ok() : requestAnimationFrame(f);
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

SYNC_DONE = (
    "() => { const b = document.querySelector('[data-testid=sync]');"
    " return b && !b.disabled && !document.querySelector('[data-testid=last-sync]').textContent.includes('从未') }"
)

# Every text the sync's progress line shows, as it changes (kept on window for the bench).
WATCH_PROGRESS = """() => {
    window.__progress = [];
    new MutationObserver(() => {
        const el = document.querySelector('.progress span');
        const t = el && el.textContent;
        if (t && window.__progress[window.__progress.length - 1] !== t) window.__progress.push(t);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
}"""

COUNT_RECORDS = """() => new Promise((ok, no) => {
    const r = indexedDB.open('minqing');
    r.onerror = no;
    r.onsuccess = () => {
        const c = r.result.transaction('records').objectStore('records').count();
        c.onsuccess = () => { ok(c.result); r.result.close(); };
    };
})"""


def median(xs: list[float]) -> float:
    return round(statistics.median(xs), 1)


def spread(xs: list[float]) -> str:
    return f"{min(xs):.0f}–{max(xs):.0f}"


def start_server(
    prefix: str, dist: Path | None = None, tmp: Path | None = None
) -> tuple["Server", Path, dict[str, str]]:
    """A real uvicorn on a fresh SQLite file in a new folder, with the county set up: the
    server, the folder (for browser profiles) and its environment (to start it again).
    With ``tmp`` the database there is used as it is (set up already)."""
    fresh = tmp is None
    tmp = tmp or Path(tempfile.mkdtemp(prefix=prefix))
    url = f"sqlite:///{tmp / 'bench.sqlite'}"
    env = {
        **os.environ,
        "MINQING_DATABASE_URL": url,
        "MINQING_ENVIRONMENT": "development",
        "MINQING_SECRET_KEY": os.environ.get("MINQING_SECRET_KEY") or secrets.token_urlsafe(48),
        "MINQING_LOGIN_FAILURES_PER_USER": "100/minute",
    }
    if dist is not None:
        env["MINQING_PWA_DIST"] = str(dist)
    os.environ.update({k: v for k, v in env.items() if k != "MINQING_PWA_DIST"})
    if fresh:
        from backend.config import get_settings

        get_settings.cache_clear()  # a second county in this process: its own database
        setup_database(url)
    server = Server(env)
    server.start()
    return server, tmp, env


def build_baseline(ref: str) -> Path:
    """The PWA of commit ``ref`` built in a temporary folder: its dist."""
    tmp = Path(tempfile.mkdtemp(prefix="pwa-baseline-"))
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "pwa"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive, check=True)
    (tmp / "pwa" / "node_modules").symlink_to((ROOT / "pwa" / "node_modules").resolve())
    subprocess.run(
        ["npm", "run", "build", "--prefix", str(tmp / "pwa")],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return tmp / "pwa" / "dist"


def demo_database(url: str, per_village: int) -> str:
    """The demo county (6 villages) with its first three villages at ``per_village``
    households each, written by the demo's own loader: the records a cadre3 pulls."""
    from backend import migrate
    from backend.database import get_engine
    from backend.demo import county
    from backend.demo.generate import build_demo

    plan = county.plan_county

    def bigger(rng, villages):  # type: ignore[no-untyped-def]
        towns = plan(rng, villages)
        for v in towns[0].villages[:3]:
            v.households = per_village
        return towns

    from backend.config import get_settings

    get_settings.cache_clear()
    migrate.upgrade(url)
    county.plan_county = bigger
    try:
        return build_demo(get_engine(), seed=20161, villages=6)
    finally:
        county.plan_county = plan


def launch(p, profile: Path):  # type: ignore[no-untyped-def]
    ctx = p.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        args=ARGS,
        headless=True,
        viewport={"width": 360, "height": 640},
        locale="zh-CN",
        has_touch=True,
        is_mobile=True,
    )
    page = ctx.pages[0] if ctx.pages else ctx.new_page()
    page.set_default_timeout(180_000)
    return ctx, page


def first_sync(p, server: Server, profile: Path, user: str, password: str, rate: float):  # type: ignore[no-untyped-def]
    """Tap 登录 → the first sync finished, under the throttle from the first page on:
    (seconds, records in IndexedDB, progress texts seen)."""
    ctx, page = launch(p, profile)
    try:
        cdp = ctx.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
        page.goto(server.url)
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", password)
        page.evaluate(WATCH_PROGRESS)
        t = time.perf_counter()
        page.click("button[type=submit]")
        page.wait_for_function(SYNC_DONE, polling=20)
        took = time.perf_counter() - t
        return took, int(page.evaluate(COUNT_RECORDS)), page.evaluate("window.__progress")
    finally:
        ctx.close()


def bench_sync(args: argparse.Namespace, dists: dict[str, Path], figures: dict) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="pwa-bench-sync-"))
    url = f"sqlite:///{tmp / 'bench.sqlite'}"
    os.environ.update(
        {
            "MINQING_DATABASE_URL": url,
            "MINQING_ENVIRONMENT": "development",
            "MINQING_SECRET_KEY": secrets.token_urlsafe(48),
        }
    )
    from backend.demo.generate import PASSWORD as DEMO_PASSWORD

    summary = demo_database(url, args.sync_households)
    print(summary)
    servers = {name: start_server("", dist, tmp)[0] for name, dist in dists.items()}
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {name: [] for name in dists}
    try:
        with sync_playwright() as p:
            for run in range(args.runs):
                names = list(dists) if run % 2 == 0 else list(reversed(dists))
                for name in names:
                    took, n, seen = first_sync(
                        p,
                        servers[name],
                        tmp / f"sync-{name}-{run}",
                        "cadre3",
                        DEMO_PASSWORD,
                        args.rate,
                    )
                    times[name].append(took * 1000)
                    figures[f"first_sync_records_{name}"] = n
                    figures[f"first_sync_progress_{name}"] = seen[:3] + seen[-2:]
                    print(f"  first sync [{name}] run {run + 1}: {took:.2f} s, {n} records")
    finally:
        for s in servers.values():
            s.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    for name in dists:
        figures[f"first_sync_ms_{name}"] = median(times[name])
        figures[f"first_sync_spread_{name}"] = spread(times[name])


def bench_list(args: argparse.Namespace, dists: dict[str, Path], figures: dict) -> None:
    server, tmp, env = start_server("pwa-bench-")
    t = time.perf_counter()
    seed(server, args.households)
    print(
        f"seeded {args.households} households + {args.households} members in {time.perf_counter() - t:.1f} s"
    )
    server.kill()
    servers = {name: start_server("", dist, tmp)[0] for name, dist in dists.items()}

    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as p:
            phones = {}
            for name, server in servers.items():
                ctx, page = launch(p, tmp / f"profile-{name}")
                page.goto(server.url)
                page.fill("input[name=username]", "bench")
                page.fill("input[name=password]", PASSWORD)
                t = time.perf_counter()
                page.click("button[type=submit]")
                page.wait_for_function(SYNC_DONE)
                figures[f"pull_{2 * args.households}_s_1x_{name}"] = round(
                    time.perf_counter() - t, 2
                )
                page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
                if not page.evaluate("!!navigator.serviceWorker.controller"):
                    page.reload()
                    page.wait_for_function("!!navigator.serviceWorker.controller")
                server.kill()  # from here on: no signal
                phones[name] = (ctx, page, ctx.new_cdp_session(page), server)

            def throttle(name: str, rate: float) -> None:
                # Only the phone measured is throttled: a throttled renderer spins while
                # idle (4 s of CPU in 5 s, measured with `ps`), and on two cores the idle
                # phone's spin slowed the measured one by half.
                for other, (_ctx, _page, cdp, _s) in phones.items():
                    cdp.send(
                        "Emulation.setCPUThrottlingRate", {"rate": rate if other == name else 1}
                    )

            def reload_app(page) -> float:  # type: ignore[no-untyped-def]
                page.evaluate("location.hash = '#/'")
                page.reload(wait_until="commit")
                page.wait_for_selector("text=茅坡村")
                return float(page.evaluate(APP_READY))

            def reload_empty(page) -> float:  # type: ignore[no-untyped-def]
                page.reload(wait_until="load")
                return float(page.evaluate(PAGE_LOADED))

            for rate in (1, args.rate):
                tag = f"{rate:g}x"
                got: dict[str, dict[str, list[float]]] = {
                    name: {"reload": [], "first": [], "list": []} for name in phones
                }
                for name in phones:
                    throttle(name, rate)
                    reload_app(phones[name][1])  # warm
                for run in range(args.runs):
                    names = list(phones) if run % 2 == 0 else list(reversed(phones))
                    for name in names:
                        throttle(name, rate)
                        page = phones[name][1]
                        got[name]["reload"].append(reload_app(page))
                        page.evaluate("location.hash = '#/'")
                        page.wait_for_selector("text=茅坡村")
                        first, full = page.evaluate(RENDER_LIST, [VILLAGE, args.households])
                        got[name]["first"].append(first)
                        got[name]["list"].append(full)
                for name, g in got.items():
                    figures[f"offline_reload_ms_{tag}_{name}"] = median(g["reload"])
                    figures[f"list_first_rows_ms_{tag}_{name}"] = median(g["first"])
                    figures[f"list_{args.households}_ms_{tag}_{name}"] = median(g["list"])
                    figures[f"list_{args.households}_spread_{tag}_{name}"] = spread(g["list"])
                    figures[f"offline_reload_spread_{tag}_{name}"] = spread(g["reload"])
                # an empty page through the same service worker
                throttle("this", rate)
                _ctx, page, _cdp, server = phones["this"]
                page.goto(server.url + "/manifest.webmanifest")
                reload_empty(page)
                figures[f"empty_reload_ms_{tag}"] = median(
                    [reload_empty(page) for _ in range(args.runs)]
                )
                page.goto(server.url + "/")
                page.wait_for_selector("text=茅坡村")
            for ctx, *_ in phones.values():
                ctx.close()
    finally:
        for s in servers.values():
            s.kill()
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=2000)
    ap.add_argument("--sync-households", type=int, default=500)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rate", type=float, default=4)
    ap.add_argument("--baseline", default="78c639b", help="commit whose PWA is the baseline")
    ap.add_argument("--only", choices=["sync", "list"])
    args = ap.parse_args()
    if not (ROOT / "pwa" / "dist" / "index.html").exists():
        sys.exit("build the PWA first: cd pwa && npm ci && npm run build")
    base = build_baseline(args.baseline)
    dists = {"base": base, "this": ROOT / "pwa" / "dist"}
    figures: dict = {
        "households": args.households,
        "rate": args.rate,
        "runs": args.runs,
        "baseline": subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", args.baseline],
            capture_output=True,
            text=True,
        ).stdout.strip(),
    }
    try:
        if args.only != "list":
            bench_sync(args, dists, figures)
        if args.only != "sync":
            bench_list(args, dists, figures)
    finally:
        shutil.rmtree(base.parent.parent, ignore_errors=True)  # the baseline's build folder

    rate = f"{args.rate:g}x"
    print(f"\nbaseline: the PWA of {figures['baseline']}; median of {args.runs} runs (min–max)")
    if args.only != "list":
        n = figures["first_sync_records_this"]
        print(f"first sync of cadre3's 3 villages ({n} records), login tap → synced, at {rate}:")
        for name in dists:
            print(
                f"  {name:5} {figures[f'first_sync_ms_{name}']:>8} ms"
                f"  ({figures[f'first_sync_spread_{name}']})"
                f"  progress: {' | '.join(figures[f'first_sync_progress_{name}'])}"
            )
    if args.only != "sync":
        print(f"{'':40}{'1x this':>12}{'1x base':>12}{rate + ' this':>12}{rate + ' base':>12}")
        for label, key in [
            ("offline reload → village list (ms)", "offline_reload_ms"),
            ("household list: first rows (ms)", "list_first_rows_ms"),
            (f"household list: all {args.households} rows (ms)", f"list_{args.households}_ms"),
        ]:
            cells = [figures[f"{key}_{r}_{n}"] for r in ("1x", rate) for n in ("this", "base")]
            print(f"{label:40}" + "".join(f"{c:>12}" for c in cells))
        print(
            f"{'spread of the full list (ms)':40}"
            + "".join(
                f"{figures[f'list_{args.households}_spread_{r}_{n}']:>12}"
                for r in ("1x", rate)
                for n in ("this", "base")
            )
        )
        print(
            f"empty page reload (ms): {figures['empty_reload_ms_1x']} at 1x, {figures['empty_reload_ms_' + rate]} at {rate}"
        )
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "pwa_bench.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
