"""Load: the phones of one township syncing at once, against one real uvicorn (as deployed).

Run: .venv/bin/python bench/load_bench.py [--phones 50] [--ops 200] [--batch 50]
                                          [--database-url postgresql+psycopg://…]
A fresh SQLite file by default; with a PostgreSQL url, a fresh database on that server
(dropped at the end). One township of 15 villages, 40 families on file in each, and a
cadre per phone (three or four to a village). Every phone logs in and pulls its village
(not timed); then, all at once, each pushes ``--ops`` ops in batches of ``--batch`` —
new families, members, visits, and edits of the families on file from the version it
pulled, so cadres of one village merge and conflict — and then pulls what changed.
Measured: latency of every push and pull (p50, p95, max), errors (must be none), the
verdicts, and the server's resident memory (before, peak, after). The baseline beside it:
the same work by one phone alone, on the same server, in the same run.
"""

import argparse
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
PASSWORD = "load-bench-pass-1"
COUNTY, TOWNSHIP = "520698", "520698100"
VILLAGES = [f"{TOWNSHIP}{n:03d}" for n in range(1, 16)]
ON_FILE = 40  # families per village before the run
# The villager groups of each village (the built township's; a demo county's own with --demo).
GROUPS: dict[str, list[str]] = {v: [f"{v}{g:03d}" for g in range(1, 9)] for v in VILLAGES}
SURNAMES = "杨龙吴张王李刘田姚石罗潘彭"
GIVEN = "光明秀英再华小军国强春花德福永贵金兰"


# ── the database and the server ──────────────────────────────────────────────────────────


def fresh_database(url: str) -> tuple[str, str | None]:
    """Migrated and empty: SQLite as given; PostgreSQL a new database on that server."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from backend import migrate

    if url.startswith("sqlite"):
        migrate.upgrade(url)
        return url, None
    name = f"mq_load_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(make_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    made = make_url(url).set(database=name).render_as_string(hide_password=False)
    migrate.upgrade(made)
    return made, url


def drop_database(url: str, server_url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(make_url(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def build_township(url: str, cadres: int) -> list[tuple[str, str]]:
    """The township, its villages and groups, the cadres (username, village) and an admin.
    Cheapest Argon2 hashes: the server verifies with the hash's own parameters."""
    from argon2 import PasswordHasher
    from sqlmodel import Session

    from backend.auth.users import create_user
    from backend.database import make_engine
    from backend.geo.models import County, Township, Village, VillagerGroup

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    engine = make_engine(url)
    out = []
    with Session(engine) as s:
        s.add(County(code=COUNTY, name="压测县"))
        s.add(Township(code=TOWNSHIP, county_code=COUNTY, name="压测镇"))
        s.flush()
        for i, v in enumerate(VILLAGES):
            s.add(Village(code=v, township_code=TOWNSHIP, name=f"压测{i + 1}村", is_poor=True))
            s.flush()
            for g in range(1, 9):
                s.add(VillagerGroup(code=f"{v}{g:03d}", village_code=v, name=f"{g}组"))
        s.flush()
        for i in range(cadres):
            username, village = f"load{i:03d}", VILLAGES[i % len(VILLAGES)]
            create_user(
                s,
                {
                    "username": username,
                    "password": PASSWORD,
                    "role": "cadre",
                    "villages": [village],
                },
                password_hash=cheap,
            )
            out.append((username, village))
        create_user(
            s,
            {"username": "load_admin", "password": PASSWORD, "role": "admin"},
            password_hash=cheap,
        )
        s.commit()
    engine.dispose()
    return out


def demo_township(url: str, cadres: int) -> list[tuple[str, str]]:
    """On a copy of the demo county: its first township, a cadre per phone over its
    villages and an admin (the demo's families are the families on file)."""
    from argon2 import PasswordHasher
    from sqlalchemy import select
    from sqlmodel import Session, col

    from backend.auth.users import create_user
    from backend.database import make_engine
    from backend.geo.models import Township, Village, VillagerGroup

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    engine = make_engine(url)
    out = []
    with Session(engine) as s:
        town = s.execute(select(col(Township.code)).order_by(Township.code)).scalars().first()
        villages = list(
            s.execute(
                select(col(Village.code))
                .where(col(Village.township_code) == town)
                .order_by(col(Village.code))
            ).scalars()
        )
        GROUPS.clear()
        for code, village in s.execute(
            select(col(VillagerGroup.code), col(VillagerGroup.village_code)).where(
                col(VillagerGroup.village_code).in_(villages)
            )
        ):
            GROUPS.setdefault(village, []).append(code)
        for i in range(cadres):
            username, village = f"load{i:03d}", villages[i % len(villages)]
            create_user(
                s,
                {
                    "username": username,
                    "password": PASSWORD,
                    "role": "cadre",
                    "villages": [village],
                },
                password_hash=cheap,
            )
            out.append((username, village))
        create_user(
            s,
            {"username": "load_admin", "password": PASSWORD, "role": "admin"},
            password_hash=cheap,
        )
        s.commit()
    engine.dispose()
    print(f"demo county copy: township {town}, {len(villages)} villages")
    return out


def start_server(url: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MINQING_DATABASE_URL": url, "MINQING_ENVIRONMENT": "development"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "backend.main:create_app",
            "--factory",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class MemorySampler(threading.Thread):
    """The server's resident memory every 100 ms while the load runs."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, rss_mib(self.pid))
            time.sleep(0.1)


# ── a phone ─────────────────────────────────────────────────────────────────────────────


@dataclass
class Phone:
    username: str
    village: str
    base: str
    rng: random.Random
    client: httpx.Client = field(init=False)
    headers: dict[str, str] = field(default_factory=dict)
    cursor: str | None = None
    households: dict[str, int] = field(default_factory=dict)  # id → version pulled
    push_s: list[float] = field(default_factory=list)
    pull_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    verdicts: Counter[str] = field(default_factory=Counter)
    pulled: int = 0

    def __post_init__(self) -> None:
        self.client = httpx.Client(base_url=self.base, timeout=300)

    def reconnect(self) -> None:
        """A new connection for the timed work, as a phone back in signal opens one. The
        one from the setup sat idle while the other phones set up, which on a slow machine
        takes longer than uvicorn's 5 s keep-alive: one run had 31 pushes fail with
        "connection reset by peer", and a push sent as the server closes its idle
        connection is the likely cause."""
        self.client.close()
        self.client = httpx.Client(base_url=self.base, timeout=300)

    @property
    def device(self) -> str:
        return f"{self.username}-phone"

    def login(self) -> None:
        r = self.client.post(
            "/api/v1/auth/token",
            json={"username": self.username, "password": PASSWORD, "device_id": self.device},
        )
        r.raise_for_status()
        self.headers = {
            "Authorization": f"Bearer {r.json()['access_token']}",
            "Content-Type": "application/json",
        }

    def pull(self, timed: bool) -> None:
        while True:
            params = {"limit": 500} | ({"cursor": self.cursor} if self.cursor else {})
            t0 = time.perf_counter()
            try:
                r = self.client.get("/api/v1/sync/pull", params=params, headers=self.headers)
            except httpx.HTTPError as exc:
                self.errors.append(f"pull: {type(exc).__name__}: {exc}")
                return
            took = time.perf_counter() - t0
            if r.status_code != 200:
                self.errors.append(f"pull: {r.status_code} {r.text[:200]}")
                return
            if timed:
                self.pull_s.append(took)
            page = orjson.loads(r.content)
            for rec in page["records"]:
                if rec["type"] == "household" and not rec["deleted"]:
                    self.households[rec["id"]] = rec["version"]
            if timed:
                self.pulled += len(page["records"])
            self.cursor = page["cursor"]
            if not page["more"]:
                return

    def bodies(self, n_ops: int, batch: int) -> list[bytes]:
        """The phone's day of work, ready to send: ``n_ops`` ops in batches."""
        now = datetime.now(UTC).isoformat()
        ops: list[dict[str, Any]] = []
        mine: list[str] = []
        on_file = list(self.households)
        edited: set[str] = set()
        while len(ops) < n_ops:
            r = self.rng.random()
            if r < 0.1 or not mine:
                hid = str(uuid.uuid4())
                mine.append(hid)
                ops.append(self._op("household", hid, None, self._household(), now))
            elif r < 0.4:
                hid = self.rng.choice(mine)
                ops.append(self._op("member", str(uuid.uuid4()), None, self._member(hid), now))
            elif r < 0.7:
                hid = self.rng.choice(mine + on_file)
                visit = {
                    "household_id": hid,
                    "kind": "revisit",
                    "occurred_at": now,
                    "gps": {"lat": 27.2 + self.rng.random() / 100, "lon": 108.9, "accuracy_m": 12},
                    "notes": "了解家庭收入与就医情况",
                    "needs": ["medical"],
                }
                ops.append(self._op("visit", str(uuid.uuid4()), None, visit, now))
            else:
                # An edit of a family on file, from the version this phone pulled (one edit
                # of a record per batch, as the PWA sends a record's line of edits).
                fresh = [h for h in on_file if h not in edited]
                if not fresh:
                    edited.clear()
                    continue
                hid = self.rng.choice(fresh)
                edited.add(hid)
                change: dict[str, Any] = self.rng.choice(
                    [
                        {"income_per_head": self.rng.choice([3200, 4200, 5600])},
                        {"poverty_status": self.rng.choice(["not_out", "out", "monitored"])},
                        {"remark": self.rng.choice(["外出务工", "需跟进医保报销", "已落实措施"])},
                    ]
                )
                ops.append(self._op("household", hid, self.households[hid], change, now))
            if len(ops) % batch == 0:
                edited.clear()
        out = []
        for i in range(0, len(ops), batch):
            body = {
                "device_id": self.device,
                "batch_id": str(uuid.uuid4()),
                "device_time": now,
                "ops": ops[i : i + batch],
            }
            out.append(orjson.dumps(body))
        return out

    def _op(self, type_: str, rid: str, base: int | None, data: dict, now: str) -> dict:
        return {
            "op_id": str(uuid.uuid4()),
            "type": type_,
            "id": rid,
            "base_version": base,
            "set": data,
            "recorded_at": now,
        }

    def _household(self) -> dict[str, Any]:
        rng = self.rng
        return {
            "village_code": self.village,
            "group_code": rng.choice(GROUPS[self.village]),
            "head_name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            "address": f"第{rng.randint(1, 8)}组{rng.randint(1, 99)}号",
            "poverty_status": rng.choice(["not_out", "out", "monitored"]),
            "causes": rng.sample(["illness", "no_funds", "no_skills", "disability"], 2),
            "income_per_head": rng.randint(2000, 9000),
        }

    def _member(self, hid: str) -> dict[str, Any]:
        rng = self.rng
        return {
            "household_id": hid,
            "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
            "relation": rng.choice(["spouse", "child", "parent"]),
            "sex": rng.choice(["male", "female"]),
            "birth_date": "2008-05-01",
            "health": "healthy",
        }

    def push(self, body: bytes) -> None:
        t0 = time.perf_counter()
        try:
            r = self.client.post("/api/v1/sync/push", content=body, headers=self.headers)
        except httpx.HTTPError as exc:
            self.errors.append(f"push: {type(exc).__name__}: {exc}")
            return
        self.push_s.append(time.perf_counter() - t0)
        if r.status_code != 200:
            self.errors.append(f"push: {r.status_code} {r.text[:200]}")
            return
        for res in orjson.loads(r.content)["results"]:
            self.verdicts[res["status"]] += 1
            if res["status"] == "rejected":
                self.errors.append(f"rejected: {res['error']}")


# ── a run ───────────────────────────────────────────────────────────────────────────────


def seed_families(base: str, rng: random.Random) -> None:
    """The families on file before the run, pushed by the admin (not timed)."""
    with httpx.Client(base_url=base, timeout=300) as c:
        tok = c.post(
            "/api/v1/auth/token",
            json={"username": "load_admin", "password": PASSWORD, "device_id": "seed"},
        ).json()["access_token"]
        now = datetime.now(UTC).isoformat()
        filler = Phone("load_admin", VILLAGES[0], base, rng)
        ops = []
        for v in VILLAGES:
            filler.village = v
            for _ in range(ON_FILE):
                ops.append(
                    filler._op("household", str(uuid.uuid4()), None, filler._household(), now)
                )
        filler.client.close()
        for i in range(0, len(ops), 500):
            body = {"device_id": "seed", "batch_id": str(uuid.uuid4()), "device_time": now}
            r = c.post(
                "/api/v1/sync/push",
                json={**body, "ops": ops[i : i + 500]},
                headers={"Authorization": f"Bearer {tok}"},
            )
            r.raise_for_status()


@dataclass
class RunResult:
    phones: int
    push_s: list[float]
    pull_s: list[float]
    errors: list[str]
    verdicts: Counter[str]
    pulled: int
    wall_s: float
    rss_before: float
    rss_peak: float
    rss_after: float


def run(
    base: str,
    pid: int,
    cadres: list[tuple[str, str]],
    n_ops: int,
    batch: int,
    seed: int,
) -> RunResult:
    rng = random.Random(seed)
    phones = [Phone(u, v, base, random.Random(rng.getrandbits(64))) for u, v in cadres]
    for p in phones:  # not timed: a phone has its village before it goes out
        p.login()
        p.pull(timed=False)
    work = [p.bodies(n_ops, batch) for p in phones]
    for p in phones:
        p.reconnect()
    start = threading.Barrier(len(phones) + 1)

    def go(p: Phone, bodies: list[bytes]) -> None:
        start.wait()
        for body in bodies:
            p.push(body)
        p.pull(timed=True)

    threads = [threading.Thread(target=go, args=(p, b)) for p, b in zip(phones, work, strict=True)]
    for t in threads:
        t.start()
    rss_before = rss_mib(pid)
    sampler = MemorySampler(pid)
    sampler.start()
    t0 = time.perf_counter()
    start.wait()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    sampler.done.set()
    sampler.join()
    for p in phones:
        p.client.close()
    return RunResult(
        phones=len(phones),
        push_s=[x for p in phones for x in p.push_s],
        pull_s=[x for p in phones for x in p.pull_s],
        errors=[e for p in phones for e in p.errors],
        verdicts=sum((p.verdicts for p in phones), Counter()),
        pulled=sum(p.pulled for p in phones),
        wall_s=wall,
        rss_before=rss_before,
        rss_peak=max(sampler.peak, rss_before),
        rss_after=rss_mib(pid),
    )


def pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    if len(xs) == 1:
        return xs[0]
    return statistics.quantiles(xs, n=100, method="inclusive")[int(q) - 1]


def report(name: str, r: RunResult, n_ops: int, batch: int) -> None:
    ms = 1000
    ops = sum(r.verdicts.values())
    print(f"{name}: {r.phones} phone(s) × {n_ops} ops in batches of {batch}, then a pull")
    print(
        f"  push  n={len(r.push_s):4d}  p50 {pct(r.push_s, 50) * ms:7.0f} ms  "
        f"p95 {pct(r.push_s, 95) * ms:7.0f} ms  max {max(r.push_s, default=0) * ms:7.0f} ms"
    )
    print(
        f"  pull  n={len(r.pull_s):4d}  p50 {pct(r.pull_s, 50) * ms:7.0f} ms  "
        f"p95 {pct(r.pull_s, 95) * ms:7.0f} ms  max {max(r.pull_s, default=0) * ms:7.0f} ms  "
        f"({r.pulled:,} records pulled)"
    )
    verdicts = ", ".join(f"{k} {v:,}" for k, v in sorted(r.verdicts.items()))
    print(f"  ops {ops:,} in {r.wall_s:.1f} s ({ops / r.wall_s:,.0f} ops/s): {verdicts}")
    print(f"  errors: {len(r.errors)}" + (f"  first: {r.errors[0]}" if r.errors else ""))
    print(
        f"  server RSS: {r.rss_before:.0f} MiB before, {r.rss_peak:.0f} MiB peak, "
        f"{r.rss_after:.0f} MiB after"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--phones", type=int, default=50)
    ap.add_argument("--ops", type=int, default=200)
    ap.add_argument("--batch", type=int, default=50)
    ap.add_argument("--database-url", default="", help="PostgreSQL server url (default SQLite)")
    ap.add_argument("--port", type=int, default=8766)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--demo", action="store_true", help="on a copy of the demo county")
    ap.add_argument("--cache", default=str(ROOT / "bench" / "results" / "cache"))
    args = ap.parse_args()
    os.environ["MINQING_ENVIRONMENT"] = "development"
    tmp = tempfile.mkdtemp(prefix="mq-load-")
    if args.demo:
        # A copy of the demo county (bench/peer_bench.py builds and caches it).
        import peer_bench

        cache = Path(args.cache)
        cache.mkdir(parents=True, exist_ok=True)
        if args.database_url:
            name = peer_bench.cached_postgres(args.database_url)
            url, copy = peer_bench.copy_postgres(args.database_url, name)
            server_url = args.database_url
        else:
            url = peer_bench.copy_sqlite(peer_bench.cached_sqlite(cache), Path(tmp))
            server_url = None
        cadres = demo_township(url, args.phones + 1)
    else:
        url, server_url = fresh_database(args.database_url or f"sqlite:///{tmp}/load.sqlite")
        cadres = build_township(url, args.phones + 1)
    proc = start_server(url, args.port)
    base = f"http://127.0.0.1:{args.port}"
    try:
        if not args.demo:
            seed_families(base, random.Random(args.seed))
        print(f"database: {url.split('://')[0]}; demo county: {args.demo}")
        # The baseline: one phone alone (its own cadre), then the township at once.
        alone = run(base, proc.pid, cadres[-1:], args.ops, args.batch, args.seed + 1)
        crowd = run(base, proc.pid, cadres[: args.phones], args.ops, args.batch, args.seed)
    finally:
        proc.terminate()
        proc.wait()
        if server_url:
            drop_database(url, server_url)
        shutil.rmtree(tmp, ignore_errors=True)
    report("baseline", alone, args.ops, args.batch)
    report("township", crowd, args.ops, args.batch)
    print(
        f"township / baseline: push p50 ×{pct(crowd.push_s, 50) / pct(alone.push_s, 50):.1f}, "
        f"p95 ×{pct(crowd.push_s, 95) / pct(alone.push_s, 95):.1f}; "
        f"pull p50 ×{pct(crowd.pull_s, 50) / pct(alone.pull_s, 50):.1f}"
    )
    return 1 if crowd.errors or alone.errors else 0


if __name__ == "__main__":
    sys.exit(main())
