#!/usr/bin/env python3
"""Rendering check of a Watchfloor HTML report in headless Chromium.

Usage: check_report.py REPORT.html SCREENSHOT.png

1. Loads the report in headless Chromium with --dump-dom and checks that the
   map (svg#wf-map: country outlines and event markers) and the timeline
   (svg#wf-timeline: bars) are in the rendered DOM.
2. Loads it again inside a probe page that measures the laid-out size of
   both figures (getBoundingClientRect), so a figure that is present but
   not drawn (zero size, display:none) fails too.
3. Proves the check can fail: a copy of the report without its map, and
   one without its timeline, must both be rejected.
4. Saves a full-page screenshot (kept as a CI artifact).

Standard library only. Exits non-zero with a reason on any failure.
"""

import html
import json
import os
import pathlib
import re
import sys
import tempfile

from headless import chromium


def rendered_dom(path):
    return chromium("--dump-dom", path.resolve().as_uri())


def svg_block(dom, svg_id):
    m = re.search(r'<svg[^>]*\bid="%s"[^>]*>(.*?)</svg>' % re.escape(svg_id), dom, re.S)
    return m.group(1) if m else None


def dom_problems(dom):
    problems = []
    map_svg = svg_block(dom, "wf-map")
    if map_svg is None:
        problems.append("no svg#wf-map in the rendered DOM")
    else:
        if len(re.findall(r'class="wf-country"', map_svg)) < 5:
            problems.append("the map draws fewer than 5 country outlines")
        if 'class="wf-marker"' not in map_svg:
            problems.append("the map has no event markers")
        if 'class="wf-legend"' not in map_svg or 'class="wf-scale"' not in map_svg:
            problems.append("the map has no legend or scale bar")
    timeline = svg_block(dom, "wf-timeline")
    if timeline is None:
        problems.append("no svg#wf-timeline in the rendered DOM")
    elif 'class="wf-bar"' not in timeline:
        problems.append("the timeline has no bars")
    return problems


PROBE = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="%s" style="width:1280px;height:2400px;border:0"></iframe>
<script>
document.getElementById('f').addEventListener('load', function () {
  var d = document.getElementById('f').contentDocument, out = {};
  ['wf-map', 'wf-timeline'].forEach(function (id) {
    var e = d && d.getElementById(id);
    if (e) { var r = e.getBoundingClientRect(); out[id] = {w: r.width, h: r.height}; }
  });
  var p = document.createElement('pre'); p.id = 'probe';
  p.textContent = JSON.stringify(out); document.body.appendChild(p);
});
</script></body></html>"""


def layout_problems(path):
    with tempfile.TemporaryDirectory() as tmp:
        probe = pathlib.Path(tmp) / "probe.html"
        probe.write_text(PROBE % html.escape(path.resolve().as_uri()), encoding="utf-8")
        dom = chromium(
            "--allow-file-access-from-files",
            "--virtual-time-budget=5000",
            "--window-size=1280,2400",
            "--dump-dom",
            probe.as_uri(),
        )
    m = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    if not m:
        return ["the probe page did not report (iframe did not load)"]
    sizes = json.loads(html.unescape(m.group(1)))
    problems = []
    for fig, (min_w, min_h) in {"wf-map": (600, 300), "wf-timeline": (600, 150)}.items():
        box = sizes.get(fig)
        if box is None:
            problems.append(f"{fig} is not laid out")
        elif box["w"] < min_w or box["h"] < min_h:
            problems.append(f"{fig} is drawn {box['w']:.0f}x{box['h']:.0f} px, expected at least {min_w}x{min_h}")
    return problems


def without(report, svg_id, tmp):
    text = report.read_text(encoding="utf-8")
    cut = re.sub(r'<svg[^>]*\bid="%s".*?</svg>' % re.escape(svg_id), "", text, count=1, flags=re.S)
    assert cut != text, f"could not cut {svg_id} out of the report"
    out = pathlib.Path(tmp) / f"without-{svg_id}.html"
    out.write_text(cut, encoding="utf-8")
    return out


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    report, shot = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    if not report.is_file():
        raise SystemExit(f"no report at {report}")

    problems = dom_problems(rendered_dom(report)) + layout_problems(report)
    if problems:
        raise SystemExit("report rendering check FAILED:\n  " + "\n  ".join(problems))

    # The check must be able to fail.
    with tempfile.TemporaryDirectory() as tmp:
        for fig in ("wf-map", "wf-timeline"):
            broken = without(report, fig, tmp)
            if not dom_problems(rendered_dom(broken)) or not layout_problems(broken):
                raise SystemExit(f"the check did not notice a report without {fig}")

    shot.parent.mkdir(parents=True, exist_ok=True)
    if shot.exists():
        shot.unlink()
    chromium(f"--screenshot={shot.resolve()}", "--window-size=1280,2400", report.resolve().as_uri())
    if not shot.is_file() or shot.stat().st_size < 20_000:
        raise SystemExit(f"no usable screenshot at {shot}")
    print(f"browser: map and timeline rendered; screenshot {shot} ({shot.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
