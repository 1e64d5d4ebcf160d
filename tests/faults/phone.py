"""A simulated phone for the fault driver: an outbox that behaves like the PWA's (pwa/src/sync.js,
pwa/src/store.js) on a link that fails in every way a township's 2G link does.

Ops of one record form a line: only the first waiting op of each record goes in a batch, and
its verdict's version becomes the base of the next (``chained``) one. A verdict of applied,
merged, conflict or duplicate settles the op; a rejection drops the op and the rest of its
line (the PWA keeps them for the cadre to retry or discard; here the cadre discards). An op
sent without an answer stays waiting and goes again, as the same op.

Every op is written to a ledger shared with the checks: how often it was sent, the answers
the phone read, and the answers the server gave that the phone never saw (a "lost" answer is
read by the driver and withheld from the phone).
"""

import random
import threading
import uuid
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.faults.world import PASSWORD

DONE = frozenset({"applied", "merged", "conflict", "duplicate"})
Key = tuple[str, str]

# Small value domains, so that phones often agree and often clash.
HOUSEHOLD_EDITS: dict[str, list[Any]] = {
    "income_per_head": [2800, 3200, 4200, 5600, 7000],
    "poverty_status": ["not_out", "out", "monitored"],
    "causes": [["illness"], ["no_skills"], ["illness", "no_funds"], []],
    "phone": ["13800000001", "13900000002", None],
    "remark": ["需跟进医保报销", "外出务工", "已落实帮扶措施", None],
    "relocated": [True, False],
    "address": ["1组3号", "2组7号", None],
}
MEMBER_EDITS: dict[str, list[Any]] = {
    "health": ["healthy", "chronic", "serious", "disabled"],
    "labour": ["full", "partial", "none"],
    "schooling": ["primary", "junior", "senior", "in_school"],
    "name": ["杨小军", "龙秀英", "吴国强"],
}
VISIT_EDITS: dict[str, list[Any]] = {
    "notes": ["宣讲医保政策", "了解务工情况", "核实收入"],
    "needs": [["medical"], ["jobs", "schooling"], []],
    "follow_up_on": ["2026-12-01", "2027-01-15", None],
}
NAMES = ["杨光明", "龙再华", "吴春花", "张德福", "田永贵", "姚金兰"]

# How a push goes on the wire.
PUSH_MODES = ["normal", "cut", "lost", "double", "replay", "old_replay"]


class NoAnswer(Exception):
    """The request may have reached the server; no answer came back."""


class NotSent(Exception):
    """The connection was refused: the request never reached a server."""


class Unexpected(Exception):
    """An answer the contract does not allow here (a 5xx, or a 4xx for a well-formed request)."""


@dataclass
class OpLog:
    """One op's life, for the checks."""

    op: dict[str, Any]
    device: str
    sent: int = 0
    in_doubt: int = 0  # sendings that got no answer
    answers: list[dict[str, Any]] = field(default_factory=list)  # verdicts the phone read
    lost: list[dict[str, Any]] = field(default_factory=list)  # verdicts the phone never saw
    discarded: bool = False  # dropped unsent after its line was rejected


@dataclass
class Stats:
    ops: int = 0
    batches: int = 0
    cuts: int = 0
    lost_answers: int = 0
    double_sends: int = 0
    replays: int = 0
    no_answer: int = 0
    not_sent: int = 0
    pulls: int = 0
    token_drops: int = 0
    refreshes: int = 0
    lost_refreshes: int = 0
    relogins: int = 0
    duplicates: int = 0
    applied: int = 0
    merged: int = 0
    conflict: int = 0
    rejected: int = 0

    def add(self, other: "Stats") -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


class Phone:
    def __init__(
        self,
        *,
        username: str,
        device_id: str,
        villages: list[str],
        groups: dict[str, list[str]],
        base_url: str,
        rng: random.Random,
        ledger: dict[str, OpLog],
        ledger_lock: threading.Lock,
        skew_s: float,
    ) -> None:
        self.username = username
        self.device_id = device_id
        self.villages = villages
        self.groups = groups
        self.base_url = base_url
        self.rng = rng
        self.ledger = ledger
        self.ledger_lock = ledger_lock
        self.skew = timedelta(seconds=skew_s)
        self.client = httpx.Client(base_url=base_url, timeout=60)
        self.stats = Stats()
        self.failures: list[str] = []
        self.access: str | None = None
        self.refresh_token = ""
        self.lose_next_refresh = False
        self.lost_forever = False  # dropped in a river: never syncs again
        self.outbox: list[dict[str, Any]] = []  # {"op": wire op, "chained": bool}
        self.settled: dict[Key, tuple[dict[str, Any] | None, bool]] = {}  # what the server has
        self.local: dict[Key, tuple[dict[str, Any], bool]] = {}  # what the cadre sees
        self.known: dict[Key, int] = {}  # highest version heard of
        self.pulled: dict[Key, dict[str, Any]] = {}  # the last pulled copy of each record
        self.cursor: str | None = None
        self.my_visits: set[str] = set()
        self.bodies: list[dict[str, Any]] = []  # every push body sent, for replays

    def close(self) -> None:
        self.client.close()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.skew

    def fail(self, message: str) -> None:
        self.failures.append(f"{self.device_id}: {message}")

    # ── auth ──────────────────────────────────────────────────────────────────────────

    def login(self) -> None:
        r = self.client.post(
            "/api/v1/auth/token",
            json={"username": self.username, "password": PASSWORD, "device_id": self.device_id},
        )
        if r.status_code != 200:
            raise Unexpected(f"login: {r.status_code} {r.text[:200]}")
        self._take_tokens(r.json())

    def _take_tokens(self, body: dict[str, Any]) -> None:
        self.access = body["access_token"]
        self.refresh_token = body["refresh_token"]

    def refresh(self) -> None:
        """Trade the refresh token; a lost answer is retried with the same token, which the
        server must honour (the grace window), and a refused one means a new login."""
        self.stats.refreshes += 1
        r = self._raw("POST", "/api/v1/auth/refresh", json={"refresh_token": self.refresh_token})
        if self.lose_next_refresh and r.status_code == 200:
            self.lose_next_refresh = False
            self.stats.lost_refreshes += 1
            r = self._raw(
                "POST", "/api/v1/auth/refresh", json={"refresh_token": self.refresh_token}
            )
            if r.status_code != 200:
                self.fail(f"refresh retried after a lost answer was refused: {r.text[:200]}")
        if r.status_code == 200:
            self._take_tokens(r.json())
        elif r.status_code == 401:
            self.stats.relogins += 1
            self.login()
        else:
            raise Unexpected(f"refresh: {r.status_code} {r.text[:200]}")

    def _raw(self, method: str, path: str, client: httpx.Client | None = None, **kw: Any):  # type: ignore[no-untyped-def]
        try:
            return (client or self.client).request(method, path, **kw)
        except httpx.ConnectError as exc:
            raise NotSent(str(exc)) from exc
        except httpx.TransportError as exc:
            raise NoAnswer(f"{type(exc).__name__}: {exc}") from exc

    def call(self, method: str, path: str, client: httpx.Client | None = None, **kw: Any):  # type: ignore[no-untyped-def]
        """A request with the access token; an expired or dropped one is refreshed first."""
        if self.access is None:
            self.refresh()
        r = self._raw(method, path, client, headers=self._auth(), **kw)
        if r.status_code == 401:
            self.refresh()
            r = self._raw(method, path, client, headers=self._auth(), **kw)
        if r.status_code != 200:
            raise Unexpected(f"{method} {path}: {r.status_code} {r.text[:300]}")
        return r

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access}"}

    # ── the cadre's work, offline ─────────────────────────────────────────────────────

    def live(self, type_: str) -> list[Key]:
        return [k for k, (_, deleted) in self.local.items() if k[0] == type_ and not deleted]

    def work(self, n: int) -> None:
        for _ in range(n):
            self._one_edit()

    def work_on_start(self, per_village: int) -> None:
        """Families already on file in each of the phone's villages, one member each."""
        for village in self.villages:
            for _ in range(per_village):
                hid = self._create_household(village)
                self._create_member(("household", hid))

    def _one_edit(self) -> None:
        rng = self.rng
        households = self.live("household")
        r = rng.random()
        if len(households) < 2 or r < 0.1:
            self._create_household()
        elif r < 0.48:
            self._edit(rng.choice(households), HOUSEHOLD_EDITS)
        elif r < 0.60:
            self._create_member(rng.choice(households))
        elif r < 0.74:
            members = self.live("member")
            if members:
                self._edit(rng.choice(members), MEMBER_EDITS)
            else:
                self._create_member(rng.choice(households))
        elif r < 0.77:
            members = self.live("member")
            if members:
                self._queue("member", rng.choice(members)[1], {}, delete=True)
        elif r < 0.88:
            self._create_visit(rng.choice(households))
        elif r < 0.97:
            mine = [k for k in self.live("visit") if k[1] in self.my_visits]
            if mine:
                self._edit(rng.choice(mine), VISIT_EDITS)
        else:
            # A value the schema refuses: the op is rejected, its answer names the limit.
            self._queue("household", rng.choice(households)[1], {"income_per_head": -1})

    def _create_household(self, village: str | None = None) -> str:
        village = village or self.rng.choice(self.villages)
        data = {
            "village_code": village,
            "group_code": self.rng.choice(self.groups[village]),
            "head_name": self.rng.choice(NAMES),
            **{f: self.rng.choice(vs) for f, vs in HOUSEHOLD_EDITS.items()},
        }
        hid = str(uuid.uuid4())
        self._queue("household", hid, data, create=True)
        return hid

    def _create_member(self, household: Key) -> None:
        siblings = [
            k for k in self.live("member") if self.local[k][0].get("household_id") == household[1]
        ]
        if len(siblings) >= 8:
            return
        data = {
            "household_id": household[1],
            "relation": self.rng.choice(["spouse", "child", "parent"]),
            **{f: self.rng.choice(vs) for f, vs in MEMBER_EDITS.items()},
        }
        self._queue("member", str(uuid.uuid4()), data, create=True)

    def _create_visit(self, household: Key) -> None:
        vid = str(uuid.uuid4())
        data = {
            "household_id": household[1],
            "kind": self.rng.choice(["first_visit", "revisit", "talk"]),
            "occurred_at": self.now().isoformat(),
            "gps": {"lat": 27.2 + self.rng.random() / 100, "lon": 108.9, "accuracy_m": 12},
            **{f: self.rng.choice(vs) for f, vs in VISIT_EDITS.items()},
        }
        self.my_visits.add(vid)
        self._queue("visit", vid, data, create=True)

    def _edit(self, key: Key, domain: dict[str, list[Any]]) -> None:
        data = self.local[key][0]
        chosen = self.rng.sample(sorted(domain), self.rng.randint(1, 3))
        values = {f: self.rng.choice(domain[f]) for f in chosen}
        changed = {f: v for f, v in values.items() if data.get(f) != v}
        if changed:
            self._queue(key[0], key[1], changed)

    def _line(self, key: Key) -> list[dict[str, Any]]:
        return [e for e in self.outbox if (e["op"]["type"], e["op"]["id"]) == key]

    def _queue(
        self,
        type_: str,
        rid: str,
        set_: dict[str, Any],
        *,
        create: bool = False,
        delete: bool = False,
    ) -> None:
        key = (type_, rid)
        line = self._line(key)
        chained = bool(line) and not create
        op = {
            "op_id": str(uuid.uuid4()),
            "type": type_,
            "id": rid,
            "base_version": None if (create or chained) else self.known[key],
            "set": set_,
            "unset": [],
            "delete": delete,
            "recorded_at": self.now().isoformat(),
        }
        self.outbox.append({"op": op, "chained": chained})
        with self.ledger_lock:
            self.ledger[op["op_id"]] = OpLog(op=op, device=self.device_id)
        self.stats.ops += 1
        self._refresh_local(key)

    def _refresh_local(self, key: Key) -> None:
        """What the cadre sees: the server's copy as this phone knows it, its ops on top."""
        data, deleted = self.settled.get(key, (None, False))
        view = dict(data) if data is not None else None
        for e in self._line(key):
            view = {**(view or {}), **e["op"]["set"]}
            deleted = deleted or e["op"]["delete"]
        if view is None:
            self.local.pop(key, None)
        else:
            self.local[key] = (view, deleted)

    # ── push ──────────────────────────────────────────────────────────────────────────

    def next_batch(self, limit: int) -> list[dict[str, Any]]:
        seen: set[Key] = set()
        batch: list[dict[str, Any]] = []
        for e in self.outbox:
            key = (e["op"]["type"], e["op"]["id"])
            if key in seen:
                continue
            seen.add(key)  # later ops of this record wait for this one's verdict
            assert not e["chained"], "a chained op at the head of its line"
            batch.append(e["op"])
            if len(batch) >= limit:
                break
        return batch

    def body(self, ops: list[dict[str, Any]]) -> dict[str, Any]:
        body = {
            "device_id": self.device_id,
            "batch_id": str(uuid.uuid4()),
            "device_time": self.now().isoformat(),
            "ops": [dict(op) for op in ops],
        }
        self.bodies.append(body)
        return body

    def _mark_sent(self, body: dict[str, Any]) -> None:
        with self.ledger_lock:
            for op in body["ops"]:
                self.ledger[op["op_id"]].sent += 1

    def _mark_in_doubt(self, body: dict[str, Any]) -> None:
        self.stats.no_answer += 1
        with self.ledger_lock:
            for op in body["ops"]:
                self.ledger[op["op_id"]].in_doubt += 1

    def send(
        self, body: dict[str, Any], client: httpx.Client | None = None
    ) -> list[dict[str, Any]]:
        self._mark_sent(body)
        self.stats.batches += 1
        try:
            r = self.call("POST", "/api/v1/sync/push", client, json=body)
        except NotSent:
            self.stats.not_sent += 1
            raise
        except NoAnswer:
            self._mark_in_doubt(body)
            raise
        results: list[dict[str, Any]] = r.json()["results"]
        if [x["op_id"] for x in results] != [op["op_id"] for op in body["ops"]]:
            self.fail(f"batch {body['batch_id']}: verdicts do not match the ops one for one")
        return results

    def push_one(self, mode: str, limit: int) -> bool:
        """One batch on the wire in the given way; answers whether there was anything to send."""
        if mode == "old_replay":
            if not self.bodies:
                return False
            self.stats.replays += 1
            old = self.rng.choice(self.bodies)
            self.settle(old, self.send(old))
            return True
        ops = self.next_batch(limit)
        if not ops:
            return False
        body = self.body(ops)
        if mode == "normal":
            self.settle(body, self.send(body))
        elif mode == "cut":
            # The request goes out whole; the phone stops listening a moment later.
            self.stats.cuts += 1
            delay = self.rng.choice([0.0002, 0.001, 0.003, 0.01]) * self.rng.uniform(0.5, 1.5)
            timeout = httpx.Timeout(30, read=delay)
            with httpx.Client(base_url=self.base_url, timeout=timeout) as cut:
                self.settle(body, self.send(body, cut))
        elif mode == "lost":
            # The server answered; the answer never reached the phone.
            self.stats.lost_answers += 1
            results = self.send(body)
            self._mark_in_doubt(body)
            with self.ledger_lock:
                for res in results:
                    self.ledger[res["op_id"]].lost.append(res)
        elif mode == "double":
            self.stats.double_sends += 1
            self._double(body)
        elif mode == "replay":
            self.stats.replays += 1
            self.settle(body, self.send(body))
            self.settle(body, self.send(body))
        else:
            raise ValueError(mode)
        return True

    def _double(self, body: dict[str, Any]) -> None:
        """The same batch on two connections at once (a retry while the first still runs)."""
        if self.access is None:
            self.refresh()
        answers: list[list[dict[str, Any]] | BaseException] = [[], []]

        def go(i: int) -> None:
            with httpx.Client(base_url=self.base_url, timeout=60) as c:
                try:
                    answers[i] = self.send(body, c)
                except (NoAnswer, NotSent, Unexpected) as exc:
                    answers[i] = exc

        threads = [threading.Thread(target=go, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        errors = [a for a in answers if isinstance(a, BaseException)]
        for a in answers:
            if not isinstance(a, BaseException):
                self.settle(body, a)
        if errors:
            raise errors[0]

    def settle(self, body: dict[str, Any], results: list[dict[str, Any]]) -> None:
        by_op = {r["op_id"]: r for r in results}
        for op in body["ops"]:
            r = by_op.get(op["op_id"])
            if r is None:
                self.fail(f"no verdict for op {op['op_id']}")
                continue
            with self.ledger_lock:
                self.ledger[op["op_id"]].answers.append(r)
            status = r["status"]
            if status == "duplicate":
                self.stats.duplicates += 1
            else:
                setattr(self.stats, status, getattr(self.stats, status) + 1)
            entry = next((e for e in self.outbox if e["op"]["op_id"] == op["op_id"]), None)
            if entry is None:
                continue  # settled before: a replay, or the other of two connections
            key = (op["type"], op["id"])
            i = self.outbox.index(entry)
            del self.outbox[i]
            if status in DONE and not r.get("error") and r.get("version"):
                self.known[key] = max(self.known.get(key, 0), r["version"])
                data, deleted = self.settled.get(key, (None, False))
                self.settled[key] = ({**(data or {}), **op["set"]}, deleted or op["delete"])
                nxt = next(
                    (e for e in self.outbox[i:] if (e["op"]["type"], e["op"]["id"]) == key), None
                )
                if nxt is not None and nxt["chained"]:
                    nxt["op"]["base_version"] = r["version"]
                    nxt["chained"] = False
            else:
                # Rejected: the cadre discards it, and the line of edits behind it.
                for e in self._line(key):
                    self.outbox.remove(e)
                    with self.ledger_lock:
                        self.ledger[e["op"]["op_id"]].discarded = True
            self._refresh_local(key)

    # ── pull ──────────────────────────────────────────────────────────────────────────

    def pull(self) -> None:
        """Pages of changes since the cursor; each page is taken whole with its cursor."""
        self.stats.pulls += 1
        for _ in range(10_000):
            params: dict[str, Any] = {"limit": self.rng.choice([7, 50, 500])}
            if self.cursor:
                params["cursor"] = self.cursor
            page = self.call("GET", "/api/v1/sync/pull", params=params).json()
            for p in page["records"]:
                key = (p["type"], p["id"])
                before = self.pulled.get(key)
                if before is not None and p["version"] < before["version"]:
                    self.fail(f"pull went back: {key} v{before['version']} then v{p['version']}")
                    continue
                self.pulled[key] = p
                if p["version"] >= self.known.get(key, 0):
                    self.known[key] = p["version"]
                    self.settled[key] = (p["data"], p["deleted"])
                    self._refresh_local(key)
            self.cursor = page["cursor"]
            if not page["more"]:
                return
        self.fail("pull did not end")

    # ── a sync run ────────────────────────────────────────────────────────────────────

    def sync(self, batches: int, pull: bool, modes: list[float]) -> None:
        """Push a few batches (each in a way drawn from ``modes`` weights), then maybe pull.
        A request without an answer ends the run, as in the PWA."""
        try:
            for _ in range(batches):
                mode = self.rng.choices(PUSH_MODES, weights=modes)[0]
                self.push_one(mode, self.rng.randint(1, 12))
            if pull:
                self.pull()
        except (NoAnswer, NotSent):
            pass
        except Unexpected as exc:
            self.fail(str(exc))

    def barrier(self) -> None:
        """An empty push. The server applies pushes in turn, first come first served, so it
        is answered only once every push taken before it has committed or failed: a cut
        one, say, that the server went on applying after its phone stopped listening."""
        try:
            self.send(self.body([]))
        except (NoAnswer, NotSent, Unexpected) as exc:
            self.fail(f"final empty push failed: {exc}")

    def drain(self) -> None:
        """The final clean sync: push until nothing waits (the server is up, no faults)."""
        for _ in range(200):
            ops = self.next_batch(50)
            if not ops:
                return
            body = self.body(ops)
            try:
                self.settle(body, self.send(body))
            except (NoAnswer, NotSent, Unexpected) as exc:
                self.fail(f"final push failed: {exc}")
                return
        self.fail(f"outbox did not drain: {len(self.outbox)} ops wait")
