"""An event (a visit) is corrected or withdrawn by its author only; pull tells the phone who
the author is (read-only), and the history keeps every version."""

from sqlalchemy import select

from backend.database import get_engine
from backend.tables import HISTORY as HIST
from tests.conftest import County
from tests.sync.phone import Phone, household, new_id


def test_pull_names_a_visits_author_and_the_author_edits_then_withdraws(
    client, county: County
) -> None:
    a = Phone(client, "cadre_a", "d-a1")
    other = Phone(client, "cadre_a2", "d-a2")
    h, v = new_id(), new_id()
    a.push_ok(
        [
            a.op("household", h, household(county.village_a, None)),
            a.op("visit", v, {"household_id": h, "occurred_at": a.now().isoformat()}),
        ]
    )
    me = client.get("/api/v1/me", headers=a.headers).json()
    records, _ = other.pull_all()
    visit = next(r for r in records if r["id"] == v)
    assert visit["data"]["created_by"] == me["id"]
    house = next(r for r in records if r["id"] == h)
    assert "created_by" not in house["data"]  # only events say whose they are

    # another cadre may neither correct nor withdraw it
    [res] = other.push_ok([other.op("visit", v, {"notes": "不是我的"}, base=1)])
    assert res["status"] == "rejected"
    [res] = other.push_ok([other.op("visit", v, base=1, delete=True)])
    assert res["status"] == "rejected"
    # the author does both
    [res] = a.push_ok([a.op("visit", v, {"notes": "更正：家中有人"}, base=1)])
    assert (res["status"], res["version"]) == ("applied", 2)
    [res] = a.push_ok([a.op("visit", v, base=2, delete=True)])
    assert res["status"] == "applied"

    records, _ = other.pull_all()
    assert next(r for r in records if r["id"] == v)["deleted"]
    with get_engine().connect() as conn:
        trail = conn.execute(
            select(HIST.c.version, HIST.c.op)
            .where(HIST.c.type == "visit", HIST.c.record_id == v)
            .order_by(HIST.c.version)
        ).all()
    assert [t.version for t in trail] == [1, 2, 3]
    assert trail[-1].op == "delete"
