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
cargo build --release -q
bin=target/release/watchfloor
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
  /usr/bin/time -f "%M" -o "$work/mem" "$@" > "$work/out" 2>"$work/err" || { cat "$work/err"; exit 1; }
  t1=$(date +%s.%N)
  python3 - "$label" "$t0" "$t1" "$bytes" "$files" "$(cat "$work/mem")" <<'PY'
import sys
label, t0, t1, size, files, mem = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
dt = t1 - t0
print(f"{label:8} {files} documents, {size/1e6:.1f} MB in {dt:.1f} s: {files/dt:,.0f} documents/s, {size/1e6/dt:.1f} MB/s, peak RSS {mem/1024:.0f} MB")
PY
}
measure ingest "$bin" --db "$work/bench.db" ingest "$work/corpus"
measure extract "$bin" --db "$work/bench.db" extract
echo "(extract uses $(nproc) cores; per core ≈ total / $(nproc))"
