"""Phone-sized SVG charts for the reports (360 units wide, Chinese labels), built with
ElementTree so every label is escaped: horizontal bars and a township × month grid."""

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from backend import xmltext
from backend.maps.svg import FONT

WIDTH = 360
ROW = 30
TOP = 56
LABEL_W = 104
VALUE_W = 100
GOOD, FAIR, POOR, NONE = "#1a9850", "#f08c00", "#d7301f", "#bdbdbd"
LEGEND = ((GOOD, "≥80%"), (FAIR, "50–80%"), (POOR, "<50%"), (NONE, "无数据"))
EMPTY = "#f1f1f1"
GRID_LEGEND = ((GOOD, "≥80%"), (FAIR, "50–80%"), (POOR, "<50%"), (EMPTY, "未抽查"))


def share_colour(share: float | None) -> str:
    if share is None:
        return NONE
    return GOOD if share >= 0.8 else FAIR if share >= 0.5 else POOR


def short(label: str, chars: int = 7) -> str:
    return label if len(label) <= chars else label[: chars - 1] + "…"


@dataclass(frozen=True)
class Bar:
    label: str
    fraction: float | None  # bar length, 0–1; None draws no bar
    text: str  # the figure at the bar's end
    colour: str
    title: str = ""  # tooltip / accessible name (the full label)


def _doc(width: int, height: int, title: str, subtitle: str) -> ET.Element:
    svg = ET.Element(
        "svg",
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {width} {height}",
        width=str(width),
        height=str(height),
        attrib={"font-family": FONT, "role": "img"},
    )
    ET.SubElement(svg, "title").text = title
    ET.SubElement(svg, "rect", x="0", y="0", width=str(width), height=str(height), fill="#ffffff")
    head = ET.SubElement(svg, "text", x="12", y="24", fill="#222222")
    head.set("font-size", "17")
    head.set("font-weight", "bold")
    head.text = title
    if subtitle:
        sub = ET.SubElement(svg, "text", x="12", y="44", fill="#666666")
        sub.set("font-size", "12")
        sub.text = subtitle
    return svg


def _legend(svg: ET.Element, y: int, items: tuple[tuple[str, str], ...] = LEGEND) -> None:
    g = ET.SubElement(svg, "g", attrib={"class": "legend", "font-size": "12"})
    x = 12
    for colour, label in items:
        ET.SubElement(g, "rect", x=str(x), y=str(y), width="12", height="12", fill=colour)
        ET.SubElement(g, "text", x=str(x + 16), y=str(y + 11), fill="#444444").text = label
        x += 16 + 8 * len(label) + 22


def _empty(svg: ET.Element, y: int) -> None:
    t = ET.SubElement(svg, "text", x=str(WIDTH // 2), y=str(y + 20), fill="#888888")
    t.set("text-anchor", "middle")
    t.set("font-size", "14")
    t.text = "暂无数据"


def bar_chart(title: str, subtitle: str, bars: list[Bar], *, legend: bool = True) -> bytes:
    """One horizontal bar per row: label, bar, figure."""
    rows = max(len(bars), 1)
    height = TOP + rows * ROW + (34 if legend else 10)
    svg = _doc(WIDTH, height, title, subtitle)
    span = WIDTH - LABEL_W - VALUE_W
    if not bars:
        _empty(svg, TOP)
    for i, bar in enumerate(bars):
        y = TOP + i * ROW
        g = ET.SubElement(svg, "g", attrib={"class": "row"})
        ET.SubElement(g, "title").text = f"{bar.title or bar.label}：{bar.text}"
        label = ET.SubElement(g, "text", x=str(LABEL_W - 6), y=str(y + 19), fill="#222222")
        label.set("font-size", "14")
        label.set("text-anchor", "end")
        label.text = short(bar.label)
        ET.SubElement(
            g, "rect", x=str(LABEL_W), y=str(y + 5), width=str(span), height="18", fill=EMPTY
        )
        if bar.fraction is not None:
            w = max(0.0, min(1.0, bar.fraction)) * span
            ET.SubElement(
                g, "rect", x=str(LABEL_W), y=str(y + 5), width=f"{w:.1f}", height="18",
                fill=bar.colour,
            )  # fmt: skip
        value = ET.SubElement(g, "text", x=str(LABEL_W + span + 6), y=str(y + 19), fill="#222222")
        value.set("font-size", "13")
        value.text = bar.text
    if legend:
        _legend(svg, TOP + rows * ROW + 10)
    return xmltext.tostring(svg)


@dataclass(frozen=True)
class Cell:
    share: float | None
    text: str
    title: str


def grid(
    title: str, subtitle: str, columns: list[str], rows: list[tuple[str, list[Cell]]]
) -> bytes:
    """Rows (townships) × columns (months), each cell coloured by its share."""
    label_w = 92
    cell_w = max(36, (WIDTH - label_w - 8) // max(len(columns), 1))
    width = max(WIDTH, label_w + cell_w * len(columns) + 8)
    n = max(len(rows), 1)
    height = TOP + 22 + n * ROW + 34
    svg = _doc(width, height, title, subtitle)
    for j, col in enumerate(columns):
        t = ET.SubElement(
            svg, "text", x=str(label_w + j * cell_w + cell_w // 2), y=str(TOP + 14), fill="#444444"
        )
        t.set("font-size", "12")
        t.set("text-anchor", "middle")
        t.text = col
    if not rows:
        _empty(svg, TOP + 22)
    for i, (label, cells) in enumerate(rows):
        y = TOP + 22 + i * ROW
        g = ET.SubElement(svg, "g", attrib={"class": "row"})
        lt = ET.SubElement(g, "text", x=str(label_w - 6), y=str(y + 19), fill="#222222")
        lt.set("font-size", "14")
        lt.set("text-anchor", "end")
        lt.text = short(label, 6)
        for j, cell in enumerate(cells):
            x = label_w + j * cell_w
            c = ET.SubElement(g, "g")
            ET.SubElement(c, "title").text = cell.title
            ET.SubElement(
                c, "rect", x=str(x + 1), y=str(y + 2), width=str(cell_w - 2), height=str(ROW - 4),
                fill=share_colour(cell.share) if cell.text else EMPTY,
            )  # fmt: skip
            ct = ET.SubElement(
                c,
                "text",
                x=str(x + cell_w // 2),
                y=str(y + 19),
                fill="#ffffff" if cell.text and cell.share is not None else "#888888",
            )
            ct.set("font-size", "12")
            ct.set("text-anchor", "middle")
            ct.text = cell.text or "—"
    _legend(svg, TOP + 22 + n * ROW + 10, GRID_LEGEND)
    return xmltext.tostring(svg)
