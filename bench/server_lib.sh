# Shared by the HTTP benchmarks (sourced): a free loopback port, and a server started and waited for.

# Prints a loopback port nobody listens on; exits when none is found.
free_port() {
  local candidate
  for _ in $(seq 1 50); do
    candidate=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then echo "$candidate"; return; fi
  done
  echo "$(basename "$0"): no free port found" >&2
  exit 1
}

# start_server PORT LOG COMMAND...: runs COMMAND in the background with its output in LOG, sets
# server_pid, and waits until http://127.0.0.1:PORT/health answers; exits (printing LOG) when it does not.
start_server() {
  local port=$1 log=$2
  shift 2
  "$@" >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:$port/health" >/dev/null && return
    kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.1
  done
  echo "$(basename "$0"): the server on port $port did not start" >&2
  exit 1
}
