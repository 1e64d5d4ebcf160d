"""The service starts on a migrated database and answers its health checks."""

from tests.conftest import County, login


def test_healthz_checks_the_database(client) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok"}


def test_version(client) -> None:
    assert client.get("/api/v1/version").json()["sync_contract"] == "v1"


def test_me_shows_the_scope(client, county: County) -> None:
    headers = login(client, "cadre_a")
    me = client.get("/api/v1/me", headers=headers).json()
    assert me["role"] == "cadre"
    assert me["village_codes"] == [county.village_a]


def test_unknown_route_has_the_error_shape(client) -> None:
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404
    assert set(r.json()) == {"error", "detail"}


def test_the_pdf_library_is_not_loaded_until_a_file_is_printed() -> None:
    """fpdf2 and fontTools are 27 MiB of a county process that may never print: the
    service starts without them (backend/measures/router.py)."""
    import subprocess
    import sys

    code = (
        "import sys; from backend.main import create_app; create_app(); "
        "print(sorted(m for m in ('fpdf', 'fontTools') if m in sys.modules))"
    )
    env = {"MINQING_ENVIRONMENT": "development", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout
