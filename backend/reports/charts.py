"""The reports drawn as phone-sized SVG charts (Chinese labels)."""

from typing import Literal

from backend.reports.schemas import (
    CadreCoverage,
    ConflictReport,
    CoverageReport,
    SpotCheckReport,
    TownshipCoverage,
    VillageCoverage,
)
from backend.reports.svg import POOR, Bar, Cell, bar_chart, grid, share_colour
from backend.timeutil import BEIJING

TYPE_LABELS = {
    "household": "户",
    "member": "成员",
    "visit": "走访",
    "condition_map": "地图",
    "map_element": "地图元素",
    "spot_check": "抽查",
}


def _pct(share: float | None) -> str:
    return "—" if share is None else f"{round(share * 100)}%"


def _day(report: CoverageReport | SpotCheckReport) -> str:
    since = report.since.astimezone(BEIJING).date()
    until = report.until.astimezone(BEIJING).date()
    return f"{since.isoformat()} 至 {until.isoformat()}"


def coverage_svg(report: CoverageReport, by: Literal["village", "township", "cadre"]) -> bytes:
    """遍访 coverage as bars: the share of households visited, per village/township/cadre."""
    rows: list[VillageCoverage] | list[TownshipCoverage] | list[CadreCoverage]
    if by == "village":
        rows = report.villages
    elif by == "township":
        rows = report.townships
    else:
        rows = report.cadres
    bars = [
        Bar(
            label=r.name,
            fraction=r.share,
            text=f"{r.visited}/{r.households} {_pct(r.share)}",
            colour=share_colour(r.share),
            title=r.name,
        )
        for r in rows
    ]
    unit = {"village": "按村", "township": "按乡镇", "cadre": "按干部（本人走访）"}[by]
    total = report.total
    subtitle = f"{_day(report)} · 合计 {total.visited}/{total.households} 户 {_pct(total.share)}"
    return bar_chart(f"遍访覆盖率（{unit}）", subtitle, bars)


def spot_checks_svg(report: SpotCheckReport) -> bytes:
    """Spot checks per township and month: on post / checked, coloured by the share."""
    columns = [f"{int(p[5:])}月" for p in report.periods]
    rows = []
    for t in report.townships:
        cells = []
        for p in t.periods:
            share = p.on_post / p.checks if p.checks else None
            text = f"{p.on_post}/{p.checks}" if p.checks else ""
            title = f"{t.name} {p.period}：抽查 {p.checks} 人，接通 {p.reached}，在岗 {p.on_post}，缺岗 {p.absent}"
            cells.append(Cell(share=share, text=text, title=title))
        rows.append((t.name, cells))
    total = report.total
    subtitle = f"{_day(report)} · 在岗/抽查 {total.on_post}/{total.checks}，缺岗 {total.absent}"
    return grid("电话抽查结果（在岗/抽查人数）", subtitle, columns, rows)


def conflicts_svg(report: ConflictReport) -> bytes:
    """Open conflicts per village, most first."""
    most = max((v.open for v in report.villages), default=0)
    bars = [
        Bar(
            label=v.name,
            fraction=v.open / most if most else None,
            text=str(v.open),
            colour=POOR,
            title=f"{v.township_name}{v.name}（"
            + "、".join(f"{TYPE_LABELS.get(k, k)} {n}" for k, n in v.by_type.items())
            + "）",
        )
        for v in report.villages
    ]
    return bar_chart("待处理的数据冲突（按村）", f"合计 {report.total} 条", bars, legend=False)
