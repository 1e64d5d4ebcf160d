"""``minqing indicators``: the default set written for a county as records, once."""

from typer.testing import CliRunner

from backend.cli import app as cli
from tests.conftest import County, login
from tests.sync.phone import Phone


def test_the_command_writes_the_defaults_once_and_cadres_pull_them(client, county: County) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["indicators"])
    assert first.exit_code == 0, first.output
    assert f"county {county.county}: 27 indicators written" in first.output
    again = runner.invoke(cli, ["indicators", "--county", county.county, "--admin", "admin"])
    assert "0 indicators written" in again.output
    wrong = runner.invoke(cli, ["indicators", "--admin", "cadre_a"])
    assert wrong.exit_code == 1
    assert "no admin account cadre_a" in wrong.output
    # written as the store writes: version 1, one create entry each, seen by every cadre
    records = [r for r in Phone(client, "cadre_c", "d-c").pull_all()[0] if r["type"] == "indicator"]
    assert len(records) == 27
    assert {r["version"] for r in records} == {1}
    headers = login(client, "admin", "d-ad")
    trail = client.get(f"/api/v1/records/indicator/{records[0]['id']}/changes", headers=headers)
    assert [c["op"] for c in trail.json()] == ["create"]
