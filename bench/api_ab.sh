#!/usr/bin/env bash
# A/B comparison of two builds' servers under POST /recommendations: both run side by side, each on its own
# copy of one freshly seeded and trained warehouse, and wrk runs alternate between them, so both see the
# same machine (whose speed drifts by 10-20 % from minute to minute when it is shared). Prints each pair of
# runs (server CPU per request = the process's utime + stime over the run / requests; requests/s) and the
# medians. docs/benchmarks.md records figures measured this way.
#
#   bench/api_ab.sh BUILD_A BUILD_B        e.g. bench/api_ab.sh build-old build
#
# A_ENV and B_ENV (space-separated NAME=value) give each side's server its own settings, to compare two
# configurations of one build, e.g. two blends:
#   A_ENV="MXN_DOMAINS_MOVIES_ENSEMBLE_WEIGHTS_EASE=0 ..." bench/api_ab.sh build build
#
# The warehouse and models are made with BUILD_B's mxn, so both builds must read them. Environment: ROUNDS
# (6), DURATION (4s per run), CONNECTIONS (64), SCRIPT (recommendations.lua, of bench/wrk), USERS (10000),
# ITEMS per domain (10000), INTERACTIONS
# (1000000), KEEP=1 keeps the temporary folder.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
[[ $# -eq 2 ]] || { echo "usage: bench/api_ab.sh BUILD_A BUILD_B" >&2; exit 2; }
for build in "$1" "$2"; do
  [[ -x "$build/src/cli/mxn" ]] || { echo "api_ab: no mxn binary in $build" >&2; exit 1; }
done
command -v wrk >/dev/null || { echo "api_ab: wrk is not installed (scripts/setup installs it)" >&2; exit 1; }
rounds=${ROUNDS:-6} duration=${DURATION:-4s} connections=${CONNECTIONS:-64} script=${SCRIPT:-recommendations.lua}

work=$(mktemp -d /tmp/mxn-api-ab.XXXXXX)
pids=()
server_pid=""  # set by start_server: the server being started, not yet in pids
cleanup() {
  # `|| true`: a server that exits non-zero on SIGTERM must not stop the loop (set -e) before the next one
  for pid in "${pids[@]}" $server_pid; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  [[ "${KEEP:-0}" == 1 ]] && echo "api_ab: kept $work" || rm -rf "$work"
}
trap cleanup EXIT

source bench/server_lib.sh

export MXN_MODELS_STORE_DIR="$work/models" MXN_LOG_LEVEL=warn MXN_API_HOST=127.0.0.1
export MXN_BENCH_USERS=${USERS:-10000}
echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
echo "== seeding and training with $2"
MXN_WAREHOUSE_PATH="$work/seed.duckdb" "$root/$2/src/cli/mxn" seed --users "${USERS:-10000}" \
  --items "${ITEMS:-10000}" --interactions "${INTERACTIONS:-1000000}" >/dev/null
MXN_WAREHOUSE_PATH="$work/seed.duckdb" "$root/$2/src/cli/mxn" train >/dev/null

ports=()
for side in a b; do
  build=$1; [[ $side == b ]] && build=$2
  cp "$work/seed.duckdb" "$work/$side.duckdb"
  port=$(free_port)
  side_env=${A_ENV:-}; [[ $side == b ]] && side_env=${B_ENV:-}
  # shellcheck disable=SC2086 # side_env is a list of assignments
  start_server "$port" "$work/$side.log" env MXN_WAREHOUSE_PATH="$work/$side.duckdb" MXN_API_PORT="$port" \
    $side_env "$root/$build/src/cli/mxn" serve --no-scheduler
  pids+=("$server_pid")
  ports+=("$port")
done

measure() {  # measure SIDE(0|1): prints "cpu_us_per_request requests_per_s p99_ms"
  local pid=${pids[$1]} port=${ports[$1]} before after out requests
  before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  out=$(cd bench/wrk && wrk -t2 -c"$connections" -d"$duration" -s "$script" "http://127.0.0.1:$port")
  after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  grep -q "^mxn: .* failed=0 " <<<"$out" || { echo "api_ab: requests failed: $out" >&2; exit 1; }
  requests=$(sed -n 's/^mxn: requests=\([0-9]*\) .*/\1/p' <<<"$out")
  echo "$(( (after - before) * 1000000 / $(getconf CLK_TCK) / requests ))" \
       "$(sed -n 's/.* rps=\([0-9]*\) .*/\1/p' <<<"$out") $(sed -n 's/.* p99_ms=\([0-9.]*\).*/\1/p' <<<"$out")"
}
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }

echo "== warm-up, then $rounds rounds of wrk -t2 -c$connections -d$duration -s $script on A, then B"
measure 0 >/dev/null; measure 1 >/dev/null
a=(); b=()
for round in $(seq 1 "$rounds"); do
  a+=("$(measure 0)"); b+=("$(measure 1)")
  read -r a_cpu a_rps a_p99 <<<"${a[-1]}"; read -r b_cpu b_rps b_p99 <<<"${b[-1]}"
  echo "round $round: A $a_cpu us/request $a_rps/s p99 $a_p99 ms   B $b_cpu us/request $b_rps/s p99 $b_p99 ms"
done
echo "median server CPU per request: A $(printf '%s\n' "${a[@]}" | cut -d' ' -f1 | median) us," \
     "B $(printf '%s\n' "${b[@]}" | cut -d' ' -f1 | median) us"
echo "median requests/s: A $(printf '%s\n' "${a[@]}" | cut -d' ' -f2 | median)," \
     "B $(printf '%s\n' "${b[@]}" | cut -d' ' -f2 | median)"
echo "median p99: A $(printf '%s\n' "${a[@]}" | cut -d' ' -f3 | median) ms," \
     "B $(printf '%s\n' "${b[@]}" | cut -d' ' -f3 | median) ms"
