"""Fault-injection driver: a real uvicorn, many simulated phones, and a link that fails.

Per seed, on one long-lived server (restarted only when a seed kills it), four phones of three
cadres in two fresh villages work offline (creates and edits of households, members and
visits, from stale bases so merges and conflicts happen) and sync in rounds, concurrently or
one after another in shuffled order, while at random, per the seed:

- the connection is cut after the request is sent, before the answer is read;
- the answer is lost (the server committed, the phone never hears of it);
- a batch is sent twice in a row, an old batch is replayed, a batch goes on two connections
  at once;
- the server is SIGKILLed in the middle of a batch (restarted with the test failpoint that
  makes it sleep after writing and before committing) and restarted on the same port;
- a phone's clock is days off, or jumps; a phone's access token is gone (it must refresh,
  sometimes losing the refresh answer too) while ops wait;
- a phone is lost for good with ops unsent or unanswered.

Then a final clean sync (every phone pushes all it has; an empty push waits for the server's
turn to come round, past any push a lost phone left behind; then every phone pulls), and
the checks of ``tests/faults/checks.py``. From a test:
``Driver(url, SHORT).run_seed(seed)``. For long runs:

    .venv/bin/python -m tests.faults.driver --seeds 1000 [--database-url postgresql+psycopg://…]

(a fresh SQLite file by default; with a PostgreSQL url, a fresh database on that server).
"""

import argparse
import random
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from tests.conftest import LiveServer, free_port, wait_for_failpoint
from tests.faults.checks import check_seed
from tests.faults.phone import NoAnswer, NotSent, OpLog, Phone, Stats
from tests.faults.world import SeedWorld, World, drop_database, fresh_database

DAY = 86_400


@dataclass(frozen=True)
class Config:
    rounds: int = 6
    max_edits: int = 4  # per phone per round, offline
    max_batches: int = 3  # per sync run
    sync_p: float = 0.7  # a phone comes into signal in a round
    pull_p: float = 0.5  # …and pulls after pushing
    concurrent_p: float = 0.7  # the round's phones sync at once (else one by one, shuffled)
    kill_p: float = 0.04  # per round: SIGKILL in the middle of a batch
    token_drop_p: float = 0.1  # per phone per round: the access token is gone
    lost_refresh_p: float = 0.3  # …and the refresh answer is lost once
    clock_off_p: float = 0.3  # per phone: its clock is days off
    clock_jump_p: float = 0.04  # per phone per round: its clock is set right, or wrong
    lose_phone_p: float = 0.1  # per seed: one phone is lost for good
    # weights of PUSH_MODES: normal, cut, lost, double, replay, old_replay
    modes: tuple[float, ...] = (0.45, 0.15, 0.12, 0.1, 0.08, 0.1)
    failpoint_s: float = 30.0


# What CI runs per seed: fewer rounds, the same faults.
SHORT = Config(rounds=4, max_edits=3, max_batches=2, kill_p=0.04)


@dataclass
class SeedReport:
    seed: int
    stats: Stats
    figures: dict[str, int]
    kills: int
    failures: list[str]
    seconds: float


@dataclass
class Figures:
    seeds: int = 0
    failed_seeds: list[int] = field(default_factory=list)
    kills: int = 0
    stats: Stats = field(default_factory=Stats)
    ops: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, r: SeedReport) -> None:
        self.seeds += 1
        self.kills += r.kills
        self.stats.add(r.stats)
        for k, v in r.figures.items():
            self.ops[k] = self.ops.get(k, 0) + v
        self.seconds += r.seconds
        if r.failures:
            self.failed_seeds.append(r.seed)

    def lines(self) -> list[str]:
        s, o = self.stats, self.ops
        return [
            f"seeds: {self.seeds}  failed: {len(self.failed_seeds)} {self.failed_seeds[:20]}",
            f"ops made: {s.ops:,}  sent: {o.get('answered', 0) + o.get('unanswered', 0):,}  "
            f"answered: {o.get('answered', 0):,}  unanswered (phone lost): {o.get('unanswered', 0):,}  "
            f"never sent: {o.get('never_sent', 0):,}",
            f"in doubt (sent without an answer, at least once): {o.get('in_doubt', 0):,}  "
            f"of which the server had committed: {o.get('committed_unknown', 0):,}",
            f"verdicts: applied {s.applied:,}  merged {s.merged:,}  conflict {s.conflict:,}  "
            f"rejected {s.rejected:,}  duplicate {s.duplicates:,}",
            f"batches: {s.batches:,}  no answer: {s.no_answer:,}  refused connection: {s.not_sent:,}  "
            f"pulls: {s.pulls:,}",
            f"faults: kills {self.kills}  cuts {s.cuts:,}  lost answers {s.lost_answers:,}  "
            f"double sends {s.double_sends:,}  replays {s.replays:,}  token drops {s.token_drops:,}  "
            f"lost refresh answers {s.lost_refreshes:,}  re-logins {s.relogins:,}",
            f"time: {self.seconds:,.0f} s ({self.seconds / max(self.seeds, 1):.2f} s a seed)",
        ]


class Driver:
    """One server on a fixed port and the driver's own connection to the store."""

    def __init__(self, database_url: str, config: Config = Config(), port: int | None = None):
        self.config = config
        self.world = World(database_url)
        self.server = LiveServer(database_url=database_url, port=port or free_port())
        self.server.start()
        self._tmp = Path(tempfile.mkdtemp(prefix="mq-failpoint-"))

    def close(self) -> None:
        self.server.stop()
        self.world.close()
        shutil.rmtree(self._tmp, ignore_errors=True)

    def phone(
        self,
        w: SeedWorld,
        username: str,
        dev: str,
        rng: random.Random,
        ledger: dict[str, OpLog],
        lock: threading.Lock,
        skew_s: float = 0,
    ) -> Phone:
        """A phone of ``username`` in this seed's villages, talking to this server."""
        return Phone(
            username=username,
            device_id=f"{username}-{dev}",
            villages=w.cadres[username],
            groups=w.groups,
            base_url=self.server.url,
            rng=rng,
            ledger=ledger,
            ledger_lock=lock,
            skew_s=skew_s,
        )

    def _ensure_up(self, failures: list[str]) -> None:
        if self.server.proc is None or self.server.proc.poll() is not None:
            failures.append("the server was down without being killed")
            self.server.start()

    def run_seed(self, seed: int) -> SeedReport:
        started = time.monotonic()
        cfg = self.config
        rng = random.Random(seed)
        w = self.world.make_seed()
        ledger: dict[str, OpLog] = {}
        lock = threading.Lock()
        failures: list[str] = []
        a, ab, b = w.cadres
        phones: list[Phone] = []
        for username, dev in [(a, "d1"), (a, "d2"), (ab, "d1"), (b, "d1")]:
            days_off = rng.random() < cfg.clock_off_p
            phone_rng = random.Random(rng.getrandbits(64))
            phones.append(
                self.phone(w, username, dev, phone_rng, ledger, lock, _skew(rng, days_off))
            )
        kills = 0
        try:
            self._ensure_up(failures)
            for p in phones:
                p.login()
            # The villages already hold a few families that everyone has.
            phones[2].work_on_start(2)
            phones[2].drain()
            for p in phones:
                p.pull()
            lost_one = False
            for _ in range(cfg.rounds):
                live = [p for p in phones if not p.lost_forever]
                for p in live:
                    p.work(rng.randint(0, cfg.max_edits))
                    if rng.random() < cfg.token_drop_p:
                        p.access = None
                        p.stats.token_drops += 1
                        p.lose_next_refresh = rng.random() < cfg.lost_refresh_p
                    if rng.random() < cfg.clock_jump_p:
                        p.skew = timedelta(seconds=_skew(rng, rng.random() < 0.5))
                syncing = [p for p in live if rng.random() < cfg.sync_p]
                rng.shuffle(syncing)
                plans = {
                    p.device_id: (rng.randint(1, cfg.max_batches), rng.random() < cfg.pull_p)
                    for p in syncing
                }
                idle = [p for p in live if p not in syncing and p.outbox]
                victim = rng.choice(idle) if idle and rng.random() < cfg.kill_p else None

                run = _sync_run(plans, list(cfg.modes))
                if rng.random() < cfg.concurrent_p:
                    threads = [_thread(run, p, failures) for p in syncing]
                    if victim is not None:
                        kills += self._kill_during(victim, failures)
                    for t in threads:
                        t.join()
                else:
                    for p in syncing:
                        _guarded(run, p, failures)
                    if victim is not None:
                        kills += self._kill_during(victim, failures)
                if not lost_one and rng.random() < cfg.lose_phone_p / cfg.rounds:
                    lost_one = True
                    rng.choice(live).lost_forever = True
            # The final clean sync: everyone pushes everything, then everyone pulls.
            self._ensure_up(failures)
            live = [p for p in phones if not p.lost_forever]
            for p in live:
                p.lose_next_refresh = False
                p.drain()
            # A phone lost for good may have left a cut push that the server is still
            # applying: the final pulls must come after it commits, or the store holds
            # records that no pull had the chance to see (not a record lost: the next pull
            # brings them). A live phone with nothing to drain would pull at once.
            if live:
                live[0].barrier()
            for p in live:
                try:
                    p.pull()
                except Exception as exc:  # noqa: BLE001 — a failure of the run, reported
                    p.fail(f"final pull failed: {exc}")
            for p in phones:
                failures += p.failures
            found, figures = check_seed(self.world.engine, w, phones, ledger)
            failures += found
        except Exception:  # noqa: BLE001 — the seed fails with its traceback, the run goes on
            failures.append(traceback.format_exc())
            figures = {}
        finally:
            for p in phones:
                p.close()
        stats = Stats()
        for p in phones:
            stats.add(p.stats)
        return SeedReport(seed, stats, figures, kills, failures, time.monotonic() - started)

    def _kill_during(self, victim: Phone, failures: list[str]) -> bool:
        """Restart the server with the failpoint, send the victim's batch, SIGKILL the server
        once a batch is written but not committed (its signal), restart it without the
        failpoint. Answers whether the kill landed in that window (a push that fails before
        it, a lost refresh say, reaches no failpoint)."""
        ready = self._tmp / "failpoint-ready"
        ready.unlink(missing_ok=True)
        self.server.kill()
        self.server.start(
            MINQING_FAILPOINT_PUSH_SLEEP_S=str(self.config.failpoint_s),
            MINQING_FAILPOINT_READY_FILE=str(ready),
        )
        answered: list[bool] = []

        def push(p: Phone) -> None:
            try:
                answered.append(p.push_one("normal", p.rng.randint(1, 12)))
            except (NoAnswer, NotSent):
                pass

        t = _thread(push, victim, failures)
        reached = wait_for_failpoint(ready, t)
        self.server.kill()
        self.server.start()
        t.join()
        if answered and answered[0]:
            failures.append(f"{victim.device_id}: a batch was answered by the failpoint server")
        return reached


def _sync_run(plans: dict[str, tuple[int, bool]], modes: list[float]) -> Callable[[Phone], None]:
    def run(p: Phone) -> None:
        p.sync(*plans[p.device_id], modes)

    return run


def _skew(rng: random.Random, days_off: bool) -> float:
    if days_off:
        return rng.choice([-1, 1]) * rng.uniform(1, 6) * DAY
    return rng.uniform(-30, 30)


def _guarded(fn: Callable[[Phone], None], p: Phone, failures: list[str]) -> None:
    try:
        fn(p)
    except Exception:  # noqa: BLE001 — a driver bug is a failure of the seed, with its trace
        failures.append(f"{p.device_id}: {traceback.format_exc()}")


def _thread(fn: Callable[[Phone], None], p: Phone, failures: list[str]) -> threading.Thread:
    t = threading.Thread(target=_guarded, args=(fn, p, failures))
    t.start()
    return t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=100)
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--database-url", default="", help="PostgreSQL server url (default: SQLite)")
    ap.add_argument("--short", action="store_true", help="the CI configuration")
    ap.add_argument("--rounds", type=int, default=0)
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args(argv)
    # A TERM (a CI timeout, a kill) ends the run through the finally below: the server stops
    # and a PostgreSQL database made for the run is dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    config = SHORT if args.short else Config()
    if args.rounds:
        config = Config(**{**config.__dict__, "rounds": args.rounds})
    tmp = tempfile.mkdtemp(prefix="mq-faults-")
    url, server_url = fresh_database(args.database_url or f"sqlite:///{tmp}/faults.sqlite")
    out = sys.stdout
    out.write(f"database: {url.split('://')[0]}  config: {config}\n")
    figures = Figures()
    driver = Driver(url, config, port=args.port or None)
    try:
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            report = driver.run_seed(seed)
            figures.add(report)
            for f in report.failures[:10]:
                out.write(f"seed {seed}: {f}\n")
            if figures.seeds % 50 == 0:
                out.write(f"… {figures.seeds} seeds, {len(figures.failed_seeds)} failed\n")
            out.flush()
    finally:
        driver.close()
        if server_url:
            drop_database(url, server_url)
    out.write("\n".join(figures.lines()) + "\n")
    return 1 if figures.failed_seeds else 0


if __name__ == "__main__":
    sys.exit(main())
