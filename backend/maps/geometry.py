"""Stroke geometry: limits and Ramer–Douglas–Peucker simplification of long strokes."""

from typing import Any

from simplification.cutil import simplify_coords

MAX_STROKE_POINTS = 1000
MAX_ELEMENTS_PER_MAP = 3000


def pairs(flat: list[int]) -> list[list[int]]:
    return [[flat[i], flat[i + 1]] for i in range(0, len(flat) - 1, 2)]


def simplify_points(flat: list[int], max_points: int = MAX_STROKE_POINTS) -> list[int]:
    """Fewer points, same shape: RDP with a tolerance that grows until the stroke fits."""
    if len(flat) // 2 <= max_points:
        return flat
    pts = pairs(flat)
    tolerance = 0.5
    out: list[list[float]] = [[float(x), float(y)] for x, y in pts]
    while len(out) > max_points:
        out = simplify_coords(pts, tolerance)
        tolerance *= 1.6
    return [int(round(v)) for p in out for v in p]


def simplify_stroke(data: dict[str, Any]) -> dict[str, Any]:
    """The registry's normalize hook for map elements."""
    points = data.get("points") or []
    if len(points) % 2:
        points = points[:-1]
    if len(points) // 2 > MAX_STROKE_POINTS or len(points) != len(data.get("points") or []):
        return {**data, "points": simplify_points(points)}
    return data
