#!/usr/bin/env bash
# HTTP benchmarks of `mxn serve` with wrk (Debian package), on a fresh seeded warehouse in a temporary
# folder: POST /recommendations (the knn + collab + embedding ensemble; then filtered; then batches of
# BATCH_USERS users, 10000), POST /interactions and
# POST /interactions/bulk. Prints wrk's report and one "mxn:" summary line per run; fails when any request
# fails. When the build has bench/engine_bench (cmake -DMXN_BENCH=ON), it first measures the engine alone on
# the same warehouse (CPU per recommendation without HTTP). docs/benchmarks.md records the figures.
#
#   bench/api_bench.sh [BUILD_DIR]         default build-bench (falls back to build)
#
# Environment: USERS (10000), ITEMS per domain (10000), INTERACTIONS over all domains (1000000),
# CONNECTIONS (64), THREADS (wrk threads, 2), DURATION (20s), WARMUP (5s: an unreported run of the same
# requests first, so the figures are of a warm server), BATCH (interactions per bulk request, 1000),
# KEEP=1 keeps the temporary folder.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
build="${1:-build-bench}"
[[ -x "$build/src/cli/mxn" ]] || build=build
mxn="$root/$build/src/cli/mxn"
[[ -x "$mxn" ]] || { echo "api_bench: no mxn binary in $build (run make build)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "api_bench: wrk is not installed (scripts/setup installs it)" >&2; exit 1; }

users=${USERS:-10000} items=${ITEMS:-10000} interactions=${INTERACTIONS:-1000000}
connections=${CONNECTIONS:-64} threads=${THREADS:-2} duration=${DURATION:-20s} warmup=${WARMUP:-5s}
batch=${BATCH:-1000}

work=$(mktemp -d /tmp/mxn-api-bench.XXXXXX)
server_pid=""  # set by start_server
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [[ "${KEEP:-0}" == 1 ]] && echo "api_bench: kept $work" || rm -rf "$work"
}
trap cleanup EXIT

source bench/server_lib.sh
port=$(free_port)
export MXN_WAREHOUSE_PATH="$work/warehouse.duckdb" MXN_MODELS_STORE_DIR="$work/models"
export MXN_API_HOST=127.0.0.1 MXN_API_PORT=$port MXN_LOG_LEVEL=warn
export MXN_BENCH_USERS=$users MXN_BENCH_ITEMS=$items MXN_BENCH_BATCH=$batch

echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
echo "== seeding $users users, $items items per domain, $interactions interactions"
time "$mxn" seed --users "$users" --items "$items" --interactions "$interactions" >/dev/null
echo "== training every domain"
time "$mxn" train >/dev/null
if [[ -x "$root/$build/bench/engine_bench" ]]; then
  echo "== engine alone (no HTTP): bench/engine_bench"
  "$root/$build/bench/engine_bench"
fi

start_server "$port" "$work/server.log" "$mxn" serve --no-scheduler

status=0
run() {  # run NAME SCRIPT CONNECTIONS
  echo "== $1: wrk -t$threads -c$3 -d$duration --latency -s $2 (after a $warmup warm-up)"
  (cd bench/wrk && wrk -t"$threads" -c"$3" -d"$warmup" -s "$2" "http://127.0.0.1:$port" >/dev/null)
  local out
  out=$(cd bench/wrk && wrk -t"$threads" -c"$3" -d"$duration" --latency -s "$2" "http://127.0.0.1:$port")
  echo "$out"
  grep -q "^mxn: .* failed=0 " <<<"$out" || status=1
}
run "POST /recommendations" recommendations.lua "$connections"
# The same with a filter that about a third of the movies pass: the models rank among the passing items.
MXN_BENCH_FILTER='{"tags_any":["Drama","Comedy","Thriller"],"metadata":{"year":{"gte":1980}}}' \
  run "POST /recommendations, filtered (tags_any 3 genres, year >= 1980)" recommendations.lua "$connections"
# A batch: users per second through one streamed call, against the single calls above (one connection, so
# it is the per-user cost; wrk's figure uses every core through 64 connections).
batch_users=${BATCH_USERS:-10000}
echo "== POST /recommendations/batch: $batch_users random users per request, 3 requests one after another"
/usr/bin/python3 -c "import json, random; r = random.Random(7); print(json.dumps({'domain': 'movies', 'top_k': 10,
  'model_types': ['knn', 'collab', 'embedding'],
  'user_ids': ['user%d' % r.randrange(1, $users + 1) for _ in range($batch_users)]}))" >"$work/batch.json"
for _ in 1 2 3; do
  lines=$(curl -sS --fail -H 'Content-Type: application/json' --data-binary @"$work/batch.json" \
    -w '%{stderr}%{time_total}' "http://127.0.0.1:$port/recommendations/batch" 2>"$work/batch.time" | wc -l)
  seconds=$(cat "$work/batch.time")
  [[ "$lines" == "$batch_users" ]] || { echo "batch: $lines lines for $batch_users users" >&2; status=1; }
  echo "mxn: batch users=$batch_users lines=$lines seconds=$seconds users_per_s=$(awk -v n="$lines" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }')"
done
run "POST /interactions" interactions.lua "$connections"
run "POST /interactions/bulk ($batch per request)" bulk.lua 8
exit $status
