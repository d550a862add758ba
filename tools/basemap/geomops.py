"""Planar geometry operations used by the basemap build (stdlib only).

Coordinates are (lon, lat) degrees treated as a plane; fine at this scale for a
display basemap, not for geodesy.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict

from topojson_lite import Point, Polygon, Ring, orient, point_in_polygon, point_in_ring, signed_area


# ------------------------------------------------------------ simplification

def _seg_dist(p: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    if dx == 0 and dy == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def dp_keep(pts: list[Point], tol: float) -> list[int]:
    """Indices kept by Douglas-Peucker (both end points always kept). A closed arc
    (first == last) is split at the vertex farthest from its start so it cannot
    collapse."""
    n = len(pts)
    if n <= 2 or tol <= 0:
        return list(range(n))
    if pts[0] == pts[-1]:
        far = max(range(n), key=lambda i: math.hypot(pts[i][0] - pts[0][0], pts[i][1] - pts[0][1]))
        if far in (0, n - 1):
            return list(range(n))
        return dp_keep(pts[: far + 1], tol)[:-1] + [far + k for k in dp_keep(pts[far:], tol)]
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        best, idx = -1.0, -1
        for k in range(i + 1, j):
            d = _seg_dist(pts[k], pts[i], pts[j])
            if d > best:
                best, idx = d, k
        if idx >= 0 and best > tol:
            keep[idx] = True
            stack.append((i, idx))
            stack.append((idx, j))
    return [k for k in range(n) if keep[k]]


def douglas_peucker(pts: list[Point], tol: float) -> list[Point]:
    return [pts[k] for k in dp_keep(pts, tol)]


def farthest_between(pts: list[Point], i: int, j: int) -> int:
    return max(range(i + 1, j), key=lambda k: _seg_dist(pts[k], pts[i], pts[j]))


# ------------------------------------------------------------------ merging

def merge_polygons(polys: list[Polygon]) -> list[Polygon]:
    """Union of polygons that share boundary vertices exactly (as polygons built from
    the same TopoJSON arcs do): directed edges that occur in both directions are
    interior and cancel; the remaining edges are stitched back into rings.
    Polygons that share nothing come back unchanged (as separate parts)."""
    edges: Counter = Counter()
    for poly in polys:
        for ring in orient(poly):
            for a, b in zip(ring, ring[1:]):
                if a != b:
                    edges[(a, b)] += 1
    for (a, b) in list(edges):
        if edges[(a, b)] and edges.get((b, a)):
            k = min(edges[(a, b)], edges[(b, a)])
            edges[(a, b)] -= k
            edges[(b, a)] -= k
    nxt: dict[Point, list[Point]] = defaultdict(list)
    for (a, b), k in edges.items():
        nxt[a].extend([b] * k)
    rings: list[Ring] = []
    for start in list(nxt):
        while nxt[start]:
            ring = [start]
            cur = start
            while True:
                cur = nxt[cur].pop()
                ring.append(cur)
                if cur == start:
                    break
            rings.append(ring)
    shells = [r for r in rings if signed_area(r) > 0]
    holes = [r for r in rings if signed_area(r) < 0]
    out: list[Polygon] = [[s] for s in shells]
    for h in holes:
        probe = _interior_probe(h)
        owners = [p for p in out if point_in_ring(probe, p[0])]
        if not owners:
            raise ValueError("merge produced a hole outside every shell")
        owner = min(owners, key=lambda p: abs(signed_area(p[0])))
        owner.append(h)
    return out


def _interior_probe(ring: Ring) -> Point:
    (x1, y1), (x2, y2) = ring[0], ring[1]
    return ((x1 + x2) / 2.0, (y1 + y2) / 2.0)


# ------------------------------------------------------------------ splitting

def nearest_vertex(ring: Ring, pt: Point) -> tuple[int, float]:
    best = min(range(len(ring) - 1), key=lambda i: math.hypot(ring[i][0] - pt[0], ring[i][1] - pt[1]))
    return best, math.hypot(ring[best][0] - pt[0], ring[best][1] - pt[1])


def split_ring(ring: Ring, line: list[Point], keep: Point, max_snap: float = 0.15) -> tuple[Ring, Ring]:
    """Cut a closed ring in two along an open polyline whose end points lie on (near)
    the ring. The end points are snapped to the nearest ring vertices, so the pieces
    share the ring's own coordinates along the original boundary. Returns
    (piece containing ``keep``, the other piece), both closed."""
    i, di = nearest_vertex(ring, line[0])
    j, dj = nearest_vertex(ring, line[-1])
    if di > max_snap or dj > max_snap:
        raise ValueError(f"polyline end points too far from ring: {di:.3f}, {dj:.3f} deg")
    inner = list(line[1:-1])
    if i == j:
        raise ValueError("polyline end points snap to the same vertex")
    if i > j:
        i, j = j, i
        inner.reverse()
    # inner now runs from ring[i] towards ring[j]
    a = ring[i : j + 1] + inner[::-1] + [ring[i]]
    b = ring[j:-1] + ring[: i + 1] + inner + [ring[j]]
    for piece in (a, b):
        if crossing_segments([piece], [0]):
            raise ValueError("the polyline crosses the ring (a piece self-intersects)")
    if point_in_ring(keep, a):
        return a, b
    if point_in_ring(keep, b):
        return b, a
    raise ValueError(f"neither piece contains {keep}")


def part_containing(polys: list[Polygon], pt: Point) -> int:
    hits = [k for k, p in enumerate(polys) if point_in_polygon(pt, p)]
    if len(hits) != 1:
        raise ValueError(f"{pt} is in {len(hits)} parts")
    return hits[0]


# ------------------------------------------------------------------ validity

def _segments_cross(p1: Point, p2: Point, p3: Point, p4: Point) -> bool:
    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    d1, d2 = cross(p3, p4, p1), cross(p3, p4, p2)
    d3, d4 = cross(p1, p2, p3), cross(p1, p2, p4)
    return ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0)) and 0 not in (d1, d2, d3, d4)


def crossing_segments(arcs: list[list[Point]], ids, cell: float = 0.25) -> set[tuple[int, int]]:
    """Segments (arc id, segment index) of arcs in ``ids`` that properly cross another
    segment of any of these arcs (or a non-adjacent segment of their own arc). Arcs of a
    valid topology meet only at shared end points, so an empty result means no
    self-intersecting or mutually overlapping rings."""
    grid: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for a in ids:
        pts = arcs[a]
        for i in range(len(pts) - 1):
            (x1, y1), (x2, y2) = pts[i], pts[i + 1]
            if abs(x2 - x1) > 180:
                continue  # a -180/+180 seam artefact, see build.fix_antimeridian
            for gx in range(int((min(x1, x2) + 180) // cell), int((max(x1, x2) + 180) // cell) + 1):
                for gy in range(int((min(y1, y2) + 90) // cell), int((max(y1, y2) + 90) // cell) + 1):
                    grid[(gx, gy)].append((a, i))
    found: set[tuple[int, int]] = set()
    for segs in grid.values():
        for m in range(len(segs)):
            a, i = segs[m]
            for n in range(m + 1, len(segs)):
                b, j = segs[n]
                if a == b and abs(i - j) < 2:
                    continue
                if _segments_cross(arcs[a][i], arcs[a][i + 1], arcs[b][j], arcs[b][j + 1]):
                    found.add((a, i))
                    found.add((b, j))
    return found


def self_intersections(ring: Ring, limit: int = 5) -> list[tuple[int, int]]:
    """Proper crossings between non-adjacent edges (O(n^2); for small rings)."""
    n = len(ring) - 1
    found = []
    for a in range(n):
        for b in range(a + 2, n):
            if a == 0 and b == n - 1:
                continue
            if _segments_cross(ring[a], ring[a + 1], ring[b], ring[b + 1]):
                found.append((a, b))
                if len(found) >= limit:
                    return found
    return found
