#!/usr/bin/env bash
# The whole test suite: formatting, lints, Rust tests (unit and end-to-end
# runs of the binary on real fixtures), and the Python checks of the data
# build scripts and knowledge files. Installs what the tests need.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== toolchain components"
rustup component add rustfmt clippy >/dev/null 2>&1 || true

echo "== data checks (Python standard library only)"
python3 data/catalogue/check.py
python3 tools/rules/check_rules.py
python3 -m unittest -q tools/gazetteer/test_build.py
python3 -m unittest -q tools/basemap/test_basemap.py

echo "== cargo fmt --check"
cargo fmt --all --check

echo "== cargo clippy -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

echo "== cargo test"
cargo test --workspace --release 2>&1 | tee target/test-output.txt
passed=$(grep -Eo 'test result: ok\. [0-9]+ passed' target/test-output.txt | awk '{s+=$4} END {print s+0}')
failed=$(grep -Eo '[0-9]+ failed' target/test-output.txt | awk '{s+=$1} END {print s+0}')
echo "rust: ${passed} passed, ${failed} failed"

echo "== report rendering in headless Chromium (screenshot: target/report.png)"
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq chromium
  else
    echo "chromium is missing: run as root (apt-get install chromium) or install it" >&2
    exit 1
  fi
fi
cargo build --release -p watchfloor
rm -rf target/browser && mkdir -p target/browser
(cd target/browser && ../release/watchfloor --db demo.db demo --samples ../../data/samples/corpus)
python3 tests/browser/check_report.py target/browser/out/report.html target/report.png

echo "== map rendering in headless Chromium (10,000 events; screenshot: target/map.png)"
cargo run --release -q -p watchfloor-geo --example map_bench -- --events 10000 --runs 3 --out target/browser/map.svg
python3 tests/browser/check_map.py target/browser/map.svg target/map.png

echo "== dashboard in headless Chromium (screenshots: target/dashboard*.png: first render, slider, zoomed, evidence, indicator, report, search, search-empty, catalogue-viewer, catalogue-error, catalogue)"
(cd tests/browser && { npm ci --no-audit --no-fund --silent || npm install --no-audit --no-fund --silent; })
timeout 120 node tests/browser/dashboard.test.mjs target/release/watchfloor crates/server/tests/fixtures/hostile.jsonl target
