#!/usr/bin/env python3
"""Rendering check of a Watchfloor SVG map in headless Chromium.

Usage: check_map.py MAP.svg SCREENSHOT.png

MAP.svg is written by `cargo run --release -p watchfloor-geo --example
map_bench -- --out MAP.svg` (synthetic events around Belarus, range rings,
place labels).

1. Opens the SVG in headless Chromium with --dump-dom and checks that the
   parsed document is an SVG with country outlines (at least 10, Belarus
   among them), event markers with their data- attributes, cluster badges,
   the hatched occupied/disputed layer, range rings, place labels, the
   legend, the scale bar and the attribution.
2. Proves the check can fail: copies without markers, without country
   outlines, and with broken XML must all be rejected.
3. Saves a screenshot (1200x900) for a person to look at.

Standard library only. Exits non-zero with a reason on any failure.
"""

import os
import pathlib
import re
import sys
import tempfile

from headless import chromium


def dom_problems(dom):
    problems = []
    if "parsererror" in dom or not re.search(r"<svg[^>]*\bid=\"wf-map\"", dom):
        return ["Chromium did not parse the file as an SVG map (svg#wf-map missing or XML error)"]
    countries = re.findall(r'<path class="wf-country" data-iso="([A-Z]*)"', dom)
    if len(countries) < 10:
        problems.append(f"only {len(countries)} country outlines (expected at least 10)")
    if "BLR" not in countries:
        problems.append("no outline of Belarus")
    markers = re.findall(
        r'<g class="wf-marker" data-event="[^"]+" data-domain="[a-z]+" data-modality="[a-z]+" data-count="\d+"',
        dom,
    )
    if len(markers) < 10:
        problems.append(f"only {len(markers)} event markers with data- attributes")
    if not re.search(r'<g class="wf-cluster"[^>]*data-count="\d+"', dom):
        problems.append("no cluster badges")
    if 'class="wf-disputed"' not in dom or "(occupied by Russia)" not in dom:
        problems.append("no hatched, labelled occupied/disputed layer")
    for cls, what in [
        ("wf-ring", "range rings"),
        ("wf-capital-label", "capital labels"),
        ("wf-legend", "legend"),
        ("wf-scale", "scale bar"),
        ("wf-attribution", "attribution"),
        ("wf-north", "north arrow"),
    ]:
        if f'class="{cls}' not in dom and f'class="wf-place-label {cls}' not in dom:
            problems.append(f"no {what}")
    if "Natural Earth; GeoNames CC BY 4.0" not in dom:
        problems.append("attribution text missing")
    return problems


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    svg, shot = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    if not svg.is_file():
        raise SystemExit(f"no map at {svg}")
    size = svg.stat().st_size
    if size > 2 * 1024 * 1024:
        raise SystemExit(f"the map is {size} bytes (over 2 MB)")

    problems = dom_problems(chromium("--dump-dom", svg.resolve().as_uri()))
    if problems:
        raise SystemExit("map rendering check FAILED:\n  " + "\n  ".join(problems))

    # The check must be able to fail.
    text = svg.read_text(encoding="utf-8")
    broken = {
        "without markers": re.sub(r'<g class="wf-markers">.*?</g>(?=<g class="wf-labels">)', "", text, flags=re.S),
        "without countries": re.sub(r'<path class="wf-country"[^>]*>.*?</path>', "", text, flags=re.S),
        "with broken XML": text.replace("</svg>", "", 1).replace("<g ", "<g <", 1),
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name, body in broken.items():
            if body == text:
                raise SystemExit(f"could not make a copy {name}")
            path = pathlib.Path(tmp) / "broken.svg"
            path.write_text(body, encoding="utf-8")
            if not dom_problems(chromium("--dump-dom", path.as_uri())):
                raise SystemExit(f"the check did not notice a map {name}")

    shot.parent.mkdir(parents=True, exist_ok=True)
    if shot.exists():
        shot.unlink()
    chromium(f"--screenshot={shot.resolve()}", "--window-size=1200,900", svg.resolve().as_uri())
    if not shot.is_file() or shot.stat().st_size < 50_000:
        raise SystemExit(f"no usable screenshot at {shot}")
    print(f"browser: map rendered ({size} bytes SVG); screenshot {shot} ({shot.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
