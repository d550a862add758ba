"""Tests for Watchfloor's basemap (stdlib only).

    python3 -m unittest tools/basemap/test_basemap.py

Most tests read the COMMITTED files in data/basemap/. Every check is written as a
function returning a list of problems, and each one is also run against a deliberately
broken input to show that it can fail.
"""
from __future__ import annotations

import copy
import json
import sys
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import build  # noqa: E402
from geomops import crossing_segments, merge_polygons, self_intersections, split_ring  # noqa: E402
from topojson_lite import decode_arcs, geometry_polygons, point_in_polygon, signed_area  # noqa: E402

DATA = HERE.parent.parent / "data" / "basemap"

# (lon, lat)
SIMFEROPOL = (34.10, 44.95)
SEVASTOPOL = build.SEVASTOPOL  # 44.59 N 33.52 E: the centre is offshore on NE's coast
PLACES = {  # name: (lon, lat, expected iso_a3)
    "Simferopol": (34.10, 44.95, "UKR"),
    "Sevastopol": (33.52, 44.59, "UKR"),
    "Minsk": (27.56, 53.90, "BLR"),
    "Warsaw": (21.01, 52.23, "POL"),
    "Vilnius": (25.28, 54.69, "LTU"),
    "Moscow": (37.62, 55.76, "RUS"),
    "Kyiv": (30.52, 50.45, "UKR"),
    "Kaliningrad": (20.51, 54.71, "RUS"),
    # Natural Earth puts the Narva river ~1.5 km west of its real course, so the city
    # centre (28.19 E) falls in Russia; this probe is in Narva's western districts.
    "Narva": (28.15, 59.38, "EST"),
    # High-latitude probes: world-atlas's antimeridian vertices at -180 on Russia's
    # Chukotka coast made a planar band round the world between 65.06 and 68.98 N.
    "Murmansk": (33.08, 68.97, "RUS"),
    "Rovaniemi": (25.73, 66.50, "FIN"),
    "Kiruna": (20.23, 67.86, "SWE"),
    "Akureyri": (-18.09, 65.68, "ISL"),
    "Chukotka interior": (175.0, 66.5, "RUS"),
    "Tbilisi": (44.79, 41.72, "GEO"),
    "Chisinau": (28.86, 47.01, "MDA"),
    "Katzrin (Golan)": (35.69, 32.99, "SYR"),
    "Kyrenia": (33.32, 35.34, "CYP"),
    "Baikonur": (63.31, 45.62, "KAZ"),
}

OCCUPIED_UA = "Occupied areas of Donetsk, Luhansk, Zaporizhzhia and Kherson oblasts"
DISPUTED_IN = {  # feature name: points that must be inside / outside it
    "Crimea": ([SIMFEROPOL, SEVASTOPOL], [(35.14, 47.84)]),
    OCCUPIED_UA: ([(37.80, 48.00), (39.31, 48.57), (37.55, 47.10), (35.37, 46.85), (32.72, 46.62)],
                  [(35.14, 47.84), (32.62, 46.64), (37.58, 48.74), (37.62, 48.85), SIMFEROPOL, (30.52, 50.45)]),
    "Abkhazia": ([(41.02, 43.00), (41.73, 42.63)], [(41.87, 42.51), (41.64, 41.64)]),
    "South Ossetia (Tskhinvali Region)": ([(43.97, 42.23), (44.48, 42.12)], [(44.11, 41.98), (44.79, 41.72)]),
    "Transnistria": ([(29.63, 46.84), (29.48, 46.83), (29.00, 47.77)], [(28.86, 47.01)]),
}


def load(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def parts(geometry: dict) -> list:
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def contains(feature: dict, pt) -> bool:
    return any(point_in_polygon(pt, [[tuple(p) for p in ring] for ring in poly]) for poly in parts(feature["geometry"]))


def countries_at(fc: dict, pt) -> list:
    return [f["properties"]["iso_a3"] for f in fc["features"] if contains(f, pt)]


def fc_of(**polys_by_iso) -> dict:
    """Tiny FeatureCollection from {iso_a3: [polygon, ...]} with (lon, lat) tuples."""
    feats = []
    for iso, polys in polys_by_iso.items():
        feats.append({"type": "Feature", "properties": {"iso_a3": iso, "iso_n3": None, "name": iso},
                      "geometry": {"type": "MultiPolygon",
                                   "coordinates": [[[list(p) for p in r] for r in poly] for poly in polys]}})
    return {"type": "FeatureCollection", "features": feats}


# ---------------------------------------------------------------- checks

CRIMEA_TOWNS = {"Simferopol": SIMFEROPOL, "Sevastopol": SEVASTOPOL, "Kerch": (36.45, 45.35),
                "Yevpatoria": (33.37, 45.20), "Dzhankoi": (34.40, 45.71), "Feodosia": (35.38, 45.04),
                "Armiansk": (33.69, 46.11)}


def crimea_problems(fc: dict) -> list[str]:
    out = []
    for name, pt in CRIMEA_TOWNS.items():
        where = countries_at(fc, pt)
        if "UKR" not in where:
            out.append(f"{name} not in UKR")
        if "RUS" in where:
            out.append(f"{name} in RUS")
    return out


def place_problems(fc: dict) -> list[str]:
    out = []
    for name, (lon, lat, iso) in PLACES.items():
        where = countries_at(fc, (lon, lat))
        if where != [iso]:
            out.append(f"{name}: expected [{iso}], got {where}")
    return out


def geojson_problems(fc: dict, decimals: int = 3) -> list[str]:
    """RFC 7946 checks: structure, [lon, lat] ranges, closed rings with >= 4 positions,
    no duplicate consecutive positions, exterior CCW / holes CW, rounding."""
    out = []
    if fc.get("type") != "FeatureCollection" or not isinstance(fc.get("features"), list):
        return ["not a FeatureCollection"]
    for i, f in enumerate(fc["features"]):
        label = f"feature {i} ({f.get('properties', {}).get('name')})"
        if f.get("type") != "Feature" or not isinstance(f.get("properties"), dict):
            out.append(f"{label}: not a Feature with properties")
            continue
        g = f.get("geometry") or {}
        if g.get("type") not in ("Polygon", "MultiPolygon"):
            out.append(f"{label}: geometry type {g.get('type')}")
            continue
        for k, poly in enumerate(parts(g)):
            if not poly:
                out.append(f"{label} part {k}: no rings")
            for r, ring in enumerate(poly):
                where = f"{label} part {k} ring {r}"
                if len(ring) < 4:
                    out.append(f"{where}: {len(ring)} positions")
                    continue
                if ring[0] != ring[-1]:
                    out.append(f"{where}: not closed")
                for p in ring:
                    if len(p) != 2 or not all(isinstance(c, (int, float)) for c in p):
                        out.append(f"{where}: bad position {p}")
                        break
                    if not (-180 <= p[0] <= 180 and -90 <= p[1] <= 90):
                        out.append(f"{where}: out of range {p}")
                        break
                    if round(p[0], decimals) != p[0] or round(p[1], decimals) != p[1]:
                        out.append(f"{where}: more than {decimals} decimals {p}")
                        break
                if any(a == b for a, b in zip(ring, ring[1:])):
                    out.append(f"{where}: duplicate consecutive positions")
                if any(abs(b[0] - a[0]) > 180 for a, b in zip(ring, ring[1:])):
                    out.append(f"{where}: edge jumps across the antimeridian (RFC 7946 3.1.9: cut it)")
                area = signed_area([tuple(p) for p in ring])
                if r == 0 and area <= 0:
                    out.append(f"{where}: exterior not counter-clockwise")
                if r > 0 and area >= 0:
                    out.append(f"{where}: hole not clockwise")
    return out


def crossing_problems(fc: dict) -> list[str]:
    """Edges of any two rings (same or different features) must not properly cross:
    catches self-intersections and overlapping neighbours after simplification."""
    rings, labels = [], []
    for f in fc["features"]:
        for poly in parts(f["geometry"]):
            for ring in poly:
                rings.append([tuple(p) for p in ring])
                labels.append(f["properties"]["name"])
    bad = crossing_segments(rings, range(len(rings)))
    return sorted({f"{labels[r]}: edge {i} crosses another edge" for r, i in bad})


def disputed_problems(fc: dict) -> list[str]:
    out = []
    by_name = {f["properties"]["name"]: f for f in fc["features"]}
    for name, (inside, outside) in DISPUTED_IN.items():
        f = by_name.get(name)
        if f is None:
            out.append(f"missing {name}")
            continue
        out += [f"{name}: {p} should be inside" for p in inside if not contains(f, p)]
        out += [f"{name}: {p} should be outside" for p in outside if contains(f, p)]
    for f in fc["features"]:
        p = f["properties"]
        for key in ("name", "status", "de_jure", "approximate"):
            if key not in p:
                out.append(f"{p.get('name')}: no {key}")
        if not isinstance(p.get("approximate"), bool):
            out.append(f"{p.get('name')}: approximate is not a bool")
        if "karabakh" in str(p.get("name")).lower() and not p.get("historical"):
            out.append("Nagorno-Karabakh shown as current (Azerbaijan restored control in 2023)")
    return out


# ---------------------------------------------------------------- tests

class CommittedCountries(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fc = load("countries.geojson")

    def test_crimea_in_ukraine_not_russia(self):
        self.assertEqual(crimea_problems(self.fc), [])

    def test_places(self):
        self.assertEqual(place_problems(self.fc), [])

    def test_geojson_valid(self):
        self.assertEqual(geojson_problems(self.fc), [])

    def test_no_crossing_edges(self):
        self.assertEqual(crossing_problems(self.fc), [])

    def test_properties(self):
        seen = set()
        for f in self.fc["features"]:
            p = f["properties"]
            self.assertEqual(set(p), {"iso_a3", "iso_n3", "name"}, p)
            self.assertIsInstance(p["name"], str)
            if p["iso_a3"] is not None:
                self.assertRegex(p["iso_a3"], r"^[A-Z]{3}$")
                self.assertNotIn(p["iso_a3"], seen)
                seen.add(p["iso_a3"])
            if p["iso_n3"] is not None:
                self.assertRegex(p["iso_n3"], r"^[0-9]{3}$")
        blr = [f for f in self.fc["features"] if f["properties"]["iso_a3"] == "BLR"][0]
        self.assertEqual(blr["properties"], {"iso_a3": "BLR", "iso_n3": "112", "name": "Belarus"})

    def test_size_budget(self):
        self.assertLess((DATA / "countries.geojson").stat().st_size, 600 * 1024)

    def test_crimea_merged_without_internal_border(self):
        ukr = [f for f in self.fc["features"] if f["properties"]["iso_a3"] == "UKR"][0]
        hit = [poly for poly in parts(ukr["geometry"])
               if point_in_polygon(SIMFEROPOL, [[tuple(p) for p in r] for r in poly])]
        self.assertEqual(len(hit), 1)
        self.assertTrue(point_in_polygon((30.52, 50.45), [[tuple(p) for p in r] for r in hit[0]]),
                        "Crimea should be one polygon with mainland Ukraine")


class CommittedDisputed(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fc = load("disputed.geojson")
        cls.countries = load("countries.geojson")

    def test_features_and_points(self):
        self.assertEqual(disputed_problems(self.fc), [])

    def test_geojson_valid(self):
        self.assertEqual(geojson_problems(self.fc), [])

    def test_no_self_intersections(self):
        for f in self.fc["features"]:
            for poly in parts(f["geometry"]):
                self.assertEqual(self_intersections([tuple(p) for p in poly[0]]), [], f["properties"]["name"])

    def test_de_jure_country_contains_area(self):
        """Each disputed area lies in its de jure country in countries.geojson."""
        iso = {f["properties"]["iso_a3"]: f for f in self.countries["features"]}
        for f in self.fc["features"]:
            ring = parts(f["geometry"])[0][0]
            n = len(ring) - 1
            # centroid of the exterior ring (all features are compact enough)
            cx = sum(p[0] for p in ring[:-1]) / n
            cy = sum(p[1] for p in ring[:-1]) / n
            self.assertTrue(contains(iso[f["properties"]["de_jure"]], (cx, cy)), f["properties"]["name"])
            self.assertFalse(contains(iso["RUS"], (cx, cy)), f["properties"]["name"])

    def test_crimea_is_the_same_polygon_as_in_ukraine(self):
        crimea = [f for f in self.fc["features"] if f["properties"]["name"] == "Crimea"][0]
        ukr = [f for f in self.countries["features"] if f["properties"]["iso_a3"] == "UKR"][0]
        ukr_pts = {tuple(p) for poly in parts(ukr["geometry"]) for r in poly for p in r}
        ring = [tuple(p) for p in parts(crimea["geometry"])[0][0]][:-1]
        missing = [p not in ukr_pts for p in ring]
        # Only the land border with Kherson oblast (dissolved by the merge) may be
        # missing from Ukraine's outline: one contiguous run, all of it north of 45.5 N.
        runs = sum(1 for k in range(len(ring)) if missing[k] and not missing[k - 1])
        self.assertLessEqual(runs, 1)
        self.assertTrue(all(p[1] > 45.5 for p, m in zip(ring, missing) if m))
        self.assertGreater(missing.count(False), 0.8 * len(ring))


class ChecksCanFail(unittest.TestCase):
    """Each check above, run on deliberately broken data, must report a problem."""

    def test_crimea_left_in_russia_is_caught(self):
        fc = load("countries.geojson")
        crimea = [f for f in load("disputed.geojson")["features"] if f["properties"]["name"] == "Crimea"][0]
        rus = [f for f in fc["features"] if f["properties"]["iso_a3"] == "RUS"][0]
        rus["geometry"]["coordinates"].append(parts(crimea["geometry"])[0])
        self.assertIn("Simferopol in RUS", crimea_problems(fc))

    def test_swapped_lat_lon_is_caught(self):
        fc = load("countries.geojson")
        blr = [f for f in fc["features"] if f["properties"]["iso_a3"] == "BLR"]
        swapped = copy.deepcopy(blr[0])
        swapped["geometry"]["coordinates"] = [[[p[1], p[0]] for p in r] for r in parts(swapped["geometry"])[0]]
        swapped["geometry"]["type"] = "Polygon"
        fc["features"] = [swapped]
        self.assertTrue(any("counter-clockwise" in p for p in geojson_problems(fc)))
        self.assertTrue(any(p.startswith("Minsk") for p in place_problems(fc)))

    def test_ring_defects_are_caught(self):
        sq = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
        cases = {
            "not closed": [sq[:-1] + [[0, 0.5]]],
            "exterior not counter-clockwise": [sq[::-1]],
            "hole not clockwise": [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]], sq],
            "duplicate consecutive": [[[0, 0], [1, 0], [1, 0], [1, 1], [0, 1], [0, 0]]],
            "out of range": [[[0, 0], [181, 0], [181, 1], [0, 1], [0, 0]]],
            "positions": [[[0, 0], [1, 0], [0, 0]]],
            "decimals": [[[0, 0], [1.00001, 0], [1, 1], [0, 1], [0, 0]]],
            "antimeridian": [[[179, 65], [-180, 65], [-180, 66], [179, 66], [179, 65]]],
        }
        for expect, coords in cases.items():
            fc = {"type": "FeatureCollection", "features": [
                {"type": "Feature", "properties": {"name": expect},
                 "geometry": {"type": "Polygon", "coordinates": coords}}]}
            problems = geojson_problems(fc)
            self.assertTrue(any(expect in p for p in problems), (expect, problems))

    def test_crossing_edges_are_caught(self):
        bowtie = [[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]
        overlap_a = [[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]
        overlap_b = [[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]]
        self.assertTrue(crossing_problems(fc_of(BOW=[[[tuple(p) for p in bowtie]]])))
        self.assertTrue(crossing_problems(fc_of(AAA=[[[tuple(p) for p in overlap_a]]],
                                                BBB=[[[tuple(p) for p in overlap_b]]])))
        self.assertFalse(crossing_problems(fc_of(AAA=[[[tuple(p) for p in overlap_a]]])))

    def test_disputed_checks_fail_on_missing_or_wrong(self):
        fc = load("disputed.geojson")
        fc["features"] = [f for f in fc["features"] if f["properties"]["name"] != "Transnistria"]
        fc["features"].append({"type": "Feature", "properties": {"name": "Nagorno-Karabakh", "status": "x",
                               "de_jure": "AZE", "approximate": True},
                               "geometry": {"type": "Polygon", "coordinates": [[[46, 39], [47, 39], [47, 40], [46, 39]]]}})
        problems = disputed_problems(fc)
        self.assertIn("missing Transnistria", problems)
        self.assertTrue(any("Karabakh" in p for p in problems))

    def test_places_fail_when_country_missing(self):
        fc = load("countries.geojson")
        fc["features"] = [f for f in fc["features"] if f["properties"]["iso_a3"] != "LTU"]
        self.assertIn("Vilnius: expected [LTU], got []", place_problems(fc))


class FixCrimea(unittest.TestCase):
    """build.fix_crimea on a small hand-made *unfixed* geometry."""

    RUS_MAIN = [[(40, 50), (50, 50), (50, 60), (40, 60), (40, 50)]]
    CRIMEA = [[(33, 44), (36.5, 44), (36.5, 46), (33, 46), (33, 44)]]
    UKR = [[(30, 46), (33, 46), (36.5, 46), (36.5, 52), (30, 52), (30, 46)]]

    def test_unfixed_geometry_fails_the_check(self):
        problems = crimea_problems(fc_of(RUS=[self.RUS_MAIN, self.CRIMEA], UKR=[self.UKR]))
        self.assertEqual(problems[:4],
                         ["Simferopol not in UKR", "Simferopol in RUS", "Sevastopol not in UKR", "Sevastopol in RUS"])

    def test_fix_moves_and_merges(self):
        for order in ([self.RUS_MAIN, self.CRIMEA], [self.CRIMEA, self.RUS_MAIN]):  # no fixed part index
            rus, ukr, crimea, k = build.fix_crimea(order, [self.UKR])
            self.assertEqual(crimea, self.CRIMEA)
            self.assertEqual(order[k], self.CRIMEA)
            self.assertEqual(rus, [self.RUS_MAIN])
            self.assertEqual(len(ukr), 1, "shared isthmus edge should dissolve")
            self.assertEqual(crimea_problems(fc_of(RUS=rus, UKR=ukr)), [])
            self.assertAlmostEqual(signed_area(ukr[0][0]), 3.5 * 2 + 6.5 * 6)

    def test_fix_refuses_split_cities(self):
        sevastopol_elsewhere = [[(33, 44), (33.6, 44), (33.6, 44.8), (33, 44.8), (33, 44)]]
        simferopol_part = [[(34, 44.9), (34.5, 44.9), (34.5, 45.5), (34, 45.5), (34, 44.9)]]
        with self.assertRaises(ValueError):
            build.fix_crimea([sevastopol_elsewhere, simferopol_part], [self.UKR])


class TopoJSONDecoder(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.topo = json.loads((HERE / "testdata" / "tiny_topology.json").read_text(encoding="utf-8"))
        cls.arcs = decode_arcs(cls.topo)
        cls.geoms = {g["properties"]["name"]: geometry_polygons(g, cls.arcs)
                     for g in cls.topo["objects"]["countries"]["geometries"]}

    def test_delta_and_transform(self):
        self.assertEqual(self.arcs[0], [(12.0, 20.0), (12.0, 21.0)])
        self.assertEqual(self.arcs[3], [(12.5, 20.25), (12.5, 20.75), (13.5, 20.75), (13.5, 20.25), (12.5, 20.25)])

    def test_rings_and_reversed_arcs(self):
        self.assertEqual(self.geoms["left"], [[[(12.0, 20.0), (12.0, 21.0), (10.0, 21.0), (10.0, 20.0), (12.0, 20.0)]]])
        right = self.geoms["right"]
        self.assertEqual(right[0][0], [(12.0, 21.0), (12.0, 20.0), (14.0, 20.0), (14.0, 21.0), (12.0, 21.0)])
        self.assertEqual(len(right[0]), 2)
        self.assertEqual(self.geoms["island"], [[[(15.0, 20.0), (15.0, 20.5), (16.0, 20.5), (16.0, 20.0), (15.0, 20.0)]]])

    def test_untransformed_topology(self):
        topo = {"arcs": [[[1.5, 2.5], [3.5, 4.5]]]}
        self.assertEqual(decode_arcs(topo), [[(1.5, 2.5), (3.5, 4.5)]])

    def test_merge_dissolves_shared_arc(self):
        merged = merge_polygons(self.geoms["left"] + self.geoms["right"])
        self.assertEqual(len(merged), 1)
        self.assertEqual(len(merged[0]), 2)  # exterior + the hole
        self.assertAlmostEqual(signed_area(merged[0][0]), 4.0)
        self.assertAlmostEqual(signed_area(merged[0][1]), -0.5)
        self.assertTrue(point_in_polygon((11.0, 20.5), merged[0]))
        self.assertFalse(point_in_polygon((13.0, 20.5), merged[0]))  # in the hole

    def test_split_ring(self):
        ring = [(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0), (0.0, 0.0)]
        east, west = split_ring(ring, [(4.0, 4.05), (2.0, 2.0), (0.05, 0.0)], keep=(3.0, 1.0))
        self.assertTrue(point_in_polygon((3.0, 1.0), [east]))
        self.assertFalse(point_in_polygon((1.0, 3.0), [east]))
        self.assertTrue(point_in_polygon((1.0, 3.0), [west]))
        self.assertAlmostEqual(abs(signed_area(east)) + abs(signed_area(west)), 16.0)
        with self.assertRaises(ValueError):  # a cut line that leaves the ring is refused
            split_ring(ring, [(4.0, 4.0), (6.0, 2.0), (2.0, 2.0), (0.0, 0.0)], keep=(3.0, 1.0))


@unittest.skipUnless((build.CACHE / build.TARBALL).exists(), "world-atlas tarball not cached; run build.py")
class Reproducible(unittest.TestCase):
    def test_build_matches_committed_files(self):
        topo = build.load_topology(build.CACHE / build.TARBALL, build.SOURCE_FILE)
        countries, disputed, _ = build.build(topo)
        self.assertEqual(json.loads(json.dumps(countries)), load("countries.geojson"))
        self.assertEqual(json.loads(json.dumps(disputed)), load("disputed.geojson"))


if __name__ == "__main__":
    unittest.main()
