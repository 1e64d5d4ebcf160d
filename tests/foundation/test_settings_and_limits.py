"""Settings refuse a placeholder secret in production; bodies over the limit answer 413 in
JSON (declared or streamed); validation errors have the error shape; ``minqing user add``."""

from collections.abc import Iterator

import httpx
import pytest
from click.testing import Result
from pydantic import ValidationError
from typer.testing import CliRunner

from backend.cli import app as cli
from backend.config import PLACEHOLDER_SECRET, Settings, get_settings
from tests.conftest import PASSWORD, County, login

LIMIT = 4096

# ── settings ──────────────────────────────────────────────────────────────────────────────


def test_production_refuses_the_placeholder_secret() -> None:
    with pytest.raises(ValidationError, match="MINQING_SECRET_KEY"):
        Settings(environment="production", secret_key=PLACEHOLDER_SECRET)


def test_production_refuses_a_short_secret() -> None:
    with pytest.raises(ValidationError, match="MINQING_SECRET_KEY"):
        Settings(environment="production", secret_key="too-short")


def test_production_accepts_a_real_secret() -> None:
    assert Settings(environment="production", secret_key="s" * 48).environment == "production"


@pytest.mark.parametrize("environment", ["development", "demo", "test"])
def test_development_modes_allow_the_placeholder(environment: str, tmp_path) -> None:
    # development and demo put a generated key beside the database (tests/security/test_attacks.py)
    url = f"sqlite:///{tmp_path / 'minqing.sqlite'}"
    assert Settings(
        environment=environment, secret_key=PLACEHOLDER_SECRET, database_url=url
    ).secret_key


def test_settings_come_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("MINQING_MAX_BODY_BYTES", "1234")
    monkeypatch.setenv("MINQING_REFRESH_GRACE_SECONDS", "7")
    s = Settings()
    assert (s.max_body_bytes, s.refresh_grace_seconds) == (1234, 7)


def test_the_placeholder_is_refused_when_read_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("MINQING_ENVIRONMENT", "production")
    monkeypatch.setenv("MINQING_SECRET_KEY", PLACEHOLDER_SECRET)
    with pytest.raises(ValidationError, match="MINQING_SECRET_KEY"):
        Settings()


# ── body limit ────────────────────────────────────────────────────────────────────────────


def _assert_too_large(r: httpx.Response) -> None:
    assert r.status_code == 413, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["error"] == "too_large"
    assert str(LIMIT) in body["detail"]
    assert body["limit"] == LIMIT


@pytest.fixture
def small_limit_client(db: str) -> Iterator[httpx.Client]:
    from fastapi.testclient import TestClient

    from backend.main import create_app

    settings = get_settings().model_copy(update={"max_body_bytes": LIMIT})
    with TestClient(create_app(settings)) as tc:
        yield tc


def test_a_declared_body_over_the_limit_is_413(small_limit_client: httpx.Client) -> None:
    r = small_limit_client.post(
        "/api/v1/auth/token",
        content=b'{"username": "' + b"x" * (LIMIT + 1) + b'"}',
        headers={"Content-Type": "application/json"},
    )
    _assert_too_large(r)


def test_a_body_at_the_limit_is_read(small_limit_client: httpx.Client) -> None:
    body = b'{"username": "a", "password": "b", "device_id": "c", "user_agent": "'
    body += b"u" * (LIMIT - len(body) - 2) + b'"}'
    assert len(body) == LIMIT
    r = small_limit_client.post(
        "/api/v1/auth/token", content=body, headers={"Content-Type": "application/json"}
    )
    # Read and validated (user_agent is too long), not refused for its size.
    assert r.status_code == 422, r.text


@pytest.mark.server
def test_a_streamed_body_over_the_limit_is_413(live_server) -> None:
    server = live_server(MINQING_MAX_BODY_BYTES=str(LIMIT))

    def chunks() -> Iterator[bytes]:
        yield b'{"username": "'
        for _ in range(8):
            yield b"x" * 1024
        yield b'"}'

    # A generator has no length: httpx sends Transfer-Encoding: chunked, no Content-Length.
    request = httpx.Request(
        "POST",
        f"{server.url}/api/v1/auth/token",
        content=chunks(),
        headers={"Content-Type": "application/json"},
    )
    assert "content-length" not in request.headers
    assert request.headers["transfer-encoding"] == "chunked"
    with httpx.Client(timeout=10) as http:
        r = http.send(request)
    _assert_too_large(r)
    # The server is still well.
    assert httpx.get(f"{server.url}/healthz", timeout=5).status_code == 200


@pytest.mark.server
def test_a_small_streamed_body_is_read(live_server, county: County) -> None:
    server = live_server(MINQING_MAX_BODY_BYTES=str(LIMIT))
    payload = f'{{"username": "cadre_a", "password": "{PASSWORD}", "device_id": "stream"}}'.encode()

    def chunks() -> Iterator[bytes]:
        yield payload[:10]
        yield payload[10:]

    r = httpx.post(
        f"{server.url}/api/v1/auth/token",
        content=chunks(),
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert r.status_code == 200, r.text


# ── validation errors ─────────────────────────────────────────────────────────────────────


def test_validation_errors_have_the_error_shape(client) -> None:
    r = client.post("/api/v1/auth/token", json={"username": "someone"})
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "validation_error"
    assert "password" in body["detail"] or "device_id" in body["detail"]
    assert {f["field"] for f in body["fields"]} == {"password", "device_id"}


def test_malformed_json_is_422_in_the_error_shape(client) -> None:
    r = client.post(
        "/api/v1/auth/token", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 422
    assert r.json()["error"] == "validation_error"


def test_wrong_method_has_the_error_shape(client) -> None:
    r = client.delete("/api/v1/version")
    assert r.status_code == 405
    assert set(r.json()) == {"error", "detail"}


# ── minqing user add ──────────────────────────────────────────────────────────────────────

runner = CliRunner()


def _add(*args: str) -> Result:
    return runner.invoke(cli, ["user", "add", *args])


def test_user_add_creates_a_user_who_can_log_in(client, county: County) -> None:
    result = _add(
        "--username", "cadre_new", "--password", "a-good-password", "--role", "cadre",
        "--villages", f"{county.village_a},{county.village_b}", "--phone", "13900000000",
        "--name", "王芳",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "created cadre cadre_new" in result.output

    r = client.post(
        "/api/v1/auth/token",
        json={"username": "cadre_new", "password": "a-good-password", "device_id": "p"},
    )
    assert r.status_code == 200, r.text
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"})
    assert me.json()["village_codes"] == [county.village_a, county.village_b]
    assert me.json()["display_name"] == "王芳"
    assert me.json()["phone"] == "13900000000"


def test_user_add_a_township_supervisor(client, county: County) -> None:
    result = _add(
        "--username", "sup_new", "--password", "a-good-password", "--role", "supervisor",
        "--townships", county.township_2,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    r = client.post(
        "/api/v1/auth/token",
        json={"username": "sup_new", "password": "a-good-password", "device_id": "p"},
    )
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"})
    assert me.json()["village_codes"] == [county.village_c]
    assert me.json()["county_wide"] is False


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "cadre", "--villages", "520623999999"], "unknown village 520623999999"),
        (["--role", "cadre"], "a cadre needs --villages"),
        (["--role", "supervisor", "--townships", "520623999"], "unknown township 520623999"),
        (["--role", "admin", "--villages", "520623100001"], "only cadres are assigned villages"),
        (["--role", "cadre", "--townships", "520623100"], "a cadre needs --villages"),
        (["--role", "king"], "role"),
        (["--role", "admin", "--password", "short"], "password"),
        (["--role", "admin", "--username", "has space"], "username"),
        (["--role", "admin", "--username", "cadre_a"], "username cadre_a is taken"),
    ],
)
def test_user_add_refuses_bad_input(county: County, args: list[str], message: str) -> None:
    base = {"--username": "someone", "--password": "a-good-password"}
    for i in range(0, len(args), 2):
        base[args[i]] = args[i + 1]
    result = _add(*[x for kv in base.items() for x in kv])
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_user_add_refuses_before_there_is_a_county(db: str) -> None:
    result = _add("--username", "first", "--password", "a-good-password", "--role", "admin")
    assert result.exit_code == 1
    assert "county" in result.output


def test_user_add_needs_its_options(db: str) -> None:
    result = _add("--username", "x")
    assert result.exit_code == 2
    assert "--password" in result.output


def test_a_cli_user_and_the_fixture_users_coexist(client, county: County) -> None:
    result = _add("--username", "admin_b", "--password", "a-good-password", "--role", "admin")
    assert result.exit_code == 0, result.output
    assert client.get("/api/v1/me", headers=login(client, "admin")).status_code == 200


def test_demo_refuses_to_wipe_a_production_database(monkeypatch) -> None:
    from typer.testing import CliRunner

    from backend.cli import app
    from backend.config import Settings, get_settings

    production = Settings(
        environment="production", secret_key="s" * 40, database_url="sqlite:///unused"
    )
    monkeypatch.setattr("backend.cli.get_settings", lambda: production)
    result = CliRunner().invoke(app, ["demo"])
    assert result.exit_code == 1
    assert "refusing in production" in result.output
    assert get_settings().environment == "test"
