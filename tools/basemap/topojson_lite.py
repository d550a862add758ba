"""Minimal TopoJSON decoder and planar polygon helpers (Python 3.11 stdlib only).

Written for Watchfloor's basemap build; see tools/basemap/build.py.

TopoJSON recap (https://github.com/topojson/topojson-specification):
  * ``arcs`` is a list of arcs; an arc is a list of positions.
  * With a ``transform`` the file is *quantized*: positions are integers and every
    position after the first in an arc is a delta from the previous one. The real
    coordinate is ``(x * scale[0] + translate[0], y * scale[1] + translate[1])``.
  * A geometry's ring is a list of arc indices; index ``i >= 0`` means arc i forward,
    ``~i`` (i.e. ``-i - 1``) means arc i reversed. Consecutive arcs share their
    junction point, which appears once in the decoded ring.
"""
from __future__ import annotations

Point = tuple[float, float]
Ring = list[Point]
Polygon = list[Ring]  # exterior first, then holes


def decode_arcs(topology: dict) -> list[list[Point]]:
    """Absolute coordinates of every arc (undoes delta encoding and the transform)."""
    tr = topology.get("transform")
    out: list[list[Point]] = []
    for arc in topology["arcs"]:
        if tr is None:
            out.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (sx, sy), (tx, ty) = tr["scale"], tr["translate"]
        x = y = 0
        pts: list[Point] = []
        for p in arc:
            x += p[0]
            y += p[1]
            pts.append((x * sx + tx, y * sy + ty))
        out.append(pts)
    return out


def ring_from_arcs(indices: list[int], arcs: list[list[Point]]) -> Ring:
    ring: Ring = []
    for i in indices:
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(pts if not ring else pts[1:])
    return ring


def geometry_polygons(geom: dict, arcs: list[list[Point]]) -> list[Polygon]:
    """Polygon / MultiPolygon TopoJSON geometry -> list of polygons (lists of rings)."""
    if geom["type"] == "Polygon":
        parts = [geom["arcs"]]
    elif geom["type"] == "MultiPolygon":
        parts = geom["arcs"]
    elif geom["type"] is None:
        parts = []
    else:
        raise ValueError(f"unsupported geometry type {geom['type']!r}")
    return [[ring_from_arcs(r, arcs) for r in part] for part in parts]


def arc_ids(geom: dict) -> set[int]:
    parts = [geom["arcs"]] if geom["type"] == "Polygon" else geom.get("arcs") or []
    return {i if i >= 0 else ~i for part in parts for ring in part for i in ring}


# ---------------------------------------------------------------- planar helpers

def signed_area(ring: Ring) -> float:
    """Shoelace area in degree^2; > 0 means counter-clockwise (lon = x, lat = y)."""
    s = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        s += x1 * y2 - x2 * y1
    return s / 2.0


def point_in_ring(pt: Point, ring: Ring) -> bool:
    x, y = pt
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def point_in_polygon(pt: Point, poly: Polygon) -> bool:
    return point_in_ring(pt, poly[0]) and not any(point_in_ring(pt, h) for h in poly[1:])


def orient(poly: Polygon) -> Polygon:
    """RFC 7946 winding: exterior counter-clockwise, holes clockwise."""
    out = []
    for k, ring in enumerate(poly):
        ccw = signed_area(ring) > 0
        want_ccw = k == 0
        out.append(ring if ccw == want_ccw else ring[::-1])
    return out


def dedupe(ring: Ring) -> Ring:
    out: Ring = []
    for p in ring:
        if not out or p != out[-1]:
            out.append(p)
    return out
