"""一户一策 reports for supervisors: measures by kind, the done rate, and what is overdue per
village and per helping unit, in the caller's scope (404 outside it), as JSON and as CSV or
XLSX tables.

Counted: the live measures of live households. "Done rate" is done ÷ measures not dropped (a
dropped measure was replaced, not failed). "Overdue": the due date has passed on Beijing's
calendar and the measure is neither done nor dropped — the phone's worklist says the same.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlmodel import Session

from backend.auth.dependencies import Caller
from backend.errors import NotFound
from backend.exports.service import table_csv, tables_xlsx
from backend.measures.records import CLOSED, MEASURE, MEASURE_KIND
from backend.reports.service import Geography
from backend.tables import HOUSEHOLD as H

M = MEASURE.table
NO_UNIT = "（未填帮扶单位）"


class Tally(BaseModel):
    total: int = 0
    done: int = 0
    dropped: int = 0
    overdue: int = 0
    funds: int = 0  # yuan put in
    income_per_year: int = 0  # yuan a year, of the measures done

    @property
    def done_rate(self) -> float | None:
        live = self.total - self.dropped
        return round(self.done / live, 4) if live else None


class KindRow(Tally):
    kind: str
    label: str
    rate: float | None = None


class VillageRow(Tally):
    village_code: str
    village_name: str
    township_name: str
    rate: float | None = None


class UnitRow(Tally):
    helping_unit: str
    rate: float | None = None


class MeasureReport(BaseModel):
    as_of: date
    total: Tally
    rate: float | None
    by_kind: list[KindRow]
    by_village: list[VillageRow]
    by_unit: list[UnitRow]


@dataclass
class _Counts:
    kind: dict[str, Tally] = field(default_factory=dict)
    village: dict[str, Tally] = field(default_factory=dict)
    unit: dict[str, Tally] = field(default_factory=dict)
    all: Tally = field(default_factory=Tally)


def _add(t: Tally, status: str, late: bool, funds: int | None, income: int | None) -> None:
    t.total += 1
    t.done += status == "done"
    t.dropped += status == "dropped"
    t.overdue += late
    t.funds += funds or 0
    if status == "done":
        t.income_per_year += income or 0


def report(
    session: Session,
    caller: Caller,
    *,
    township_code: str | None,
    village_code: str | None,
    today: date,
) -> MeasureReport:
    """Measures by kind, by village and by helping unit in scope, as of ``today`` (Beijing)."""
    geo = Geography(session, caller, township_code)
    if village_code is not None and village_code not in geo.villages:
        raise NotFound()
    codes = [village_code] if village_code else geo.codes
    stmt = (
        select(
            M.c.kind,
            M.c.status,
            M.c.due_on,
            M.c.village_code,
            M.c.helping_unit,
            M.c.funds,
            M.c.income_per_year,
        )  # fmt: skip
        .join(H, H.c.id == M.c.household_id)
        .where(M.c.village_code.in_(codes), ~M.c.deleted, ~H.c.deleted)
    )
    day = today.isoformat()
    c = _Counts()
    for kind, status, due, village, unit, funds, income in session.connection().execute(stmt):
        # dates are stored as ISO text: comparing the text compares the days
        late = bool(due) and due < day and status not in CLOSED
        unit_name = (unit or "").strip() or NO_UNIT
        for t in (
            c.all,
            c.kind.setdefault(kind, Tally()),
            c.village.setdefault(village, Tally()),
            c.unit.setdefault(unit_name, Tally()),
        ):
            _add(t, status, late, funds, income)
    return MeasureReport(
        as_of=today,
        total=c.all,
        rate=c.all.done_rate,
        by_kind=[
            KindRow(kind=k, label=name, rate=kt.done_rate, **kt.model_dump())
            for k, name in MEASURE_KIND.labels.items()
            if (kt := c.kind.get(k))
        ],
        by_village=[
            VillageRow(
                village_code=code,
                village_name=geo.villages[code][0],
                township_name=geo.villages[code][2],
                rate=vt.done_rate,
                **vt.model_dump(),
            )
            for code in codes
            if (vt := c.village.get(code))
        ],
        # the most overdue first: who to call
        by_unit=sorted(
            (
                UnitRow(helping_unit=u, rate=t.done_rate, **t.model_dump())
                for u, t in c.unit.items()
            ),
            key=lambda r: (-r.overdue, -r.total, r.helping_unit),
        ),
    )


# ── tables (CSV, XLSX) ─────────────────────────────────────────────────────────────────

TALLY_HEADERS = ["措施数", "已完成", "已取消", "逾期", "完成率", "投入资金（元）", "年增收（元）"]


def _tally(r: Tally, rate: float | None) -> list[Any]:
    return [r.total, r.done, r.dropped, r.overdue, rate, r.funds, r.income_per_year]


def tables(rep: MeasureReport) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The report as (sheet title, header, rows): by kind, by village, by helping unit."""
    return [
        (
            "按类别",
            ["措施类别", *TALLY_HEADERS],
            [[r.label, *_tally(r, r.rate)] for r in rep.by_kind],
        ),
        (
            "按村",
            ["乡镇", "村", "村代码", *TALLY_HEADERS],
            [
                [r.township_name, r.village_name, r.village_code, *_tally(r, r.rate)]
                for r in rep.by_village
            ],
        ),
        (
            "按帮扶单位",
            ["帮扶单位", *TALLY_HEADERS],
            [[r.helping_unit, *_tally(r, r.rate)] for r in rep.by_unit],
        ),
    ]


def csv_bytes(rep: MeasureReport, sheet: int) -> bytes:
    """One of the tables as CSV."""
    _title, header, rows = tables(rep)[sheet]
    return table_csv(header, rows)


def xlsx_bytes(rep: MeasureReport) -> bytes:
    """All three tables, a sheet each."""
    return tables_xlsx(tables(rep))
