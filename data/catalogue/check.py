#!/usr/bin/env python3
"""Validate the Watchfloor entity catalogue (data/catalogue/*.toml).

Standard library only (Python 3.11+, tomllib). Usage:

    python3 data/catalogue/check.py [--gold PATH] [--quiet]

Checks the schema described in README.md beside this file: required and
allowed keys, entity kinds, ID forms (shared/spec/TAXONOMY.md), unique IDs,
references (country, parent, membership members, body owners), ISO dates,
coordinates, alias lists, and that no surface form names two entities unless
it is on ALLOWED_SHARED below. It then reports how much of the seed gold file
the catalogue covers. Exit status: 0 when clean, 1 on any error.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import os
import re
import sys
import tomllib
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent

KINDS = {"country", "organization", "body", "military", "weapon", "exercise",
         "agreement", "person", "site", "other"}

# Which kinds each file may hold ("other" is allowed everywhere).
FILE_KINDS = {
    "countries.toml": {"country"},
    "organizations.toml": {"organization"},
    "bodies.toml": {"body"},
    "military.toml": {"military"},
    "weapons.toml": {"weapon"},
    "exercises.toml": {"exercise"},
    "agreements.toml": {"agreement"},
    "persons.toml": {"person"},
    "sites.toml": {"site"},
}

ID_FORMS = {
    "country": re.compile(r"^[A-Z]{3}$"),
    "organization": re.compile(r"^org:[A-Z0-9][A-Z0-9_]*$"),
    "body": re.compile(r"^body:[A-Z0-9][A-Z0-9_]*:[A-Z0-9][A-Z0-9_]*$"),
    "military": re.compile(r"^mil:[A-Z0-9][A-Z0-9_]*$"),
    "weapon": re.compile(r"^wpn:[A-Z0-9][A-Z0-9_]*$"),
    "exercise": re.compile(r"^ex:[A-Z0-9][A-Z0-9_]*$"),
    "agreement": re.compile(r"^doc:[A-Z0-9][A-Z0-9_]*$"),
    "person": re.compile(r"^per:[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$"),
    "site": re.compile(r"^site:[A-Z0-9][A-Z0-9_]*$"),
    "other": re.compile(r"^[a-z]+:[A-Za-z0-9_:]+$"),
}

TOP_KEYS = {"id", "kind", "name", "country", "parent", "lat", "lon", "range_km",
            "nuclear_capable", "note", "sources", "aliases", "contextual", "membership"}
REQUIRED = ("id", "kind", "name", "note", "sources")
ALIAS_KEYS = ("en", "ru", "be", "uk", "pl", "mt", "metonyms", "demonyms")
NAME_KEYS = ("en", "ru", "be", "uk", "pl", "mt")          # surface forms that name the entity
CONTEXT_KEYS = {"alias", "case_sensitive", "near", "avoid"}
MEMBER_KEYS = {"member", "status", "from", "to", "source"}
STATUSES = {"member", "suspended", "observer", "partner"}

# Ordinary words / acronyms with other meanings: never a plain alias
# (use [[entity.contextual]] or an in-document definition instead).
FORBIDDEN_PLAIN = {"idp", "union", "council", "cooperation", "interaction", "search",
                   "shield", "west", "east", "centre", "center", "thunder", "frontier",
                   "military staff", "general assembly", "запад", "восток", "центр",
                   "кавказ", "гром", "поиск", "взаимодействие", "союз", "rrv"}

# Surface forms knowingly shared by two or more entities: (normalised form) -> IDs.
ALLOWED_SHARED: dict[str, set[str]] = {
}
# Demonyms knowingly shared (an adjective can point to more than one actor).
ALLOWED_SHARED_DEMONYMS: dict[str, set[str]] = {
}

GOLD_SKIP = {"IDP", "RRV"}   # document-defined acronyms (TAXONOMY.md)

_QUOTES = str.maketrans({"‘": "'", "’": "'", "ʼ": "'", "`": "'", "´": "'", "“": '"',
                         "”": '"', "„": '"', "«": '"', "»": '"', "‐": "-", "‑": "-",
                         "‒": "-", "–": "-", "—": "-", "―": "-", "ё": "е", "Ё": "Е"})


def norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).translate(_QUOTES)
    return " ".join(s.casefold().split())


def iso_date(s) -> bool:
    if not isinstance(s, str):
        return False
    for fmt, rx in (("%Y-%m-%d", r"^\d{4}-\d{2}-\d{2}$"), ("%Y-%m", r"^\d{4}-\d{2}$"), ("%Y", r"^\d{4}$")):
        if re.match(rx, s):
            try:
                _dt.datetime.strptime(s, fmt)
                return True
            except ValueError:
                return False
    return False


def is_url(s) -> bool:
    return isinstance(s, str) and re.match(r"^https?://\S+$", s) is not None


class Checker:
    def __init__(self):
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.entities: dict[str, dict] = {}
        self.origin: dict[str, str] = {}

    def err(self, eid, field, msg):
        self.errors.append(f"{eid} [{field}]: {msg}")

    def warn(self, eid, field, msg):
        self.warnings.append(f"{eid} [{field}]: {msg}")

    # -- loading ---------------------------------------------------------
    def load(self, files):
        for f in files:
            try:
                data = tomllib.loads(f.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
                self.errors.append(f"{f.name}: not valid TOML/UTF-8: {e}")
                continue
            extra = set(data) - {"entity"}
            if extra:
                self.errors.append(f"{f.name}: unexpected top-level keys {sorted(extra)} (only [[entity]] tables)")
            ents = data.get("entity", [])
            if not isinstance(ents, list):
                self.errors.append(f"{f.name}: 'entity' must be an array of tables ([[entity]])")
                continue
            for i, e in enumerate(ents):
                eid = e.get("id") if isinstance(e.get("id"), str) else f"{f.name}#entity{i + 1}"
                if eid in self.entities:
                    self.err(eid, "id", f"duplicate ID (also in {self.origin[eid]})")
                    continue
                self.entities[eid] = e
                self.origin[eid] = f.name
                self.check_entity(f.name, eid, e)

    # -- per entity --------------------------------------------------------
    def check_entity(self, fname, eid, e):
        for k in REQUIRED:
            if k not in e:
                self.err(eid, k, "required key missing")
        for k in set(e) - TOP_KEYS:
            self.err(eid, k, "unknown key (schema in README.md)")
        kind = e.get("kind")
        if kind not in KINDS:
            self.err(eid, "kind", f"unknown kind {kind!r}")
        else:
            allowed = FILE_KINDS.get(fname)
            if allowed and kind not in allowed and kind != "other":
                self.err(eid, "kind", f"kind {kind!r} does not belong in {fname}")
            if not ID_FORMS[kind].match(str(e.get("id", ""))):
                self.err(eid, "id", f"ID does not have the {kind} form {ID_FORMS[kind].pattern}")
        for k in ("name", "note"):
            if k in e and (not isinstance(e[k], str) or not e[k].strip()):
                self.err(eid, k, "must be a non-empty string")
        src = e.get("sources")
        if src is not None:
            if not isinstance(src, list) or not src:
                self.err(eid, "sources", "must be a non-empty list of URLs")
            else:
                for s in src:
                    if not is_url(s):
                        self.err(eid, "sources", f"not a URL: {s!r}")
        for k in ("country", "parent"):
            if k in e and not isinstance(e[k], str):
                self.err(eid, k, "must be a string ID")
        has_lat, has_lon = "lat" in e, "lon" in e
        if has_lat != has_lon:
            self.err(eid, "lat/lon", "give both lat and lon or neither")
        if has_lat and not (isinstance(e["lat"], (int, float)) and not isinstance(e["lat"], bool) and -90 <= e["lat"] <= 90):
            self.err(eid, "lat", f"out of range or not a number: {e['lat']!r}")
        if has_lon and not (isinstance(e["lon"], (int, float)) and not isinstance(e["lon"], bool) and -180 <= e["lon"] <= 180):
            self.err(eid, "lon", f"out of range or not a number: {e['lon']!r}")
        if kind == "site":
            if not has_lat:
                self.err(eid, "lat/lon", "a site needs coordinates")
            if "country" not in e:
                self.err(eid, "country", "a site needs the country it lies in")
        if "range_km" in e:
            r = e["range_km"]
            if isinstance(r, bool) or not isinstance(r, (int, float)) or r <= 0:
                self.err(eid, "range_km", f"must be a positive number, got {r!r}")
        if "nuclear_capable" in e and not isinstance(e["nuclear_capable"], bool):
            self.err(eid, "nuclear_capable", "must be true or false")
        if kind != "weapon":
            for k in ("range_km", "nuclear_capable"):
                if k in e:
                    self.warn(eid, k, "only weapon systems usually carry this")
        self.check_aliases(eid, e.get("aliases"))
        self.check_contextual(eid, e.get("contextual"))
        self.check_membership(eid, e.get("membership"))

    def _strlist(self, eid, field, v):
        if not isinstance(v, list):
            self.err(eid, field, "must be a list of strings")
            return []
        out = []
        for a in v:
            if not isinstance(a, str) or not a.strip():
                self.err(eid, field, f"empty or non-string entry {a!r}")
            elif a != a.strip():
                self.err(eid, field, f"leading/trailing whitespace in {a!r}")
            else:
                out.append(a)
        dup = [a for a, n in Counter(out).items() if n > 1]
        if dup:
            self.err(eid, field, f"repeated entries {dup}")
        return out

    def check_aliases(self, eid, al):
        if al is None:
            self.err(eid, "aliases", "missing [entity.aliases] table")
            return
        if not isinstance(al, dict):
            self.err(eid, "aliases", "must be a table")
            return
        for k in set(al) - set(ALIAS_KEYS):
            self.err(eid, f"aliases.{k}", f"unknown alias list (allowed: {', '.join(ALIAS_KEYS)})")
        n = 0
        for k in ALIAS_KEYS:
            if k in al:
                lst = self._strlist(eid, f"aliases.{k}", al[k])
                if k in NAME_KEYS:
                    n += len(lst)
                if k != "demonyms":
                    for a in lst:
                        if norm(a) in FORBIDDEN_PLAIN:
                            self.err(eid, f"aliases.{k}", f"{a!r} is an ordinary word/ambiguous acronym: use [[entity.contextual]]")
        if n == 0:
            self.err(eid, "aliases", "no names at all (en/ru/be/uk/pl/mt all empty)")
        if not al.get("en"):
            self.warn(eid, "aliases.en", "no English alias")

    def check_contextual(self, eid, ctx):
        if ctx is None:
            return
        if not isinstance(ctx, list):
            self.err(eid, "contextual", "must be an array of tables ([[entity.contextual]])")
            return
        for i, c in enumerate(ctx):
            f = f"contextual[{i}]"
            if not isinstance(c, dict):
                self.err(eid, f, "must be a table")
                continue
            for k in set(c) - CONTEXT_KEYS:
                self.err(eid, f"{f}.{k}", "unknown key")
            if not isinstance(c.get("alias"), str) or not c["alias"].strip():
                self.err(eid, f"{f}.alias", "required non-empty string")
            if "case_sensitive" in c and not isinstance(c["case_sensitive"], bool):
                self.err(eid, f"{f}.case_sensitive", "must be true or false")
            near = self._strlist(eid, f"{f}.near", c.get("near", []))
            self._strlist(eid, f"{f}.avoid", c.get("avoid", []))
            if not near:
                self.err(eid, f"{f}.near", "a contextual alias needs at least one context word")

    def check_membership(self, eid, mem):
        if mem is None:
            return
        if not isinstance(mem, list):
            self.err(eid, "membership", "must be an array of tables ([[entity.membership]])")
            return
        for i, m in enumerate(mem):
            f = f"membership[{i}]"
            if not isinstance(m, dict):
                self.err(eid, f, "must be a table")
                continue
            who = m.get("member", "?")
            f = f"membership[{i}:{who}]"
            for k in set(m) - MEMBER_KEYS:
                self.err(eid, f"{f}.{k}", "unknown key")
            for k in ("member", "status", "from", "source"):
                if k not in m:
                    self.err(eid, f"{f}.{k}", "required key missing")
            if "status" in m and m["status"] not in STATUSES:
                self.err(eid, f"{f}.status", f"{m['status']!r} not one of {sorted(STATUSES)}")
            for k in ("from", "to"):
                if k in m and not iso_date(m[k]):
                    self.err(eid, f"{f}.{k}", f"not an ISO date (YYYY[-MM[-DD]]): {m[k]!r}")
            if iso_date(m.get("from")) and iso_date(m.get("to")) and m["to"] < m["from"]:
                self.err(eid, f"{f}.to", f"ends ({m['to']}) before it starts ({m['from']})")
            if "source" in m and not is_url(m["source"]):
                self.err(eid, f"{f}.source", f"not a URL: {m['source']!r}")

    # -- cross-entity checks ------------------------------------------------
    def cross(self):
        kinds = {eid: e.get("kind") for eid, e in self.entities.items()}
        for eid, e in self.entities.items():
            c = e.get("country")
            if isinstance(c, str) and kinds.get(c) != "country":
                self.err(eid, "country", f"{c!r} is not a country ID in the catalogue")
            p = e.get("parent")
            if isinstance(p, str) and p not in self.entities:
                self.err(eid, "parent", f"{p!r} is not an ID in the catalogue")
            if e.get("kind") == "body" and isinstance(e.get("id"), str) and e["id"].count(":") == 2:
                owner = e["id"].split(":")[1]
                if f"org:{owner}" not in self.entities and kinds.get(owner) != "country":
                    self.err(eid, "id", f"owner {owner!r} is neither org:{owner} nor a country in the catalogue")
            spells = defaultdict(list)
            for i, m in enumerate(e.get("membership") or []):
                if not isinstance(m, dict):
                    continue
                who = m.get("member")
                if isinstance(who, str) and who not in self.entities:
                    self.err(eid, f"membership[{i}:{who}].member", f"{who!r} is not an ID in the catalogue")
                if who == eid:
                    self.err(eid, f"membership[{i}:{who}].member", "an organization cannot be its own member")
                if iso_date(m.get("from")):
                    spells[who].append((m["from"], m.get("to") or "9999"))
            for who, sp in spells.items():
                sp.sort()
                for (a0, a1), (b0, b1) in zip(sp, sp[1:]):
                    if b0 < a1:
                        self.err(eid, f"membership:{who}", f"overlapping spells {a0}..{a1} and {b0}..{b1}")
        # unique surface forms
        owners = defaultdict(set)
        demo = defaultdict(set)
        for eid, e in self.entities.items():
            al = e.get("aliases") if isinstance(e.get("aliases"), dict) else {}
            for k in NAME_KEYS + ("metonyms",):
                for a in al.get(k, []) if isinstance(al.get(k), list) else []:
                    if isinstance(a, str) and a.strip():
                        owners[norm(a)].add(eid)
            for a in al.get("demonyms", []) if isinstance(al.get("demonyms"), list) else []:
                if isinstance(a, str) and a.strip():
                    demo[norm(a)].add(eid)
        for form, ids in sorted(owners.items()):
            if len(ids) > 1 and not ids <= ALLOWED_SHARED.get(form, set()):
                self.errors.append(f"{', '.join(sorted(ids))} [aliases]: surface form {form!r} names more than one entity "
                                   f"(disambiguate, or add it to ALLOWED_SHARED in check.py)")
        for form, ids in sorted(demo.items()):
            if len(ids) > 1 and not ids <= ALLOWED_SHARED_DEMONYMS.get(form, set()):
                self.errors.append(f"{', '.join(sorted(ids))} [aliases.demonyms]: demonym {form!r} shared "
                                   f"(add it to ALLOWED_SHARED_DEMONYMS in check.py if intended)")
        # contextual aliases that are already plain aliases of another entity
        for eid, e in self.entities.items():
            for i, c in enumerate(e.get("contextual") or []):
                if isinstance(c, dict) and isinstance(c.get("alias"), str):
                    others = owners.get(norm(c["alias"]), set()) - {eid}
                    if others and not c.get("case_sensitive"):
                        self.warn(eid, f"contextual[{i}].alias", f"{c['alias']!r} is a plain alias of {sorted(others)}")

    # -- reporting -----------------------------------------------------------
    def summary(self):
        by_kind = Counter(e.get("kind") for e in self.entities.values())
        by_file = Counter(self.origin.values())
        n_alias = sum(len(v) for e in self.entities.values() if isinstance(e.get("aliases"), dict)
                      for k, v in e["aliases"].items() if k in NAME_KEYS and isinstance(v, list))
        n_ctx = sum(len(e.get("contextual") or []) for e in self.entities.values())
        n_mem = sum(len(e.get("membership") or []) for e in self.entities.values())
        print(f"catalogue: {len(self.entities)} entities in {len(by_file)} files")
        for f, n in sorted(by_file.items()):
            print(f"  {f:20s} {n:4d}")
        print("  by kind: " + ", ".join(f"{k}={n}" for k, n in sorted(by_kind.items(), key=lambda x: str(x[0]))))
        print(f"  names (en/ru/be/uk/pl/mt): {n_alias}; contextual aliases: {n_ctx}; membership rows: {n_mem}")


def find_gold(arg):
    if arg:
        return Path(arg)
    cands = []
    if os.environ.get("WATCHFLOOR_SHARED"):
        cands.append(Path(os.environ["WATCHFLOOR_SHARED"]) / "gold")
    root = HERE.parent.parent
    cands += [root.parent / "shared" / "gold", root / "shared" / "gold"]
    for c in cands:
        if c.is_dir():
            return c
    return None


def taxonomy_coverage(chk: Checker, gold_dir: Path | None):
    """Every example ID named in shared/spec/TAXONOMY.md (except geo: places) must exist."""
    spec = gold_dir.parent / "spec" / "TAXONOMY.md" if gold_dir is not None else None
    if spec is None or not spec.is_file():
        print("taxonomy coverage: TAXONOMY.md not found; skipped")
        return
    text = spec.read_text(encoding="utf-8")
    ids = set()
    for tok in re.findall(r"`([^`]+)`", text):
        if re.fullmatch(r"[A-Z]{3}", tok) or re.fullmatch(r"(org|body|mil|wpn|ex|doc|per|site):[A-Z0-9_:]+", tok):
            ids.add(tok)
    missing = sorted(i for i in ids if i not in chk.entities)
    print(f"taxonomy coverage ({spec.name}): IDs {len(ids) - len(missing)}/{len(ids)}")
    for m in missing:
        chk.errors.append(f"taxonomy: {m} [id]: named in TAXONOMY.md but missing from the catalogue")


def gold_coverage(chk: Checker, gold_path: Path | None):
    import json
    if gold_path is None or not gold_path.exists():
        print(f"gold coverage: no gold file or directory found ({gold_path or 'set WATCHFLOOR_SHARED or --gold'}); skipped")
        return
    files = sorted(gold_path.glob("*.gold.json")) if gold_path.is_dir() else [gold_path]
    for gf in files:
        gold = json.loads(gf.read_text(encoding="utf-8"))
        ids_ok = ids_all = al_ok = al_all = 0
        missing = []
        for gid, aliases in gold.get("entities", {}).items():
            ids_all += 1
            e = chk.entities.get(gid)
            if e is None:
                missing.append(f"{gid} [id]: entity missing from the catalogue")
            else:
                ids_ok += 1
            forms = {}
            if e is not None:
                al = e.get("aliases") or {}
                for k in NAME_KEYS + ("metonyms",):
                    for a in al.get(k, []):
                        forms.setdefault(norm(a), k)
                for c in e.get("contextual") or []:
                    forms.setdefault(norm(c.get("alias", "")), "contextual")
            for a in aliases:
                if a in GOLD_SKIP:
                    continue
                al_all += 1
                if norm(a) in forms:
                    al_ok += 1
                else:
                    missing.append(f"{gid} [aliases]: gold alias {a!r} not in the catalogue")
        print(f"gold coverage ({gf.name}): IDs {ids_ok}/{ids_all}, aliases {al_ok}/{al_all} "
              f"(skipping document-defined {', '.join(sorted(GOLD_SKIP))})")
        for m in missing:
            chk.errors.append("gold: " + m)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", help="gold file or directory (default: ../shared/gold beside the repository)")
    ap.add_argument("--quiet", action="store_true", help="print errors only")
    ap.add_argument("--no-gold", action="store_true", help="skip the gold and taxonomy coverage checks")
    ap.add_argument("--dir", help="catalogue directory to check (default: the one holding this script)")
    args = ap.parse_args(argv)
    files = sorted((Path(args.dir) if args.dir else HERE).glob("*.toml"))
    chk = Checker()
    chk.load(files)
    chk.cross()
    if not args.quiet:
        chk.summary()
    if not args.no_gold:
        gold = find_gold(args.gold)
        gold_coverage(chk, gold)
        taxonomy_coverage(chk, gold if gold is None or gold.is_dir() else gold.parent)
    for w in chk.warnings if not args.quiet else []:
        print("warning: " + w)
    for e in chk.errors:
        print("error: " + e, file=sys.stderr)
    if chk.errors:
        print(f"FAILED: {len(chk.errors)} error(s), {len(chk.warnings)} warning(s)", file=sys.stderr)
        return 1
    print(f"OK: {len(chk.entities)} entities, {len(chk.warnings)} warning(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
