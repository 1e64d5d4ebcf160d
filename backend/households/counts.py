"""Counts for the county browser: households, poor households by status, members and visits.

One row per villager group (and one for households filed in no group), in the caller's
scope; the console adds them up to villages, townships and the county. Three GROUP BY
queries whatever the size of the scope, so a county-wide reviewer does not page through
19,000 households to learn how many there are.

"Members" counts the resident members (在册): the dead and those who left are not counted.
"Visits this round" counts the visits whose skew-corrected time falls in the visit round
(``backend.supervision.evidence.round_start``, the window the coverage report uses).
"""

from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy import case, func, select
from sqlmodel import Session

from backend.auth.dependencies import Caller
from backend.errors import NotFound
from backend.supervision.evidence import round_start
from backend.tables import HOUSEHOLD as H, MEMBER as M, VILLAGE as VIL, VISIT as V

STATUSES = ("not_out", "out", "monitored")


class GroupCounts(BaseModel):
    village_code: str
    group_code: str | None  # None: households filed in no group
    households: int = 0
    not_out: int = 0
    out: int = 0
    monitored: int = 0
    members: int = 0
    visits: int = 0


class CountsAnswer(BaseModel):
    since: datetime  # start of the visit round the visit counts cover
    rows: list[GroupCounts]


def counts(
    session: Session,
    caller: Caller,
    *,
    township_code: str | None,
    village_code: str | None,
    since: date | None,
    now: datetime,
) -> CountsAnswer:
    """Per villager group in scope: households (by poverty status), members, visits this round."""
    conds = [caller.scope.where(H.c.village_code), ~H.c.deleted]
    if village_code:
        if not caller.scope.allows(village_code):
            raise NotFound()
        conds.append(H.c.village_code == village_code)
    if township_code:
        if not caller.scope.allows_township(township_code):
            raise NotFound()
        conds.append(
            H.c.village_code.in_(select(VIL.c.code).where(VIL.c.township_code == township_code))
        )
    start = round_start(since, now)
    conn = session.connection()
    key = (H.c.village_code, H.c.group_code)
    rows: dict[tuple[str, str | None], GroupCounts] = {}

    def row(village: str, group: str | None) -> GroupCounts:
        if (village, group) not in rows:
            rows[village, group] = GroupCounts(village_code=village, group_code=group)
        return rows[village, group]

    by_status = [func.sum(case((H.c.poverty_status == s, 1), else_=0)).label(s) for s in STATUSES]
    for r in conn.execute(
        select(*key, func.count().label("n"), *by_status).where(*conds).group_by(*key)
    ).mappings():
        g = row(r["village_code"], r["group_code"])
        g.households = int(r["n"])
        for s in STATUSES:
            setattr(g, s, int(r[s] or 0))

    for name, table, extra in (
        # Living members who live here: the dead and those who left stay in the file only.
        ("members", M, [M.c.status == "resident"]),
        ("visits", V, [V.c.occurred_at_corrected >= start]),
    ):
        stmt = (
            select(*key, func.count().label("n"))
            .select_from(table.join(H, table.c.household_id == H.c.id))
            .where(*conds, ~table.c.deleted, *extra)
            .group_by(*key)
        )
        for r in conn.execute(stmt).mappings():
            setattr(row(r["village_code"], r["group_code"]), name, int(r["n"]))
    ordered = sorted(rows.values(), key=lambda g: (g.village_code, g.group_code or ""))
    return CountsAnswer(since=start, rows=ordered)
