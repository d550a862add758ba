#!/usr/bin/env python3
"""Validate Watchfloor's rule data files and extraction fixtures.

usage: check_rules.py [--root DIR] [--taxonomy TAXONOMY.md] [--quiet]

Checks
  data/rules/events/*.toml   language key = file name, known event types (parsed
                             from TAXONOMY.md), all event types covered (for the
                             languages in REQUIRED_EVENT_LANGS), confidence in
                             0..1, cues non-empty, no duplicate cue within a
                             type/language, phrase syntax
  data/rules/modality.toml   every language has exactly the five modality lists
  data/rules/dates.toml      12 month lists, 7 weekday lists, valid relative units/offsets, ago
                             units, range connectives, phrase syntax
  tests/fixtures/extract/*.gold.json
                             document exists, quotes are exact substrings,
                             known types/modalities, date form, entity aliases
                             occur in the text

Phrase syntax: lower case; words separated by single spaces; written folded
(no ё, no typographic quotes/dashes/apostrophes); `*` only at the end of a
word, after a prefix of at least 3 letters (2 inside a longer phrase) and with no hyphen in it (the engine
tokenises "командно-штабные" as two words: write "командно штабн*"); an
apostrophe only inside a word; `~` only as a whole inner word.

Prints per-language counts; exits 1 and lists every problem when a check fails.
Python 3.11+, standard library only.
"""
import json
import os
import re
import sys
import tomllib

LANGS = ["en", "ru", "be", "uk", "pl"]
# languages whose event lexicon this repository must carry (en.toml is written
# by the engine author and validated when present)
REQUIRED_EVENT_LANGS = ["ru", "uk", "be", "pl"]
MODALITIES = ["observed", "ongoing", "projected", "hypothetical", "negated"]
UNITS = {"day", "week", "month", "year"}
RULE_KEYS = {"type", "cues", "with_any", "unless", "confidence"}
DATE_KEYS = {"months", "year_words", "relative", "weekdays", "weekday_after", "ago", "since", "between", "and", "from", "to"}
MIN_PREFIX = 3
# characters that the engine folds away; phrases must already be written folded
UNFOLDED = "ёЁ‘’‚‛ʼʹ`´“”„‟«»‹›–—―‐‑−"

errors = []
warnings = []


def err(where, msg):
    errors.append(f"{where}: {msg}")


def warn(where, msg):
    warnings.append(f"{where}: {msg}")


def find_taxonomy(root, explicit):
    cands = [explicit] if explicit else []
    cands += [
        os.path.join(root, "..", "shared", "spec", "TAXONOMY.md"),
        os.path.join(root, "shared", "spec", "TAXONOMY.md"),
        os.path.join(root, "spec", "TAXONOMY.md"),
        "/work/shared/spec/TAXONOMY.md",
    ]
    for c in cands:
        if c and os.path.isfile(c):
            return c
    sys.exit("check_rules: TAXONOMY.md not found (use --taxonomy PATH)")


def parse_taxonomy(path):
    """Return {event_type: domain} from the '## Event types' table."""
    types = {}
    in_section = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("## "):
                in_section = line.strip().lower() == "## event types"
                continue
            if not in_section:
                continue
            m = re.match(r"\|\s*([a-z_]+)\s*\|\s*`([a-z_]+)`\s*\|", line)
            if m:
                types[m.group(2)] = m.group(1)
    if not types:
        sys.exit(f"check_rules: no event types parsed from {path}")
    return types


def check_phrase(where, p):
    if not isinstance(p, str):
        err(where, f"phrase {p!r} is not a string")
        return False
    if p.strip() == "":
        err(where, "empty phrase")
        return False
    ok = True
    if p != p.lower():
        err(where, f"phrase {p!r} is not lower case")
        ok = False
    if p != p.strip() or "  " in p or "\t" in p or "\n" in p:
        err(where, f"phrase {p!r} has leading/trailing/double spaces")
        ok = False
    bad = sorted({c for c in p if c in UNFOLDED})
    if bad:
        err(where, f"phrase {p!r} is not folded (contains {''.join(bad)!r}; write е for ё, ASCII ' and -)")
        ok = False
    words = p.split(" ")
    for i, w in enumerate(words):
        if w == "":
            continue
        if w == "~":
            if i == 0 or i == len(words) - 1:
                err(where, f"phrase {p!r}: '~' at the start or end matches nothing useful")
                ok = False
            continue
        if w.startswith("'") or w.endswith("'"):
            err(where, f"phrase {p!r}: {w!r} never matches: the engine keeps an apostrophe only between letters")
            ok = False
        if "~" in w:
            err(where, f"phrase {p!r}: '~' must be a word of its own")
            ok = False
        if "*" in w:
            if w.count("*") > 1 or not w.endswith("*"):
                err(where, f"phrase {p!r}: '*' only allowed once, at the end of a word ({w!r})")
                ok = False
            elif "-" in w:
                err(where, f"phrase {p!r}: {w!r} never matches: the engine splits hyphenated words into tokens, write {w.replace('-', ' ')!r}")
                ok = False
            elif len(w) - 1 < (MIN_PREFIX if len([x for x in words if x and x != "~"]) == 1 else 2):
                err(where, f"phrase {p!r}: prefix {w!r} too short, it over-matches")
                ok = False
    return ok


def check_phrase_list(where, lst, allow_empty=False):
    if not isinstance(lst, list):
        err(where, f"expected a list of phrases, got {type(lst).__name__}")
        return []
    if not lst and not allow_empty:
        err(where, "empty list")
    seen = set()
    for p in lst:
        check_phrase(where, p)
        if isinstance(p, str):
            if p in seen:
                err(where, f"duplicate phrase {p!r}")
            seen.add(p)
    return [p for p in lst if isinstance(p, str)]


def load_toml(path):
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        err(path, f"TOML syntax: {e}")
    except OSError as e:
        err(path, f"cannot read: {e}")
    return None


def check_events(path, lang, types, report):
    d = load_toml(path)
    if d is None:
        return
    where = os.path.relpath(path)
    if d.get("language") != lang:
        err(where, f"language = {d.get('language')!r}, expected {lang!r} (file name)")
    extra = set(d) - {"language", "rule"}
    if extra:
        err(where, f"unknown top-level keys {sorted(extra)}")
    rules = d.get("rule")
    if not isinstance(rules, list) or not rules:
        err(where, "no [[rule]] tables")
        return
    cues_by_type = {}
    n_cues = 0
    for i, r in enumerate(rules, 1):
        t = r.get("type")
        w = f"{where} rule #{i} ({t})"
        unknown = set(r) - RULE_KEYS
        if unknown:
            err(w, f"unknown keys {sorted(unknown)}")
        if t not in types:
            err(w, f"unknown event type {t!r}")
        cues = check_phrase_list(w + " cues", r.get("cues"))
        n_cues += len(cues)
        seen = cues_by_type.setdefault(t, {})
        for c in cues:
            if c in seen and seen[c] != i:
                err(w, f"cue {c!r} already listed for type {t!r} in rule #{seen[c]}")
            seen.setdefault(c, i)
        for key in ("with_any", "unless"):
            if key in r:
                check_phrase_list(f"{w} {key}", r[key], allow_empty=True)
        c = r.get("confidence")
        if isinstance(c, bool) or not isinstance(c, (int, float)):
            err(w, f"confidence {c!r} is not a number")
        elif not 0.0 <= c <= 1.0:
            err(w, f"confidence {c} outside 0..1")
    missing = sorted(set(types) - set(cues_by_type))
    if missing:
        msg = f"event types without rules: {', '.join(missing)}"
        if lang in REQUIRED_EVENT_LANGS:
            err(where, msg)
        else:
            warn(where, msg)
    report[lang]["events"] = f"{len(rules)} rules, {n_cues} cues, {len(set(cues_by_type) & set(types))}/{len(types)} types"


def check_modality(path, report):
    d = load_toml(path)
    if d is None:
        return
    where = os.path.relpath(path)
    for lang in LANGS:
        if lang not in d:
            err(where, f"[{lang}] missing")
            continue
        tab = d[lang]
        for m in MODALITIES:
            if m not in tab:
                err(f"{where} [{lang}]", f"missing list {m!r}")
        for k in tab:
            if k not in MODALITIES:
                err(f"{where} [{lang}]", f"unknown modality {k!r}")
            else:
                check_phrase_list(f"{where} [{lang}].{k}", tab[k])
        report[lang]["modality"] = " ".join(f"{m}={len(tab.get(m, []))}" for m in MODALITIES)
    for lang in set(d) - set(LANGS):
        warn(where, f"[{lang}] is not one of {LANGS}")


def check_dates(path, report):
    d = load_toml(path)
    if d is None:
        return
    where = os.path.relpath(path)
    for lang in LANGS:
        if lang not in d:
            err(where, f"[{lang}] missing")
            continue
        tab = d[lang]
        w = f"{where} [{lang}]"
        for k in DATE_KEYS - set(tab):
            err(w, f"missing key {k!r}")
        for k in set(tab) - DATE_KEYS:
            err(w, f"unknown key {k!r}")
        months = tab.get("months", [])
        if not isinstance(months, list) or len(months) != 12:
            err(w, f"months: expected exactly 12 lists, got {len(months) if isinstance(months, list) else months!r}")
            months = months if isinstance(months, list) else []
        owner = {}
        n_forms = 0
        for mi, forms in enumerate(months, 1):
            forms = check_phrase_list(f"{w}.months[{mi}]", forms)
            n_forms += len(forms)
            for f_ in forms:
                if "*" in f_ or "~" in f_:
                    err(f"{w}.months[{mi}]", f"{f_!r}: no wildcards in month forms")
                if f_ in owner and owner[f_] != mi:
                    err(f"{w}.months[{mi}]", f"{f_!r} also a form of month {owner[f_]}")
                owner.setdefault(f_, mi)
        check_phrase_list(f"{w}.year_words", tab.get("year_words", []), allow_empty=True)
        weekdays = tab.get("weekdays", [])
        if not isinstance(weekdays, list) or len(weekdays) != 7:
            err(w, f"weekdays: expected exactly 7 lists (Monday..Sunday), got {len(weekdays) if isinstance(weekdays, list) else weekdays!r}")
            weekdays = weekdays if isinstance(weekdays, list) else []
        day_owner = {}
        for di, forms in enumerate(weekdays, 1):
            for f_ in check_phrase_list(f"{w}.weekdays[{di}]", forms):
                if " " in f_ or "*" in f_ or "~" in f_:
                    err(f"{w}.weekdays[{di}]", f"{f_!r}: a weekday form is one word")
                if f_ in owner:
                    err(f"{w}.weekdays[{di}]", f"{f_!r} is also a month form")
                if f_ in day_owner and day_owner[f_] != di:
                    err(f"{w}.weekdays[{di}]", f"{f_!r} also a form of day {day_owner[f_]}")
                day_owner.setdefault(f_, di)
        check_phrase_list(f"{w}.weekday_after", tab.get("weekday_after", []), allow_empty=True)
        rel = tab.get("relative", [])
        seen = set()
        for ri, r in enumerate(rel if isinstance(rel, list) else [], 1):
            rw = f"{w}.relative[{ri}]"
            if not isinstance(r, dict):
                err(rw, "expected { phrase, unit, offset }")
                continue
            if set(r) != {"phrase", "unit", "offset"}:
                err(rw, f"keys {sorted(r)}, expected phrase, unit, offset")
            if check_phrase(rw, r.get("phrase")):
                if r["phrase"] in seen:
                    err(rw, f"duplicate phrase {r['phrase']!r}")
                seen.add(r["phrase"])
            if r.get("unit") not in UNITS:
                err(rw, f"unit {r.get('unit')!r} not in {sorted(UNITS)}")
            off = r.get("offset")
            if isinstance(off, bool) or not isinstance(off, int):
                err(rw, f"offset {off!r} is not an integer")
            elif abs(off) > 10:
                warn(rw, f"offset {off} looks implausible")
        if not rel:
            err(w, "relative: empty")
        ago = tab.get("ago", {})
        if not isinstance(ago, dict) or set(ago) != {"words", "units"}:
            err(f"{w}.ago", "expected { words = [...], units = { day, week, month, year } }")
        else:
            check_phrase_list(f"{w}.ago.words", ago["words"])
            units = ago["units"] if isinstance(ago["units"], dict) else {}
            for u in set(units) - UNITS:
                err(f"{w}.ago.units", f"unknown unit {u!r}")
            for u in sorted(UNITS - set(units)):
                err(f"{w}.ago.units", f"missing unit {u!r}")
            for u, forms in units.items():
                check_phrase_list(f"{w}.ago.units.{u}", forms)
        for k in ("since", "between", "and", "from", "to"):
            check_phrase_list(f"{w}.{k}", tab.get(k, []))
        report[lang]["dates"] = f"{len(months)} months/{n_forms} forms, {len(rel)} relative"


DATE_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
ID_RE = re.compile(r"^([A-Z]{3}|(org|body|mil|wpn|ex|doc|per|geo):[A-Za-z0-9_:]+)$")


def check_fixtures(root, types, report):
    fx = os.path.join(root, "tests", "fixtures", "extract")
    if not os.path.isdir(fx):
        return
    for name in sorted(os.listdir(fx)):
        if not name.endswith(".gold.json"):
            continue
        path = os.path.join(fx, name)
        w = os.path.relpath(path)
        try:
            with open(path, encoding="utf-8") as f:
                g = json.load(f)
        except (OSError, json.JSONDecodeError) as e:
            err(w, f"cannot load: {e}")
            continue
        for k in ("document", "entities", "places", "events"):
            if k not in g:
                err(w, f"missing key {k!r}")
        doc = os.path.join(root, g.get("document", ""))
        if not os.path.isfile(doc):
            err(w, f"document {g.get('document')!r} not found")
            continue
        text = open(doc, encoding="utf-8").read()
        pub = g.get("published")
        if pub is not None and not re.match(r"^\d{4}-\d{2}-\d{2}$", str(pub)):
            err(w, f"published {pub!r} is not YYYY-MM-DD")
        for eid, aliases in g.get("entities", {}).items():
            if not ID_RE.match(eid):
                err(w, f"entity id {eid!r} does not follow TAXONOMY.md ID forms")
            for a in aliases:
                if a not in text:
                    err(w, f"alias {a!r} of {eid} does not occur in the text")
        for pi, p in enumerate(g.get("places", []), 1):
            for k in ("name", "country", "kind"):
                if k not in p:
                    err(w, f"place #{pi}: missing {k!r}")
            if p.get("kind") not in {"city", "region", "country", "site", "water"}:
                err(w, f"place #{pi}: kind {p.get('kind')!r}")
            if ("lat" in p) != ("lon" in p):
                err(w, f"place #{pi}: lat and lon go together")
        evs = g.get("events", [])
        for ei, e in enumerate(evs, 1):
            ew = f"{w} event #{ei}"
            q = e.get("quote", "")
            if not q or q not in text:
                err(ew, f"quote {q!r} is not an exact substring of {g.get('document')}")
            for t in e.get("type", []):
                if t not in types:
                    err(ew, f"unknown type {t!r}")
            if not e.get("type"):
                err(ew, "no type")
            for m in e.get("modality", []):
                if m not in MODALITIES:
                    err(ew, f"unknown modality {m!r}")
            if not e.get("modality"):
                err(ew, "no modality")
            if "date" in e and not DATE_RE.match(str(e["date"])):
                err(ew, f"date {e['date']!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
            for a in e.get("actors", []):
                if not ID_RE.match(a):
                    err(ew, f"actor {a!r} is not a catalogue ID")
        report.setdefault("fixtures", {})[name] = f"{len(g.get('entities', {}))} entities, {len(g.get('places', []))} places, {len(evs)} events, {len(text.split())} words"


def main():
    args = sys.argv[1:]
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    taxonomy = None
    quiet = "--quiet" in args
    if "--root" in args:
        root = os.path.abspath(args[args.index("--root") + 1])
    if "--taxonomy" in args:
        taxonomy = args[args.index("--taxonomy") + 1]
    types = parse_taxonomy(find_taxonomy(root, taxonomy))
    report = {lang: {} for lang in LANGS}
    rules_dir = os.path.join(root, "data", "rules")
    old = os.getcwd()
    os.chdir(root)
    try:
        for lang in LANGS:
            p = os.path.join(rules_dir, "events", f"{lang}.toml")
            if os.path.isfile(p):
                check_events(p, lang, types, report)
            elif lang in REQUIRED_EVENT_LANGS:
                err(os.path.relpath(p), "missing")
        check_modality(os.path.join(rules_dir, "modality.toml"), report)
        check_dates(os.path.join(rules_dir, "dates.toml"), report)
        check_fixtures(root, types, report)
    finally:
        os.chdir(old)

    if not quiet:
        print(f"event types from TAXONOMY.md: {len(types)}")
        for lang in LANGS:
            parts = report[lang]
            print(f"[{lang}] events: {parts.get('events', '-')}")
            print(f"     modality: {parts.get('modality', '-')}")
            print(f"     dates: {parts.get('dates', '-')}")
        for name, s in report.get("fixtures", {}).items():
            print(f"fixture {name}: {s}")
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    if errors:
        for e in errors:
            print(f"error: {e}", file=sys.stderr)
        print(f"check_rules: {len(errors)} error(s)", file=sys.stderr)
        sys.exit(1)
    print("check_rules: OK")


if __name__ == "__main__":
    main()
