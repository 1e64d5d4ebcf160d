"""Push and pull on a copy of the demo county store, side by side with a CouchDB peer.

Run: .venv/bin/python bench/peer_bench.py [--postgres URL] [--ops 10000] [--rounds 1]
                                          [--no-sqlite] [--cache DIR]

In one run:
- builds the demo county (``minqing demo``, ~90,000 households) once into a cache — a SQLite
  file, and with ``--postgres`` a template database on that server — keyed by a hash of the
  code that shapes it (migrations, record declarations, the demo), and copies it for every
  round: a county's store is not empty, and an empty one flatters every B-tree;
- installs pouchdb-server from the npm registry into the cache (``npm install
  pouchdb-server``) and runs it on LevelDB (its default; a fresh directory every round);
- starts a real uvicorn on the copy and pushes ``--ops`` household ops as the county admin,
  in batches of 500: half full creates (the demo's own household shape), half edits of
  demo households from the version on file; the peer gets the same documents through
  ``_bulk_docs`` in batches of 500 (creates as new documents, edits as whole documents
  with their ``_rev``, CouchDB's only kind of update). The two are pushed alternately,
  batch by batch, the order swapped every batch, so load on the shared machine falls on both;
- a full pull by ``cadre3`` (three villages, paged 1,000) against the peer's
  ``_changes?include_docs=true`` (paged 1,000) over a peer database holding the same
  three villages' records and nothing else: ours reads them out of the whole county,
  which favours the peer. Seven full pulls each, alternately, after one each to warm up;
  the medians are compared.
Printed: ops/s and docs/s over all batches, the spread of per-batch rates, and the ratios.
"""

import argparse
import gc
import hashlib
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "minqing123"  # the demo accounts' (backend/demo/generate.py)
BATCH = 500
PULLS = 7  # full pulls timed on each side
SURNAMES = "杨龙吴张王李刘田姚石罗潘彭"
GIVEN = "光明秀英再华小军国强春花德福永贵金兰"


# ── the cached demo county ─────────────────────────────────────────────────────────────


def demo_key() -> str:
    """A hash of what decides the demo store's rows and schema."""
    h = hashlib.sha256()
    paths = sorted(
        [
            *ROOT.glob("migrations/versions/*.py"),
            *ROOT.glob("backend/demo/*.py"),
            *ROOT.glob("backend/*/records.py"),
            *ROOT.glob("backend/records/*.py"),
            *ROOT.glob("backend/*/models.py"),
        ]
    )
    for p in paths:
        h.update(str(p.relative_to(ROOT)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def build_demo(url: str) -> float:
    """``minqing demo`` into ``url``; answers the seconds it took."""
    env = {**os.environ, "MINQING_DATABASE_URL": url, "MINQING_ENVIRONMENT": "development"}
    env["PYTHONPATH"] = str(ROOT)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "backend.cli", "demo"], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - t0


def cached_sqlite(cache: Path) -> Path:
    path = cache / f"demo-{demo_key()}.sqlite"
    if not path.exists():
        tmp = path.with_suffix(".building")
        for p in cache.glob(tmp.name + "*"):
            p.unlink()
        took = build_demo(f"sqlite:///{tmp}")
        con = sqlite3.connect(tmp)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
        tmp.rename(path)
        print(f"built the demo county (SQLite) in {took:.1f} s -> {path}")
    return path


def copy_sqlite(src: Path, dest_dir: Path) -> str:
    dest = dest_dir / "county.sqlite"
    shutil.copyfile(src, dest)
    return f"sqlite:///{dest}"


def _admin(server_url: str) -> Any:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    return create_engine(make_url(server_url), isolation_level="AUTOCOMMIT")


def _with_db(server_url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def cached_postgres(server_url: str) -> str:
    """A template database holding the demo county; answers its name."""
    from sqlalchemy import text

    name = f"mq_demo_{demo_key()}"
    admin = _admin(server_url)
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if exists.first() is None:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}_building" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}_building"'))
            took = build_demo(_with_db(server_url, f"{name}_building"))
            conn.execute(text(f'ALTER DATABASE "{name}_building" RENAME TO "{name}"'))
            print(f"built the demo county (PostgreSQL) in {took:.1f} s -> {name}")
    admin.dispose()
    return name


def copy_postgres(server_url: str, template: str) -> tuple[str, str]:
    from sqlalchemy import text

    name = f"mq_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = _admin(server_url)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    return _with_db(server_url, name), name


def drop_postgres(server_url: str, name: str) -> None:
    from sqlalchemy import text

    admin = _admin(server_url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


# ── servers ────────────────────────────────────────────────────────────────────────────


def wait_for(url: str, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: server exited with {proc.returncode}")
        try:
            if httpx.get(url).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url}: server did not start")


def start_minqing(url: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MINQING_DATABASE_URL": url, "MINQING_ENVIRONMENT": "development"}
    env["PYTHONPATH"] = str(ROOT)
    cmd = [sys.executable, "-m", "uvicorn", "backend.main:create_app", "--factory"]
    proc = subprocess.Popen(
        [*cmd, "--port", str(port), "--log-level", "warning"], cwd=ROOT, env=env
    )
    wait_for(f"http://127.0.0.1:{port}/healthz", proc)
    return proc


def install_peer(cache: Path) -> Path:
    """pouchdb-server from the npm registry, installed by this benchmark into the cache."""
    home = cache / "pouchdb-server"
    binary = home / "node_modules" / ".bin" / "pouchdb-server"
    if not binary.exists():
        home.mkdir(parents=True, exist_ok=True)
        (home / "package.json").write_text('{"name": "peer", "private": true}')
        subprocess.run(
            ["npm", "install", "pouchdb-server", "--no-audit", "--no-fund"], cwd=home, check=True
        )
    return binary


def peer_version(binary: Path) -> str:
    pkg = binary.parent.parent / "pouchdb-server" / "package.json"
    return str(orjson.loads(pkg.read_bytes()).get("version", "?"))


def start_peer(binary: Path, port: int, data: Path) -> subprocess.Popen[bytes]:
    data.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [str(binary), "--port", str(port), "--dir", str(data), "--no-stdout-logs"],
        cwd=data,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_for(f"http://127.0.0.1:{port}/", proc)
    return proc


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ── the documents ──────────────────────────────────────────────────────────────────────


def read_store(url: str, n_edits: int, rng: random.Random) -> dict[str, Any]:
    """From the copy: household rows to edit and to copy the shape of, and cadre3's records."""
    from sqlalchemy import create_engine, select

    from backend.records.registry import REGISTRY, load

    load()
    engine = create_engine(url)
    hh = REGISTRY["household"]
    fields = list(hh.fields)
    with engine.connect() as conn:
        ids = [r[0] for r in conn.execute(select(hh.table.c.id))]
        picked = rng.sample(ids, n_edits + 200)
        rows = {}
        for i in range(0, len(picked), 1000):
            chunk = picked[i : i + 1000]
            q = select(hh.table).where(hh.table.c.id.in_(chunk))
            rows.update({r["id"]: dict(r) for r in conn.execute(q).mappings()})
    engine.dispose()
    to_edit = picked[:n_edits]
    shapes = [{f: rows[i][f] for f in fields} for i in picked[n_edits:]]
    return {
        "edit": [(i, rows[i]["version"], {f: rows[i][f] for f in fields}) for i in to_edit],
        "shapes": shapes,
    }


def uuid7() -> str:
    """A UUIDv7 as the phone makes its ids (pwa/src/db.js ``makeUuid``): ms time, then random."""
    ms = time.time_ns() // 1_000_000
    b = bytearray(ms.to_bytes(6, "big") + os.urandom(10))
    b[6] = (b[6] & 0x0F) | 0x70
    b[8] = (b[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(b)))


def jsonable(v: Any) -> Any:
    return orjson.loads(orjson.dumps(v))


def make_ops(store: dict[str, Any], n_ops: int, rng: random.Random) -> list[list[dict[str, Any]]]:
    """Batches of 500: creates and edits interleaved, half each."""
    now = datetime.now(UTC).isoformat()
    ops: list[dict[str, Any]] = []
    edits = iter(store["edit"])
    for i in range(n_ops):
        if i % 2 == 0:
            data = jsonable(rng.choice(store["shapes"]))
            data["head_name"] = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            data["remark"] = "新识别户，待入户核实" if rng.random() < 0.3 else None
            ops.append(
                {
                    "op_id": uuid7(),
                    "type": "household",
                    "id": uuid7(),
                    "base_version": None,
                    "recorded_at": now,
                    "set": data,
                    "_full": data,
                }
            )
        else:
            rid, version, data = next(edits)
            change = {
                "income_per_head": rng.randint(4000, 30000),
                "remark": "入户走访：" + rng.choice(["务工收入增加", "医保报销到位", "产业分红"]),
            }
            ops.append(
                {
                    "op_id": uuid7(),
                    "type": "household",
                    "id": rid,
                    "base_version": version,
                    "recorded_at": now,
                    "set": change,
                    "_full": {**jsonable(data), **change},
                }
            )
    return [ops[i : i + BATCH] for i in range(0, len(ops), BATCH)]


# ── clients ────────────────────────────────────────────────────────────────────────────


@dataclass
class Minqing:
    base: str
    client: httpx.Client = field(init=False)
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.client = httpx.Client(base_url=self.base, timeout=300)

    def login(self, username: str, device: str) -> None:
        r = self.client.post(
            "/api/v1/auth/token",
            json={"username": username, "password": PASSWORD, "device_id": device},
        )
        r.raise_for_status()
        self.device = device
        self.headers = {"Authorization": f"Bearer {r.json()['access_token']}"}

    def push(self, ops: list[dict[str, Any]]) -> float:
        body = orjson.dumps(
            {
                "device_id": self.device,
                "batch_id": uuid7(),
                "device_time": datetime.now(UTC).isoformat(),
                "ops": [{k: v for k, v in o.items() if k != "_full"} for o in ops],
            }
        )
        h = {**self.headers, "Content-Type": "application/json"}
        t0 = time.perf_counter()
        r = self.client.post("/api/v1/sync/push", content=body, headers=h)
        took = time.perf_counter() - t0
        assert r.status_code == 200, r.text[:500]
        bad = [x for x in r.json()["results"] if x["status"] not in ("applied", "merged")]
        assert not bad, bad[:3]
        return took

    def pull_all(self) -> tuple[int, float]:
        n, cursor = 0, None
        t0 = time.perf_counter()
        while True:
            params: dict[str, Any] = {"limit": 1000} | ({"cursor": cursor} if cursor else {})
            r = self.client.get("/api/v1/sync/pull", params=params, headers=self.headers)
            assert r.status_code == 200, r.text[:300]
            body = orjson.loads(r.content)
            n += len(body["records"])
            cursor = body["cursor"]
            if not body["more"]:
                return n, time.perf_counter() - t0


@dataclass
class Peer:
    base: str
    db: str = "county"
    client: httpx.Client = field(init=False)
    revs: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.client = httpx.Client(base_url=self.base, timeout=300)
        self.client.put(f"/{self.db}").raise_for_status()

    def bulk(self, docs: list[dict[str, Any]]) -> float:
        body = orjson.dumps({"docs": docs})
        t0 = time.perf_counter()
        r = self.client.post(
            f"/{self.db}/_bulk_docs", content=body, headers={"Content-Type": "application/json"}
        )
        took = time.perf_counter() - t0
        assert r.status_code == 201, r.text[:300]
        answers = r.json()
        bad = [a for a in answers if "error" in a]
        assert not bad, bad[:3]
        for a in answers:
            self.revs[a["id"]] = a["rev"]
        return took

    def push(self, ops: list[dict[str, Any]]) -> float:
        docs = []
        for o in ops:
            doc = {"_id": o["id"], "type": o["type"], **o["_full"]}
            if o["id"] in self.revs:
                doc["_rev"] = self.revs[o["id"]]
            docs.append(doc)
        return self.bulk(docs)

    def pull_all(self) -> tuple[int, float]:
        n, since = 0, "0"
        t0 = time.perf_counter()
        while True:
            r = self.client.get(
                f"/{self.db}/_changes",
                params={"include_docs": "true", "limit": 1000, "since": since},
            )
            assert r.status_code == 200, r.text[:300]
            body = orjson.loads(r.content)
            n += len(body["results"])
            since = body["last_seq"]
            if not body["results"]:
                return n, time.perf_counter() - t0


def cadre_records(url: str) -> list[dict[str, Any]]:
    """The records cadre3 pulls, as peer documents (the peer's copy of the same villages)."""
    from sqlalchemy import create_engine, select

    from backend.records.registry import REGISTRY, load

    load()
    engine = create_engine(url)
    docs: list[dict[str, Any]] = []
    with engine.connect() as conn:
        villages = _cadre3_villages(conn)
        for rt in REGISTRY.values():
            if "cadre" not in rt.pulled_by:
                continue
            t = rt.table
            for r in conn.execute(select(t).where(t.c.village_code.in_(villages))).mappings():
                docs.append(
                    {"_id": r["id"], "type": rt.name, **jsonable({f: r[f] for f in rt.fields})}
                )
    engine.dispose()
    return docs


def _cadre3_villages(conn: Any) -> list[str]:
    from sqlalchemy import text

    rows = conn.execute(
        text(
            'SELECT s.village_code FROM user_village s JOIN "user" u ON u.id = s.user_id '
            "WHERE u.username = 'cadre3'"
        )
    )
    return [r[0] for r in rows]


# ── a round ────────────────────────────────────────────────────────────────────────────


@dataclass
class Round:
    engine: str
    push_mq: list[float] = field(default_factory=list)  # seconds per batch
    push_peer: list[float] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    cpu_mq: float = 0.0  # the server process's CPU seconds over the push phase
    cpu_peer: float = 0.0
    written_mq: int = 0  # bytes the server process wrote to storage over the push phase
    written_peer: int = 0
    # records, and seconds per full pull
    pull_mq: tuple[int, list[float]] = field(default_factory=lambda: (0, []))
    pull_peer: tuple[int, list[float]] = field(default_factory=lambda: (0, []))


def one_round(
    engine: str, url: str, peer_bin: Path, work: Path, n_ops: int, seed: int, ports: tuple[int, int]
) -> Round:
    rng = random.Random(seed)
    store = read_store(url, n_ops // 2, rng)
    batches = make_ops(store, n_ops, rng)
    peer_docs = cadre_records(url)
    # The documents above are millions of objects in this process: a collection of the
    # oldest generation, set off by a timed request's allocations, walked them all inside
    # the timing. cadre3's full pull on PostgreSQL read 0.16-0.26 s so, 0.15-0.16 s frozen.
    gc.collect()
    gc.freeze()
    mq_proc = start_minqing(url, ports[0])
    peer_proc = start_peer(peer_bin, ports[1], work / "peer-data")
    out = Round(engine)
    try:
        mq = Minqing(f"http://127.0.0.1:{ports[0]}")
        mq.login("admin", "bench-admin")
        peer = Peer(f"http://127.0.0.1:{ports[1]}")
        # The peer holds the documents the edits change, as on file; and, in a database of
        # their own, cadre3's villages, for the pull to read the same records as ours.
        villages = Peer(f"http://127.0.0.1:{ports[1]}", "villages")
        for i in range(0, len(peer_docs), BATCH):
            villages.bulk(peer_docs[i : i + BATCH])
        edited = [
            {"_id": rid, "type": "household", **jsonable(d)}
            for rid, _, d in store["edit"]
            if rid not in peer.revs
        ]
        for i in range(0, len(edited), BATCH):
            peer.bulk(edited[i : i + BATCH])
        cpu0 = cpu_seconds(mq_proc.pid), cpu_seconds(peer_proc.pid)
        io0 = written(mq_proc.pid), written(peer_proc.pid)
        for i, b in enumerate(batches):
            first, second = (mq, peer) if i % 2 == 0 else (peer, mq)
            t1, t2 = first.push(b), second.push(b)
            out.push_mq.append(t1 if first is mq else t2)
            out.push_peer.append(t2 if first is mq else t1)
            out.sizes.append(len(b))
        out.cpu_mq = cpu_seconds(mq_proc.pid) - cpu0[0]
        out.cpu_peer = cpu_seconds(peer_proc.pid) - cpu0[1]
        out.written_mq = written(mq_proc.pid) - io0[0]
        out.written_peer = written(peer_proc.pid) - io0[1]
        reader = Minqing(f"http://127.0.0.1:{ports[0]}")
        reader.login("cadre3", "bench-cadre3")
        # Pulled alternately, once each to warm both caches, then PULLS times each, the
        # order swapped every time; the median is reported. One full pull of either side
        # takes ~0.1-0.6 s, and a single timing was at the mercy of the shared machine.
        sides = [reader, villages]
        times: list[list[float]] = [[], []]
        counts = [0, 0]
        for i in range(PULLS + 1):
            for k in (0, 1) if i % 2 == 0 else (1, 0):
                counts[k], took = sides[k].pull_all()
                if i:
                    times[k].append(took)
        out.pull_mq, out.pull_peer = (counts[0], times[0]), (counts[1], times[1])
    finally:
        stop(mq_proc)
        stop(peer_proc)
        gc.unfreeze()
    return out


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process (and its reaped children) so far: the cost of
    the work, less disturbed than wall time by the other work on a shared machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(f) for f in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def written(pid: int) -> int:
    """Bytes a process has written, as the kernel counts them (page cache included)."""
    for line in Path(f"/proc/{pid}/io").read_text().splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    return 0


def rates(sizes: list[int], times: list[float]) -> tuple[float, float, float, float]:
    per = [n / t for n, t in zip(sizes, times, strict=True)]
    return sum(sizes) / sum(times), min(per), statistics.median(per), max(per)


def report(r: Round, peer_name: str) -> None:
    mq, pr = rates(r.sizes, r.push_mq), rates(r.sizes, r.push_peer)
    print(
        f"\n== {r.engine}: {sum(r.sizes):,} household ops (half creates, half edits), batches of {BATCH}"
    )
    print(
        f"  Minqing push   {mq[0]:8,.0f} ops/s   (per batch min/median/max {mq[1]:,.0f}/{mq[2]:,.0f}/{mq[3]:,.0f})"
    )
    print(
        f"  {peer_name} {pr[0]:8,.0f} docs/s  (per batch min/median/max {pr[1]:,.0f}/{pr[2]:,.0f}/{pr[3]:,.0f})"
    )
    print(f"  push ratio Minqing / peer = {mq[0] / pr[0]:.2f}x")
    n = sum(r.sizes) / 1000
    print(
        f"  server CPU per 1,000 ops: Minqing {r.cpu_mq / n * 1000:.0f} ms, "
        f"peer {r.cpu_peer / n * 1000:.0f} ms (ratio peer / Minqing {r.cpu_peer / r.cpu_mq:.2f}x)"
    )
    print(
        f"  bytes written per op: Minqing {r.written_mq / sum(r.sizes):,.0f}, "
        f"peer {r.written_peer / sum(r.sizes):,.0f}"
        # PostgreSQL writes in its own processes: only SQLite's count is the store's.
        + ("" if r.engine == "SQLite" else " (Minqing's process only: not PostgreSQL's)")
    )
    (n1, ts1), (n2, ts2) = r.pull_mq, r.pull_peer
    t1, t2 = statistics.median(ts1), statistics.median(ts2)
    print(
        f"  Minqing full pull (cadre3)  {n1:,} records in {t1:.3f} s = {n1 / t1:,.0f}/s"
        f"  (median of {len(ts1)}, {min(ts1):.3f}-{max(ts1):.3f} s)"
    )
    print(
        f"  peer _changes include_docs  {n2:,} docs in {t2:.3f} s = {n2 / t2:,.0f}/s"
        f"  (median of {len(ts2)}, {min(ts2):.3f}-{max(ts2):.3f} s)"
    )
    print(f"  pull ratio Minqing / peer = {(n1 / t1) / (n2 / t2):.2f}x")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--postgres", default="", help="a PostgreSQL server url; its demo is cached")
    ap.add_argument("--no-sqlite", action="store_true")
    ap.add_argument("--ops", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--cache", default=str(ROOT / "bench" / "results" / "cache"))
    ap.add_argument("--port", type=int, default=8771)
    args = ap.parse_args()
    os.environ["MINQING_ENVIRONMENT"] = "development"
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    peer_bin = install_peer(cache)
    peer_name = f"pouchdb-server {peer_version(peer_bin)} (LevelDB) _bulk_docs"
    results: list[Round] = []
    ports = (args.port, args.port + 1)
    for n in range(args.rounds):
        if not args.no_sqlite:
            src = cached_sqlite(cache)
            with tempfile.TemporaryDirectory(dir=cache) as d:
                url = copy_sqlite(src, Path(d))
                results.append(one_round("SQLite", url, peer_bin, Path(d), args.ops, n, ports))
                report(results[-1], peer_name)
        if args.postgres:
            template = cached_postgres(args.postgres)
            url, name = copy_postgres(args.postgres, template)
            try:
                with tempfile.TemporaryDirectory(dir=cache) as d:
                    results.append(
                        one_round("PostgreSQL", url, peer_bin, Path(d), args.ops, n, ports)
                    )
                    report(results[-1], peer_name)
            finally:
                drop_postgres(args.postgres, name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
