"""Supervisors' view of the village information base, in the caller's scope (404 outside):
villages by collective income tier, the empty-shell villages, the indicators not met per
village, the change against last year and how complete the base is; as JSON, SVG charts,
CSV and XLSX.

A year's base is read in two queries (the county's live indicators, the villages' live
values of this year and last): a county is 310 villages × 27 indicators × 2 years, about
17,000 small rows. Should a village hold two values of one indicator in a year (a phone
that made its own id, not the shared one), the one changed last counts.
"""

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from backend.auth.dependencies import Caller
from backend.exports.service import table_csv, tables_xlsx
from backend.reports.service import Geography
from backend.reports.svg import FAIR, GOOD, NONE, POOR, Bar, bar_chart, share_colour
from backend.villagebase import rules
from backend.villagebase.defaults import INCOME_CODE
from backend.villagebase.records import INDICATOR, INDICATOR_VALUE
from backend.villagebase.schemas import NotMet, TierCount, VillageBaseReport, VillageRow

Values = dict[tuple[str, int, str], dict[str, Any]]  # (village, year, indicator id) → row


def indicators(session: Session, county_code: str) -> list[dict[str, Any]]:
    """The county's live indicators, by code."""
    t = INDICATOR.table
    cols = [t.c.id, *(t.c[f] for f in INDICATOR.fields)]
    rows = session.connection().execute(
        select(*cols).where(t.c.village_code == county_code, ~t.c.deleted).order_by(t.c.code)
    )
    return [dict(r._mapping) for r in rows]


def _values(session: Session, geo: Geography, years: tuple[int, int]) -> Values:
    t = INDICATOR_VALUE.table
    out: Values = {}
    if not geo.codes:
        return out
    stmt = (
        select(t.c.village_code, t.c.year, t.c.indicator_id, *(t.c[f] for f in _VALUE_COLS))
        .where(geo.where(t.c.village_code), t.c.year.in_(years), ~t.c.deleted)
        .order_by(t.c.updated_at)  # the one changed last counts (module doc)
    )
    for r in session.connection().execute(stmt):
        out[(r.village_code, r.year, r.indicator_id)] = dict(r._mapping)
    return out


_VALUE_COLS = ("value_number", "value_yes", "value_text")


def report(
    session: Session, caller: Caller, *, year: int, township_code: str | None
) -> VillageBaseReport:
    """The base of ``year`` against ``year - 1`` for the villages in scope."""
    geo = Geography(session, caller, township_code)
    defs = indicators(session, caller.scope.county_code)
    values = _values(session, geo, (year, year - 1))
    income = next((d for d in defs if d["code"] == INCOME_CODE), None)
    tiers = {t.code: [0, 0] for t in (*rules.TIERS, rules.NO_DATA)}
    rows: list[VillageRow] = []
    shells_last = 0
    for code in geo.codes:
        name, town, town_name = geo.villages[code]
        status: dict[int, dict[str, str]] = {year: {}, year - 1: {}}
        not_met: list[NotMet] = []
        for d in defs:
            for y in (year, year - 1):
                v = values.get((code, y, d["id"]))
                status[y][d["code"]] = rules.status(d, v)
                if y == year and status[y][d["code"]] == rules.NOT_MET:
                    not_met.append(
                        NotMet(code=d["code"], name=d["name"], value=rules.value_of(d["kind"], v))
                    )
        now, last = status[year], status[year - 1]
        money = [
            rules.value_of("number", values.get((code, y, income["id"]))) if income else None
            for y in (year, year - 1)
        ]
        tier, tier_last = rules.tier_of(money[0]), rules.tier_of(money[1])
        tiers[tier.code][0] += 1
        tiers[tier_last.code][1] += 1
        shells_last += tier_last.code == "shell"
        filled = sum(s != rules.EMPTY for s in now.values())
        rows.append(
            VillageRow(
                code=code,
                name=name,
                township_code=town,
                township_name=town_name,
                income=money[0],
                income_last_year=money[1],
                tier=tier.code,
                tier_last_year=tier_last.code,
                filled=filled,
                met=sum(s == rules.MET for s in now.values()),
                not_met=len(not_met),
                met_last_year=sum(s == rules.MET for s in last.values()),
                newly_met=[c for c, s in now.items() if s == rules.MET and last[c] != rules.MET],
                newly_not_met=[
                    c for c, s in now.items() if s == rules.NOT_MET and last[c] == rules.MET
                ],
                shihao_met=sum(now[d["code"]] == rules.MET for d in defs if d["shihao"]),
                completeness=round(filled / len(defs), 4) if defs else None,
                not_met_list=not_met,
            )
        )
    cells = len(rows) * len(defs)
    return VillageBaseReport(
        year=year,
        indicators=len(defs),
        shihao_items=sum(d["shihao"] for d in defs),
        villages=len(rows),
        completeness=round(sum(r.filled for r in rows) / cells, 4) if cells else None,
        tiers=[
            TierCount(
                code=t.code, label=t.label, villages=tiers[t.code][0], last_year=tiers[t.code][1]
            )
            for t in (*rules.TIERS, rules.NO_DATA)
        ],
        empty_shell=[r.code for r in rows if r.tier == "shell"],
        empty_shell_last_year=shells_last,
        rows=rows,
    )


# ── charts ──────────────────────────────────────────────────────────────────────────────

_TIER_COLOURS = {"shell": POOR, "lt5": FAIR, "none": NONE}


def tiers_svg(r: VillageBaseReport) -> bytes:
    """Villages per collective income tier, this year against last."""
    most = max((t.villages for t in r.tiers), default=0)
    bars = [
        Bar(
            label=rules.TIER_SHORT[t.code],
            fraction=t.villages / most if most else None,
            text=f"{t.villages} 个（上年 {t.last_year}）",
            colour=_TIER_COLOURS.get(t.code, GOOD),
            title=t.label,
        )
        for t in r.tiers
    ]
    subtitle = f"{r.year}年 · {r.villages} 个村 · 空壳村 {len(r.empty_shell)} 个（上年 {r.empty_shell_last_year}）"
    return bar_chart("村集体经济收入分档", subtitle, bars, legend=False)


def not_met_svg(r: VillageBaseReport) -> bytes:
    """Per village: indicators met of those filled, coloured by the share; most not met first."""
    rows = sorted(r.rows, key=lambda v: (-v.not_met, v.code))
    bars = [
        Bar(
            label=v.name,
            fraction=v.met / (v.met + v.not_met) if v.met + v.not_met else None,
            text=f"{v.not_met} 项未达标",
            colour=share_colour(v.met / (v.met + v.not_met) if v.met + v.not_met else None),
            title=f"{v.township_name}{v.name}（填报 {v.filled}/{r.indicators}）："
            + ("、".join(n.name for n in v.not_met_list) or "无未达标指标"),
        )
        for v in rows
    ]
    done = "—" if r.completeness is None else f"{round(r.completeness * 100)}%"
    return bar_chart(f"各村指标达标情况（{r.year}年）", f"信息库填报完整率 {done}", bars)


# ── exports ─────────────────────────────────────────────────────────────────────────────

SUMMARY_HEAD = [
    "乡镇",
    "村",
    "集体经济收入（元）",
    "收入分档",
    "上年收入（元）",
    "上年分档",
    "已填报指标",
    "达标",
    "未达标",
    "上年达标",
    "新达标",
    "新未达标",
    "十好达标项",
    "填报完整率",
    "未达标指标",
]
DETAIL_HEAD = ["乡镇", "村", "指标编号", "指标", "填报值"]
_TIER_LABEL = {t.code: t.label for t in (*rules.TIERS, rules.NO_DATA)}


def _whole(x: Any) -> Any:
    """350000.0 read as 350000 (a number stored as a float that has no fraction)."""
    return int(x) if isinstance(x, float) and x.is_integer() else x


def summary_rows(r: VillageBaseReport) -> Iterator[list[Any]]:
    for v in r.rows:
        yield [
            v.township_name,
            v.name,
            _whole(v.income),
            _TIER_LABEL[v.tier],
            _whole(v.income_last_year),
            _TIER_LABEL[v.tier_last_year],
            v.filled,
            v.met,
            v.not_met,
            v.met_last_year,
            "、".join(v.newly_met),
            "、".join(v.newly_not_met),
            v.shihao_met,
            v.completeness,
            "、".join(n.name for n in v.not_met_list),
        ]


def _shown(value: Any) -> Any:
    return ("是" if value else "否") if isinstance(value, bool) else _whole(value)


def detail_rows(r: VillageBaseReport) -> Iterator[list[Any]]:
    for v in r.rows:
        for n in v.not_met_list:
            yield [v.township_name, v.name, n.code, n.name, _shown(n.value)]


def to_csv(r: VillageBaseReport) -> bytes:
    """The summary per village."""
    return table_csv(SUMMARY_HEAD, summary_rows(r))


def to_xlsx(r: VillageBaseReport) -> bytes:
    """Two sheets: the summary per village, and every indicator not met with its value."""
    return tables_xlsx(
        [("各村汇总", SUMMARY_HEAD, summary_rows(r)), ("未达标指标", DETAIL_HEAD, detail_rows(r))]
    )
