#!/usr/bin/env bash
# Assessment benchmark: one million synthetic stored events in memory,
# matched and scored against the built-in russia-belarus pack (target < 10 s).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release -p watchfloor-assess --example bench_assess -- "${1:-1000000}"
