#!/usr/bin/env bash
# The Python binding's cost per call: engine.recommend from Python (bench/python_bench.py) against the same
# calls in C++ (engine_bench's BM_RecommendAndLog: the list and the record of what was served, as
# engine.recommend does), on one fresh seeded warehouse in a temporary folder, alternating ROUNDS times so
# that a busy machine weighs on both alike. Prints each run, then the medians and the overhead per call
# (Python minus C++, mean and p50 wall time). docs/benchmarks.md records the figures.
#
#   bench/python_bench.sh [BUILD_DIR]      default build-bench; needs BUILD/bench/engine_bench and BUILD/python
#
# Environment: USERS (10000), ITEMS (10000), INTERACTIONS (300000 over all domains), ROUNDS (3),
# RUN_SECONDS (3 per variant and round).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
build="${1:-build-bench}"
mxn="$root/$build/src/cli/mxn" engine_bench="$root/$build/bench/engine_bench"
for f in "$mxn" "$engine_bench" "$root/$build/python/mxn/__init__.py"; do
  [[ -e "$f" ]] || { echo "python_bench: $f is missing (make bench builds it)" >&2; exit 1; }
done
python=/usr/bin/python3
users=${USERS:-10000} items=${ITEMS:-10000} interactions=${INTERACTIONS:-300000}
rounds=${ROUNDS:-3} seconds=${RUN_SECONDS:-3}

work=$(mktemp -d /tmp/mxn-python-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
export MXN_WAREHOUSE_PATH="$work/warehouse.duckdb" MXN_MODELS_STORE_DIR="$work/models" MXN_LOG_LEVEL=warn
export MXN_BENCH_USERS=$users MXN_BENCH_DOMAIN=movies MXN_BENCH_SECONDS=$seconds
export PYTHONPATH="$root/$build/python"

echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ), $($python --version)"
echo "== seeding $users users, $items items per domain, $interactions interactions; training movies"
"$mxn" seed --users "$users" --items "$items" --interactions "$interactions" >/dev/null
"$mxn" train --domain movies >/dev/null

results="$work/results.jsonl"
for round in $(seq 1 "$rounds"); do
  "$engine_bench" --benchmark_filter=RecommendAndLog --benchmark_min_time="$seconds" \
    --benchmark_out="$work/cpp.json" --benchmark_out_format=json
  $python - "$work/cpp.json" "$round" >> "$results" <<'PY'
import json, sys
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    print(json.dumps({"round": int(sys.argv[2]), "side": "c++", "variant": b["name"].split("/")[1],
                      "mean_us": b["real_time"], "p50_us": b["p50_us"], "calls_per_s": 1e6 / b["real_time"]}))
PY
  $python bench/python_bench.py | grep "^{" | sed "s/^{/{\"round\": $round, \"side\": \"python\", /" >> "$results"
done
cat "$results"
$python - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
print(f"{'variant':<13} {'c++ us/call':>12} {'python us/call':>15} {'overhead us':>12} {'c++ p50':>9} "
      f"{'py p50':>9} {'p50 overhead':>13}")
for variant in dict.fromkeys(r["variant"] for r in rows):
    med = {(side, key): statistics.median(r[key] for r in rows if r["variant"] == variant and r["side"] == side)
           for side in ("c++", "python") for key in ("mean_us", "p50_us")}
    print(f"{variant:<13} {med['c++', 'mean_us']:>12.1f} {med['python', 'mean_us']:>15.1f} "
          f"{med['python', 'mean_us'] - med['c++', 'mean_us']:>12.1f} {med['c++', 'p50_us']:>9.1f} "
          f"{med['python', 'p50_us']:>9.1f} {med['python', 'p50_us'] - med['c++', 'p50_us']:>13.1f}")
PY
