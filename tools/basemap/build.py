#!/usr/bin/env python3
"""Build Watchfloor's basemap layers (data/basemap/*.geojson) from npm world-atlas.

    python3 tools/basemap/build.py            # fetch (npm pack) if needed, verify, build
    python3 tools/basemap/build.py --offline  # use only tools/basemap/.cache/
    python3 tools/basemap/build.py --refresh-iso-table   # regenerate iso3166.tsv

Python 3.11 standard library only (plus the `npm` client to fetch the tarball).
Input:  world-atlas 2.0.2 (Natural Earth 4.1.0 admin-0 countries, TopoJSON), sha256-pinned.
Output: data/basemap/countries.geojson, data/basemap/disputed.geojson (RFC 7946).
See data/basemap/SOURCES.md for what is changed relative to Natural Earth and why.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from geomops import crossing_segments, dp_keep, farthest_between, merge_polygons, part_containing, self_intersections, split_ring  # noqa: E402
from topojson_lite import Polygon, arc_ids, decode_arcs, dedupe, geometry_polygons, orient, point_in_polygon, signed_area  # noqa: E402

REPO = HERE.parent.parent
CACHE = HERE / ".cache"
OUT = REPO / "data" / "basemap"

PACKAGE, VERSION = "world-atlas", "2.0.2"
TARBALL = f"{PACKAGE}-{VERSION}.tgz"
SHA256 = "032e7765f2ce00edaeafec23ff22bc3b77e42987c257da944cc585b452c05b97"
SOURCE_FILE = "package/countries-10m.json"

# Countries with any vertex in this box are included whole (lon/lat degrees).
BBOX = (-25.0, 25.0, 90.0, 75.0)
# Arcs touching this box (Baltic - Black Sea - Caucasus) keep more detail.
CORE_BBOX = (14.0, 38.0, 50.0, 62.0)
TOL_CORE = 0.005   # Douglas-Peucker tolerance, degrees (~0.5 km)
TOL_OUTER = 0.08   # elsewhere (~8 km)
MIN_RING_AREA_OUTER = 0.02   # deg^2: smaller islands are dropped outside CORE_BBOX ...
MIN_RING_AREA_CORE = 0.0005  # ... and inside it (~3 km^2 at 55 N)
# Small countries touched by the fix-ups keep core detail wherever they are
# (Cyprus, Israel, Palestine, Lebanon; arcs shared with neighbours follow).
DETAIL_IDS = {"196", "376", "275", "422"}
# Only Greenland's east coast touches BBOX; it would cost ~15% of the file for no use.
EXCLUDE_IDS = {"304"}
DECIMALS = 3

# Reference points (lon, lat).
SIMFEROPOL = (34.10, 44.95)
# Sevastopol's centre (44.62 N 33.53 E) falls just offshore on Natural Earth's generalised
# coast (Sevastopol Bay), so probe the city's southern districts instead.
SEVASTOPOL = (33.52, 44.59)
KYIV = (30.52, 50.45)
MELITOPOL = (35.37, 46.85)
SUKHUMI = (41.02, 43.00)
TSKHINVALI = (43.97, 42.23)
TBILISI = (44.79, 41.72)
TIRASPOL = (29.63, 46.84)
CHISINAU = (28.86, 47.01)
KATZRIN = (35.69, 32.99)
TEL_AVIV = (34.78, 32.08)

# Natural Earth names that are abbreviated or outdated -> display names.
NAME_OVERRIDES = {
    "Bosnia and Herz.": "Bosnia and Herzegovina",
    "Macedonia": "North Macedonia",
    "W. Sahara": "Western Sahara",
    "Faeroe Is.": "Faroe Islands",
    "Åland": "Åland Islands",
    "Dem. Rep. Congo": "Democratic Republic of the Congo",
    "Central African Rep.": "Central African Republic",
    "S. Sudan": "South Sudan",
    "Eq. Guinea": "Equatorial Guinea",
    "eSwatini": "Eswatini",
}

AS_OF = "approx. mid-2025"
STATS: dict = {}


# ------------------------------------------------------------------ inputs

def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fetch(offline: bool) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    tgz = CACHE / TARBALL
    if not tgz.exists():
        if offline:
            sys.exit(f"{tgz} missing and --offline given")
        print(f"npm pack {PACKAGE}@{VERSION} -> {CACHE}", file=sys.stderr)
        subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"], cwd=CACHE, check=True,
                       stdout=subprocess.DEVNULL)
    got = sha256(tgz)
    if got != SHA256:
        sys.exit(f"sha256 mismatch for {tgz}: got {got}, pinned {SHA256}")
    return tgz


def load_topology(tgz: Path, member: str) -> dict:
    with tarfile.open(tgz, "r:gz") as tf:
        f = tf.extractfile(member)
        if f is None:
            sys.exit(f"{member} not in {tgz}")
        return json.load(f)


def load_iso_table() -> dict[str, tuple[str, str]]:
    table = {}
    for line in (HERE / "iso3166.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.startswith("numeric\t") or not line.strip():
            continue
        num, a3, name = line.split("\t")
        table[num] = (a3, name)
    return table


def refresh_iso_table() -> None:
    src = Path("/usr/share/iso-codes/json/iso_3166-1.json")
    rows = json.loads(src.read_text(encoding="utf-8"))["3166-1"]
    lines = [
        "# ISO 3166-1 numeric -> alpha-3, generated from Debian iso-codes 4.15.0",
        "# (/usr/share/iso-codes/json/iso_3166-1.json; same upstream as PyPI pycountry).",
        "# Regenerate: python3 tools/basemap/build.py --refresh-iso-table",
        "numeric\talpha_3\tname",
    ]
    for c in sorted(rows, key=lambda c: c["numeric"]):
        lines.append(f"{c['numeric']}\t{c['alpha_3']}\t{c.get('common_name', c['name'])}")
    (HERE / "iso3166.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


SNAPS: list[str] = []


def snapped(name: str, ring, line):
    """Record how far the curated end points are from the ring vertices they snap to."""
    from geomops import nearest_vertex
    for end in (line[0], line[-1]):
        k, d = nearest_vertex(ring, end)
        SNAPS.append(f"{name}: ({end[1]:.3f} N, {end[0]:.3f} E) -> ({ring[k][1]} N, {ring[k][0]} E), {d * 111:.1f} km")
    return line


def load_polyline(name: str) -> list[tuple[float, float]]:
    """Curated TSV (lat, lon, note) -> list of (lon, lat)."""
    pts = []
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("lat\t"):
            continue
        lat, lon = line.split("\t")[:2]
        pts.append((float(lon), float(lat)))
    return pts


# ------------------------------------------------------------------ geometry prep

def in_box(p, box) -> bool:
    return box[0] <= p[0] <= box[2] and box[1] <= p[1] <= box[3]


def prepare_arcs(topology: dict, used: set[int]) -> list[list[tuple[float, float]]]:
    """Decode, simplify per arc (a border shared by two countries stays identical for
    both), round, and drop consecutive duplicates. Where a simplified segment crosses
    another segment, original vertices are put back into that segment until it no
    longer crosses or is an original segment again; so the build adds no
    self-intersections (the few crossings already in the quantized source remain)."""
    detail: set[int] = set()
    for g in topology["objects"]["countries"]["geometries"]:
        if g.get("id") in DETAIL_IDS or g["properties"]["name"] in ("N. Cyprus", "Cyprus U.N. Buffer Zone"):
            detail |= arc_ids(g)
    raw = decode_arcs(topology)
    keep: list[list[int]] = []
    for n, arc in enumerate(raw):
        tol = TOL_CORE if n in detail or any(in_box(p, CORE_BBOX) for p in arc) else TOL_OUTER
        keep.append(dp_keep(arc, tol))

    def render(n: int) -> tuple[list[tuple[float, float]], list[int]]:
        pts, idx = [], []
        for k in keep[n]:
            p = (round(raw[n][k][0], DECIMALS), round(raw[n][k][1], DECIMALS))
            if not pts or p != pts[-1]:
                pts.append(p)
                idx.append(k)
            else:
                idx[-1] = k  # duplicate after rounding: the later index closes the span
        return pts, idx

    rendered = [render(n) for n in range(len(raw))]
    added = 0
    for _ in range(50):
        bad = crossing_segments([r[0] for r in rendered], used)
        touched = set()
        for a, i in bad:
            idx = rendered[a][1]
            k1, k2 = idx[i], idx[i + 1]
            if k2 - k1 > 1:
                keep[a] = sorted(set(keep[a]) | {farthest_between(raw[a], k1, k2)})
                touched.add(a)
                added += 1
        if not touched:
            break
        for a in touched:
            rendered[a] = render(a)
    STATS["vertices_restored"] = added
    STATS["source_crossings"] = len(bad)
    return [r[0] for r in rendered]


def fix_antimeridian(ring: list) -> list:
    """world-atlas stores some vertices on the antimeridian as -180 inside rings that lie
    east of it (Russia's Chukotka coast, Wrangel Island), so the ring jumps 360 degrees
    in longitude: harmless on d3's sphere, but in the plane (RFC 7946, SVG, planar
    point-in-polygon) it adds a band round the whole world. Put such vertices on the
    ring's own side (+180 or -180)."""
    if not any(abs(b[0] - a[0]) > 180 for a, b in zip(ring, ring[1:])):
        return ring
    east = sum(1 for x, _ in ring if x > 0) >= sum(1 for x, _ in ring if x < 0)
    fixed = [((180.0 if east else -180.0), y) if abs(x) == 180 else (x, y) for x, y in ring]
    if any(abs(b[0] - a[0]) > 180 for a, b in zip(fixed, fixed[1:])):
        raise SystemExit(f"ring crosses the antimeridian away from +-180: {ring[:3]}...")
    return fixed


def clean(polys: list[Polygon]) -> list[Polygon]:
    """Dedupe, drop degenerate rings and tiny islands outside CORE_BBOX, RFC 7946 winding."""
    out = []
    for poly in polys:
        poly = [fix_antimeridian(r) for r in poly]
        ext = dedupe(poly[0])
        if len(ext) < 4 or signed_area(ext) == 0:
            continue  # exterior collapsed: drop the whole part
        core = any(in_box(p, CORE_BBOX) for p in ext)
        if abs(signed_area(ext)) < (MIN_RING_AREA_CORE if core else MIN_RING_AREA_OUTER):
            continue
        holes = [dedupe(h) for h in poly[1:]]
        out.append(orient([ext] + [h for h in holes if len(h) >= 4 and signed_area(h) != 0]))
    return out


# ------------------------------------------------------------------ build

def build(topology: dict) -> tuple[dict, dict, dict]:
    iso = load_iso_table()
    raw_arcs = decode_arcs(topology)
    selected = []
    for g in topology["objects"]["countries"]["geometries"]:
        raw = geometry_polygons(g, raw_arcs)
        if g.get("id") not in EXCLUDE_IDS and any(in_box(p, BBOX) for poly in raw for p in poly[0]):
            selected.append(g)
    arcs = prepare_arcs(topology, set().union(*(arc_ids(g) for g in selected)))
    feats: dict[str, dict] = {}  # key -> {"props":..., "polys": [...]}
    extra: dict[str, list[Polygon]] = {}  # non-ISO pieces, by Natural Earth name
    for g in selected:
        name = g["properties"]["name"]
        polys = clean(geometry_polygons(g, arcs))
        num = g.get("id")
        if num is None:
            extra[name] = polys
            continue
        a3, iso_name = iso[num]
        feats[a3] = {"iso_a3": a3, "iso_n3": num, "name": NAME_OVERRIDES.get(name, name), "polys": polys}

    report: dict = {"changes": []}
    disputed: list[dict] = []

    # --- Crimea: Russia's part that contains Simferopol and Sevastopol -> Ukraine.
    rus, ukr = feats["RUS"], feats["UKR"]
    ukr_mainland = ukr["polys"][part_containing(ukr["polys"], KYIV)]
    rus["polys"], ukr["polys"], crimea, k = fix_crimea(rus["polys"], ukr["polys"])
    report["changes"].append(f"Crimea: part {k} of Russia ({len(crimea[0])} vertices) moved to Ukraine and merged")
    disputed.append(dfeat("Crimea", "occupied by Russia since 2014; annexation not recognised (UN GA res. 68/262)",
                          "UKR", False, "Natural Earth 4.1.0 polygon (via world-atlas 2.0.2)", [crimea]))

    # --- Occupied mainland Ukraine: front line + Natural Earth boundary of mainland Ukraine.
    occ, _ = split_ring(ukr_mainland[0], snapped("occupied Ukraine", ukr_mainland[0], load_polyline("occupied_ukraine.tsv")), MELITOPOL)
    disputed.append(dfeat("Occupied areas of Donetsk, Luhansk, Zaporizhzhia and Kherson oblasts",
                          "occupied by Russia (parts since 2014, most since 2022); annexation not recognised "
                          "(UN GA res. ES-11/4)", "UKR", True,
                          "tools/basemap/occupied_ukraine.tsv (hand-made line of contact) + Natural Earth border/coast",
                          [[occ]], as_of=AS_OF))

    # --- Georgia: Abkhazia and South Ossetia.
    geo = feats["GEO"]
    geo_main = geo["polys"][part_containing(geo["polys"], TBILISI)][0]
    abk, _ = split_ring(geo_main, snapped("Abkhazia", geo_main, load_polyline("abkhazia.tsv")), SUKHUMI)
    sos, _ = split_ring(geo_main, snapped("South Ossetia", geo_main, load_polyline("south_ossetia.tsv")), TSKHINVALI)
    disputed.append(dfeat("Abkhazia", "occupied by Russia since 2008 (separatist control since 1993)", "GEO", True,
                          "tools/basemap/abkhazia.tsv (hand-made ABL) + Natural Earth border/coast", [[abk]]))
    disputed.append(dfeat("South Ossetia (Tskhinvali Region)", "occupied by Russia since 2008 "
                          "(separatist control since 1992)", "GEO", True,
                          "tools/basemap/south_ossetia.tsv (hand-made ABL) + Natural Earth border", [[sos]]))

    # --- Transnistria.
    mda = feats["MDA"]
    mda_main = mda["polys"][part_containing(mda["polys"], CHISINAU)][0]
    tra, _ = split_ring(mda_main, snapped("Transnistria", mda_main, load_polyline("transnistria.tsv")), TIRASPOL)
    disputed.append(dfeat("Transnistria", "Russian-backed breakaway region since 1992; Russian troops stationed",
                          "MDA", True, "tools/basemap/transnistria.tsv (hand-made, Dniester) + Natural Earth border",
                          [[tra]]))

    # --- Golan Heights: Israel -> Syria.
    isr, syr = feats["ISR"], feats["SYR"]
    ki = part_containing(isr["polys"], TEL_AVIV)
    golan, israel = split_ring(isr["polys"][ki][0], snapped("Golan", isr["polys"][ki][0], load_polyline("golan.tsv")), KATZRIN)
    if point_in_polygon(TEL_AVIV, [golan]):
        raise SystemExit("Golan split went wrong")
    isr["polys"][ki] = orient([israel] + isr["polys"][ki][1:])
    syr["polys"] = merge_polygons(syr["polys"] + [orient([golan])])
    report["changes"].append("Golan Heights: cut from Israel along tools/basemap/golan.tsv and merged into Syria")
    disputed.append(dfeat("Golan Heights", "occupied by Israel since 1967; annexation declared null and void "
                          "(UN SC res. 497)", "SYR", True,
                          "tools/basemap/golan.tsv (hand-made pre-1967 line) + Natural Earth border", [[golan]]))

    # --- Cyprus: northern part and UN buffer zone belong to the Republic of Cyprus.
    cyp = feats["CYP"]
    ncy = extra.pop("N. Cyprus")
    cyp["polys"] = merge_polygons(cyp["polys"] + ncy + extra.pop("Cyprus U.N. Buffer Zone"))
    report["changes"].append("Cyprus: 'N. Cyprus' and the UN buffer zone merged into Cyprus")
    disputed.append(dfeat("Northern Cyprus", "occupied by Turkey since 1974; 'TRNC' recognised only by Turkey "
                          "(UN SC res. 541)", "CYP", False, "Natural Earth 4.1.0 polygon (via world-atlas 2.0.2)", ncy))

    # --- Baikonur (leased to Russia, Kazakh territory) -> Kazakhstan.
    kaz = feats["KAZ"]
    kaz["polys"] = merge_polygons(kaz["polys"] + extra.pop("Baikonur"))
    report["changes"].append("Baikonur lease area merged into Kazakhstan")

    # --- Remaining non-ISO pieces.
    feats["XKX"] = {"iso_a3": "XKX", "iso_n3": None, "name": "Kosovo", "polys": extra.pop("Kosovo")}
    report["changes"].append("Kosovo: kept as drawn by Natural Earth, user-assigned code XKX, no numeric code")
    sba = extra.pop("Akrotiri") + extra.pop("Dhekelia")
    feats["~SBA"] = {"iso_a3": None, "iso_n3": None, "name": "Akrotiri and Dhekelia (UK Sovereign Base Areas)",
                     "polys": sba}
    for name, polys in sorted(extra.items()):
        feats["~" + name] = {"iso_a3": None, "iso_n3": None, "name": name, "polys": polys}
        report["changes"].append(f"{name}: kept as drawn by Natural Earth, no ISO code")

    # Sanity: fixed reference points.
    assert point_in_any(feats["UKR"]["polys"], SIMFEROPOL) and not point_in_any(feats["RUS"]["polys"], SIMFEROPOL)
    assert point_in_any(feats["SYR"]["polys"], KATZRIN) and not point_in_any(feats["ISR"]["polys"], KATZRIN)
    for f in disputed:
        for poly in _polys(f["geometry"]):
            bad = self_intersections([tuple(p) for p in poly[0]])
            if bad:
                raise SystemExit(f"disputed feature {f['properties']['name']!r} self-intersects at edges {bad}")

    countries = {"type": "FeatureCollection", "features": [
        {"type": "Feature",
         "properties": {"iso_a3": v["iso_a3"], "iso_n3": v["iso_n3"], "name": v["name"]},
         "geometry": geom(v["polys"])}
        for _, v in sorted(feats.items())]}
    disp = {"type": "FeatureCollection", "features": disputed}
    return countries, disp, report


def fix_crimea(rus: list[Polygon], ukr: list[Polygon]) -> tuple[list[Polygon], list[Polygon], Polygon, int]:
    """Move the part of Russia's MultiPolygon that contains both Simferopol and
    Sevastopol into Ukraine (merged along the shared isthmus boundary).
    Returns (new Russia parts, new Ukraine parts, the Crimea polygon, its old index)."""
    k = part_containing(rus, SIMFEROPOL)
    if part_containing(rus, SEVASTOPOL) != k:
        raise ValueError("Simferopol and Sevastopol are in different parts of Russia")
    crimea = rus[k]
    new_rus = rus[:k] + rus[k + 1 :]
    new_ukr = merge_polygons(ukr + [crimea])
    if point_in_any(new_rus, SIMFEROPOL) or not point_in_any(new_ukr, SIMFEROPOL):
        raise ValueError("Crimea fix failed")
    return new_rus, new_ukr, crimea, k


def point_in_any(polys, pt) -> bool:
    return any(point_in_polygon(pt, p) for p in polys)


def geom(polys: list[Polygon]) -> dict:
    polys = [orient(p) for p in polys]
    coords = [[[list(pt) for pt in ring] for ring in poly] for poly in polys]
    if len(coords) == 1:
        return {"type": "Polygon", "coordinates": coords[0]}
    return {"type": "MultiPolygon", "coordinates": coords}


def dfeat(name, status, de_jure, approximate, source, polys, as_of=None) -> dict:
    props = {"name": name, "status": status, "de_jure": de_jure, "approximate": approximate}
    if as_of:
        props["as_of"] = as_of
    props["source"] = source
    return {"type": "Feature", "properties": props, "geometry": geom([orient(p) for p in polys])}


def write_geojson(path: Path, fc: dict) -> None:
    """Compact JSON, one feature per line (small, yet diffable)."""
    lines = ['{"type":"FeatureCollection","features":[']
    feats = fc["features"]
    for i, f in enumerate(feats):
        lines.append(json.dumps(f, separators=(",", ":"), ensure_ascii=False) + ("," if i < len(feats) - 1 else ""))
    lines.append("]}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--offline", action="store_true", help="do not run npm; use the cached tarball")
    ap.add_argument("--refresh-iso-table", action="store_true", help="regenerate iso3166.tsv from Debian iso-codes")
    args = ap.parse_args()
    if args.refresh_iso_table:
        refresh_iso_table()
        return
    tgz = fetch(args.offline)
    topo = load_topology(tgz, SOURCE_FILE)
    countries, disputed, report = build(topo)
    OUT.mkdir(parents=True, exist_ok=True)
    write_geojson(OUT / "countries.geojson", countries)
    write_geojson(OUT / "disputed.geojson", disputed)
    for name in ("countries.geojson", "disputed.geojson"):
        p = OUT / name
        fc = json.loads(p.read_text(encoding="utf-8"))
        nv = sum(len(r) for f in fc["features"] for poly in _polys(f["geometry"]) for r in poly)
        print(f"{p.relative_to(REPO)}: {p.stat().st_size} bytes, {len(fc['features'])} features, {nv} positions")
    for c in report["changes"]:
        print("  changed:", c)
    for line in SNAPS:
        print("  snapped", line)
    print(f"  vertices restored to avoid crossings: {STATS['vertices_restored']}; "
          f"crossing segments left from the source: {STATS['source_crossings']}")


def _polys(g):
    return [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]


if __name__ == "__main__":
    main()
