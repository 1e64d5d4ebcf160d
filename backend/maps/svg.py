"""Render a merged condition map (民情地图) as SVG: strokes by pen, pins coloured by the
household's poverty status, Chinese labels, a legend. Built with ElementTree so every
text is escaped."""

import xml.etree.ElementTree as ET
from typing import Any

from backend import xmltext
from backend.maps.geometry import pairs

PENS = {
    "road": {"stroke": "#7f6a55", "width": 8, "label": "道路"},
    "river": {"stroke": "#3b82c4", "width": 10, "label": "河流"},
    "house": {"stroke": "#5b4636", "width": 4, "label": "房屋"},
    "note": {"stroke": "#444444", "width": 3, "label": "标注"},
}
STATUS = {
    "not_out": ("#d7301f", "未脱贫"),
    "out": ("#1a9850", "已脱贫"),
    "monitored": ("#f08c00", "监测户"),
    "relocated": ("#4575b4", "易地搬迁"),
    None: ("#888888", "未关联农户"),
}
FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"


def pin_status(household: dict[str, Any] | None) -> str | None:
    if household is None:
        return None
    if household.get("relocated"):
        return "relocated"
    return household.get("poverty_status")


def render(
    cmap: dict[str, Any],
    elements: list[dict[str, Any]],
    households: dict[str, dict[str, Any]],
    *,
    village_name: str = "",
) -> bytes:
    """The SVG document of one map; ``households`` maps pinned ids to their data."""
    w, h = int(cmap["width"]), int(cmap["height"])
    legend_h = 60
    svg = ET.Element(
        "svg",
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {w} {h + legend_h}",
        width=str(w),
        height=str(h + legend_h),
        attrib={"font-family": FONT},
    )
    ET.SubElement(svg, "title").text = f"{village_name} {cmap['title']}".strip()
    ET.SubElement(svg, "rect", x="0", y="0", width=str(w), height=str(h), fill="#fbf8ef")
    layers = {k: ET.SubElement(svg, "g", attrib={"class": k}) for k in ("stroke", "label", "pin")}
    for el in elements:
        kind = el["kind"]
        if kind == "stroke" and len(el.get("points") or []) >= 4:
            pen = PENS.get(el.get("pen") or "note", PENS["note"])
            ET.SubElement(
                layers["stroke"],
                "polyline",
                points=" ".join(f"{x},{y}" for x, y in pairs(el["points"])),
                fill="none",
                stroke=str(pen["stroke"]),
                attrib={
                    "stroke-width": str(pen["width"]),
                    "stroke-linecap": "round",
                    "stroke-linejoin": "round",
                    "data-pen": el.get("pen") or "note",
                },
            )
        elif kind == "label" and el.get("text"):
            t = ET.SubElement(
                layers["label"],
                "text",
                x=str(el.get("x") or 0),
                y=str(el.get("y") or 0),
                fill="#222222",
                attrib={"font-size": "28", "text-anchor": "middle"},
            )
            t.text = el["text"]
        elif kind == "pin":
            household = households.get(el.get("household_id") or "")
            colour, status_label = STATUS.get(pin_status(household), STATUS[None])
            g = ET.SubElement(
                layers["pin"], "g", attrib={"data-household": el.get("household_id") or ""}
            )
            x, y = el.get("x") or 0, el.get("y") or 0
            ET.SubElement(
                g,
                "circle",
                cx=str(x),
                cy=str(y),
                r="14",
                fill=colour,
                stroke="#ffffff",
                attrib={"stroke-width": "3"},
            )
            name = (household or {}).get("head_name") or el.get("text") or ""
            if name:
                ET.SubElement(g, "title").text = f"{name}（{status_label}）"
                label = ET.SubElement(
                    g,
                    "text",
                    x=str(x),
                    y=str(y - 20),
                    fill="#222222",
                    attrib={"font-size": "20", "text-anchor": "middle"},
                )
                label.text = name
    _legend(svg, w, h)
    return xmltext.tostring(svg)


def _legend(svg: ET.Element, w: int, top: int) -> None:
    g = ET.SubElement(svg, "g", attrib={"class": "legend", "font-size": "18"})
    ET.SubElement(g, "rect", x="0", y=str(top), width=str(w), height="60", fill="#ffffff")
    x = 16
    for pen in PENS.values():
        ET.SubElement(
            g,
            "line",
            x1=str(x),
            y1=str(top + 30),
            x2=str(x + 30),
            y2=str(top + 30),
            stroke=str(pen["stroke"]),
            attrib={"stroke-width": str(pen["width"])},
        )
        ET.SubElement(g, "text", x=str(x + 36), y=str(top + 36)).text = str(pen["label"])
        x += 36 + 18 * len(str(pen["label"])) + 20
    for colour, label in list(STATUS.values())[:4]:
        ET.SubElement(g, "circle", cx=str(x + 10), cy=str(top + 30), r="9", fill=colour)
        ET.SubElement(g, "text", x=str(x + 24), y=str(top + 36)).text = label
        x += 24 + 18 * len(label) + 20
