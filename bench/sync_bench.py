"""Sync benchmark: push throughput against raw SQLite upserts, and a cadre's first pull.

Run: .venv/bin/python bench/sync_bench.py [--batches 10] [--database-url URL]
Starts a real uvicorn on a fresh database (a temporary SQLite file by default), builds three
villages, pushes batches of 500 ops (half households, half visits), then pulls everything
as a cadre of the three villages. The baseline is Python's sqlite3 executemany upsert of the
same documents (WAL, synchronous=FULL, one transaction per 500), measured in the same run.
"""

import argparse
import json
import os
import random
import sqlite3
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
VILLAGES = ["520623100001", "520623100002", "520623100003"]
SURNAMES = "杨龙吴张王李刘田姚石罗潘彭"
GIVEN = "光明秀英再华小军国强春花德福永贵金兰"


def setup_database(url: str) -> None:
    os.environ["MINQING_DATABASE_URL"] = url
    from backend import migrate
    from backend.auth.users import create_user
    from backend.database import open_session
    from backend.geo.models import County, Township, Village, VillagerGroup

    migrate.upgrade(url)
    with open_session(write=True) as s:
        s.add(County(code="520623", name="玉屏侗族自治县"))
        s.add(Township(code="520623100", county_code="520623", name="平溪街道"))
        s.flush()
        for i, v in enumerate(VILLAGES):
            s.add(Village(code=v, township_code="520623100", name=f"村{i}", is_poor=True))
            s.flush()
            for g in range(1, 9):
                s.add(VillagerGroup(code=f"{v}{g:03d}", village_code=v, name=f"{g}组"))
        s.flush()
        create_user(
            s,
            {
                "username": "bench",
                "password": "bench-pass-1",
                "role": "cadre",
                "villages": VILLAGES,
            },
        )
        s.commit()


def id_number(rng: random.Random) -> str:
    """A resident ID number with its GB 11643 check character (the server checks it)."""
    from backend.records.idnumber import check_character

    body = f"520623{rng.randint(1940, 2000)}0101{rng.randint(100, 999)}"
    return body + check_character(body)


def documents(rng: random.Random, n_households: int) -> list[dict]:
    """Ops of one batch: households, each with one visit (the visit after its household)."""
    now = datetime.now(UTC).isoformat()
    ops = []
    for _ in range(n_households):
        hid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        v = rng.choice(VILLAGES)
        ops.append(
            {
                "op_id": str(uuid.uuid4()),
                "type": "household",
                "id": hid,
                "base_version": None,
                "recorded_at": now,
                "set": {
                    "village_code": v,
                    "group_code": f"{v}{rng.randint(1, 8):03d}",
                    "head_name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    "address": f"第{rng.randint(1, 8)}组{rng.randint(1, 99)}号",
                    "id_number": id_number(rng),
                    "poverty_status": rng.choice(["not_out", "out", "monitored"]),
                    "causes": rng.sample(["illness", "no_funds", "no_skills", "disability"], 2),
                    "income_per_head": rng.randint(2000, 9000),
                    "remark": "因病致贫，需跟进医保报销" * rng.randint(0, 3),
                },
            }
        )
        ops.append(
            {
                "op_id": str(uuid.uuid4()),
                "type": "visit",
                "id": str(uuid.uuid4()),
                "base_version": None,
                "recorded_at": now,
                "set": {
                    "household_id": hid,
                    "kind": "revisit",
                    "occurred_at": now,
                    "gps": {
                        "lat": 27.2 + rng.random() / 100,
                        "lon": 108.9 + rng.random() / 100,
                        "accuracy_m": 12,
                    },
                    "notes": "了解家庭收入与就医情况，宣讲医保政策",
                    "needs": ["medical"],
                },
            }
        )
    return ops


def members(rng: random.Random, household_ids: list[str], per: int) -> list[dict]:
    now = datetime.now(UTC).isoformat()
    return [
        {
            "op_id": str(uuid.uuid4()),
            "type": "member",
            "id": str(uuid.uuid4()),
            "base_version": None,
            "recorded_at": now,
            "set": {
                "household_id": h,
                "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                "relation": "child",
                "sex": rng.choice(["male", "female"]),
                "birth_date": "2008-05-01",
                "health": "healthy",
            },
        }
        for h in household_ids
        for _ in range(per)
    ]


def baseline_sqlite(batches: list[list[dict]]) -> float:
    """Rows/s of the raw sqlite3 upsert of the same documents (the limit to compare with)."""
    with tempfile.TemporaryDirectory() as d:
        conn = sqlite3.connect(Path(d) / "raw.sqlite", isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("CREATE TABLE doc (id TEXT PRIMARY KEY, type TEXT, version INT, data TEXT)")
        sql = (
            "INSERT INTO doc (id, type, version, data) VALUES (?, ?, 1, ?) "
            "ON CONFLICT(id) DO UPDATE SET data = excluded.data, version = doc.version + 1"
        )
        n = 0
        started = time.perf_counter()
        for ops in batches:
            conn.execute("BEGIN")
            conn.executemany(
                sql, [(o["id"], o["type"], json.dumps(o["set"], ensure_ascii=False)) for o in ops]
            )
            conn.execute("COMMIT")
            n += len(ops)
        took = time.perf_counter() - started
        conn.close()
    return n / took


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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--batches", type=int, default=6)
    ap.add_argument("--database-url", default="")
    ap.add_argument("--port", type=int, default=8765)
    args = ap.parse_args()
    os.environ["MINQING_ENVIRONMENT"] = "development"
    tmp = tempfile.mkdtemp()
    url = args.database_url or f"sqlite:///{tmp}/bench.sqlite"
    setup_database(url)
    rng = random.Random(7)
    batches = [documents(rng, 250) for _ in range(args.batches)]

    raw_rate = baseline_sqlite(batches)
    proc = start_server(url, args.port)
    base = f"http://127.0.0.1:{args.port}"
    try:
        with httpx.Client(base_url=base, timeout=120) as c:
            tok = c.post(
                "/api/v1/auth/token",
                json={"username": "bench", "password": "bench-pass-1", "device_id": "bench-1"},
            ).json()
            h = {"Authorization": f"Bearer {tok['access_token']}"}

            def push(ops: list[dict]) -> float:
                body = {
                    "device_id": "bench-1",
                    "batch_id": str(uuid.uuid4()),
                    "device_time": datetime.now(UTC).isoformat(),
                    "ops": ops,
                }
                t0 = time.perf_counter()
                r = c.post("/api/v1/sync/push", json=body, headers=h)
                took = time.perf_counter() - t0
                assert r.status_code == 200, r.text
                assert all(x["status"] == "applied" for x in r.json()["results"]), r.text[:500]
                return took

            times = [push(ops) for ops in batches]
            rate = sum(len(b) for b in batches) / sum(times)
            # Fill the three villages to ~1,500 households with members and visits for the pull.
            total_h = sum(len(b) for b in batches) // 2
            fill: list[dict] = []
            while total_h < 1500:
                fill += documents(rng, 250)
                total_h += 250
            for i in range(0, len(fill), 500):
                push(fill[i : i + 500])
            hids = [o["id"] for b in batches for o in b if o["type"] == "household"] + [
                o["id"] for o in fill if o["type"] == "household"
            ]
            mem = members(rng, hids, 3)
            for i in range(0, len(mem), 500):
                push(mem[i : i + 500])

            # First pull of the three villages, through gzip, as a phone would.
            t0 = time.perf_counter()
            wire = 0
            n_records = 0
            cursor = None
            pages = 0
            while True:
                params = {"limit": 1000} | ({"cursor": cursor} if cursor else {})
                req = c.build_request(
                    "GET",
                    "/api/v1/sync/pull",
                    params=params,
                    headers={**h, "Accept-Encoding": "gzip"},
                )
                resp = c.send(req, stream=True)
                raw = b"".join(resp.iter_raw())
                resp.close()
                wire += len(raw)
                import gzip

                body = json.loads(gzip.decompress(raw))
                n_records += len(body["records"])
                cursor = body["cursor"]
                pages += 1
                if not body["more"]:
                    break
            pull_s = time.perf_counter() - t0
    finally:
        proc.terminate()
        proc.wait()

    print(f"database: {url.split(':')[0]}")
    print(
        f"push: {rate:,.0f} ops/s through HTTP (batches of 500: median {statistics.median(times) * 1000:.0f} ms)"
    )
    print(f"baseline raw sqlite3 upsert of the same documents: {raw_rate:,.0f} rows/s")
    print(f"push / baseline = {rate / raw_rate:.1%}")
    print(
        f"first pull of 3 villages: {n_records:,} records ({total_h:,} households + members + visits) "
        f"in {pages} pages, {pull_s:.2f} s, {wire / 1024:,.0f} KiB on the wire (gzip)"
    )


if __name__ == "__main__":
    main()
