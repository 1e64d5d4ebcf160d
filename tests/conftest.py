"""Test fixtures on real databases, built by the Alembic migrations.

SQLite by default (a file per test session); PostgreSQL when MINQING_TEST_DATABASE_URL
points at a server — each test session then creates its own database there and drops it
at the end, so parallel sessions never meet. Tests commit for real (the engine's
transactions, locks and sequence are what is under test); every table is emptied after
each test.
"""

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
os.environ["MINQING_ENVIRONMENT"] = "test"
os.environ.setdefault("MINQING_SECRET_KEY", "test-secret-" + "x" * 40)
# Photos' bytes go to a directory of the session's own, never the checkout's data/ (on
# PostgreSQL there is no SQLite file for the default to sit beside).
os.environ.setdefault("MINQING_MEDIA_DIR", tempfile.mkdtemp(prefix="minqing-media-"))

PASSWORD = "minqing-pass-1"

# `pytest --hypothesis-profile=long` for a deeper search than CI's.
hypothesis_settings.register_profile("ci", max_examples=40)
hypothesis_settings.register_profile("long", max_examples=1000)
hypothesis_settings.load_profile("ci")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """With CI=true a skipped browser test fails: a CI machine without Chromium (or a PWA
    that did not build) must not pass quietly with the phone untested."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if (
        report.skipped
        and not hasattr(report, "wasxfail")
        and os.environ.get("CI", "").lower() in ("true", "1")
        and item.get_closest_marker("browser") is not None
    ):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"a browser test was skipped under CI=true: {reason}"


def _pg_create(base_url: str) -> str:
    url = make_url(base_url)
    name = f"mq_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _pg_drop(base_url: str, db_url: str) -> None:
    name = make_url(db_url).database
    admin = create_engine(make_url(base_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def make_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], str]]:
    """Makes empty databases of the kind under test; drops them at the end of the session."""
    base = os.environ.get("MINQING_TEST_DATABASE_URL", "")
    made: list[str] = []

    def make() -> str:
        if base:
            url = _pg_create(base)
        else:
            url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'minqing.sqlite'}"
        made.append(url)
        return url

    yield make
    if base:
        from backend.database import get_engine

        get_engine().dispose()
        for url in made:
            _pg_drop(base, url)


@pytest.fixture(scope="session")
def database_url(make_database: Callable[[], str]) -> str:
    from backend import migrate
    from backend.config import get_settings

    url = make_database()
    os.environ["MINQING_DATABASE_URL"] = url
    get_settings.cache_clear()
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def password_hash() -> str:
    from backend.auth.passwords import hash_password

    return hash_password(PASSWORD)


def _empty_all_tables(url: str) -> None:
    from backend.database import get_engine, metadata
    from backend.models import import_all

    import_all()
    engine = get_engine()
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(
                text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY")
            )
        else:
            for t in tables:
                conn.execute(text(f'DELETE FROM "{t}"'))
        conn.execute(text("INSERT INTO change_counter (id, value) VALUES (1, 0)"))


@pytest.fixture
def db(database_url: str) -> Iterator[str]:
    """A migrated database, emptied after the test."""
    from backend.auth import ratelimit

    ratelimit.reset_all()
    yield database_url
    _empty_all_tables(database_url)


@dataclass
class County:
    """A small hand-built county: two townships, three villages, users of every role."""

    county: str = "520623"
    township_1: str = "520623100"
    township_2: str = "520623200"
    village_a: str = "520623100001"
    village_b: str = "520623100002"
    village_c: str = "520623200001"
    groups: dict[str, list[str]] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)

    def group(self, village: str, n: int = 1) -> str:
        return f"{village}{n:03d}"


@pytest.fixture
def county(db: str, password_hash: str) -> County:
    from backend.auth.users import create_user
    from backend.database import open_session
    from backend.geo.models import County as CountyRow, Township, Village, VillagerGroup

    c = County()
    with open_session(write=True) as s:
        s.add(CountyRow(code=c.county, name="玉屏侗族自治县"))
        s.add(Township(code=c.township_1, county_code=c.county, name="平溪街道"))
        s.add(Township(code=c.township_2, county_code=c.county, name="大龙街道"))
        s.flush()
        for code, town, name in [
            (c.village_a, c.township_1, "茅坡村"),
            (c.village_b, c.township_1, "朱家场村"),
            (c.village_c, c.township_2, "彰寨村"),
        ]:
            s.add(Village(code=code, township_code=town, name=name, is_poor=True))
            s.flush()
            c.groups[code] = [c.group(code, n) for n in (1, 2)]
            for n, g in enumerate(c.groups[code], 1):
                s.add(VillagerGroup(code=g, village_code=code, name=f"{n}组"))
        s.flush()
        for username, role, extra in [
            ("cadre_a", "cadre", {"villages": [c.village_a]}),
            ("cadre_a2", "cadre", {"villages": [c.village_a]}),
            ("cadre_b", "cadre", {"villages": [c.village_b]}),
            ("cadre_c", "cadre", {"villages": [c.village_c]}),
            ("super_t1", "supervisor", {"townships": [c.township_1]}),
            ("super_county", "supervisor", {}),
            ("admin", "admin", {}),
        ]:
            u = create_user(
                s,
                {
                    "username": username,
                    "password": PASSWORD,
                    "role": role,
                    "phone": "13800000000",
                    **extra,
                },
                password_hash=password_hash,
            )
            assert u.id is not None
            c.users[username] = u.id
        s.commit()
    return c


@pytest.fixture
def client(db: str) -> Iterator[httpx.Client]:
    from fastapi.testclient import TestClient

    from backend.main import create_app

    with TestClient(create_app()) as tc:
        yield tc


def login(client: httpx.Client, username: str, device_id: str = "dev-1") -> dict[str, str]:
    """Log in and answer the Authorization header (the refresh token rides along)."""
    r = client.post(
        "/api/v1/auth/token",
        json={"username": username, "password": PASSWORD, "device_id": device_id},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    return {"Authorization": f"Bearer {body['access_token']}", "X-Refresh": body["refresh_token"]}


# ── a real uvicorn process, for tests where the network and process death matter ──────────


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    database_url: str
    env_extra: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, **env_extra: str) -> "LiveServer":
        env = {
            **os.environ,
            "MINQING_DATABASE_URL": self.database_url,
            **self.env_extra,
            **env_extra,
        }
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
            env=env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError("uvicorn exited at start")
            time.sleep(0.1)
        raise RuntimeError("uvicorn did not answer /healthz in 30 s")

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flush — a power cut for the process."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_for_failpoint(ready: Path, sender: threading.Thread, timeout: float = 60) -> bool:
    """Wait for the server's signal that a batch is written and not committed (it writes
    ``ready`` at its push failpoint, backend/failpoints.py). False when the sending thread
    ended first or the time ran out: no kill would then land in the window."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready.exists():
            return True
        if not sender.is_alive():
            return ready.exists()
        time.sleep(0.01)
    return False


@pytest.fixture
def live_server(db: str) -> Iterator[Callable[..., LiveServer]]:
    """Start real uvicorn processes on the test database; all are killed at the end."""
    servers: list[LiveServer] = []

    def start(**env: str) -> LiveServer:
        server = LiveServer(database_url=db, env_extra=env).start()
        servers.append(server)
        return server

    yield start
    for s in servers:
        s.kill()
