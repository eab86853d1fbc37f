#!/usr/bin/env bash
# CTest e2e.n8n_workflows: makes sure the pinned n8n is installed in a cache outside the repository, then
# runs n8n_workflows_test.mjs, which builds the n8n-nodes-mxn package of n8n/nodes, installs it into that n8n
# and executes every workflow of n8n/ through it against a real `mxn serve`.
#
#   run_n8n_workflows.sh MXN_BINARY
#
# The cache is ${MXNTEST_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mxn}: n8n-<version>, installed from
# tests/e2e/n8n/package-lock.json, and n8n-nodes-mxn-deps, the build tools of n8n/nodes (its lock file).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
die() { echo "e2e.n8n_workflows: error: $*" >&2; exit 1; }
say() { echo "e2e.n8n_workflows: $*"; }

[[ $# -eq 1 ]] || die "usage: $0 MXN_BINARY"
mxn="$1"
[[ -x "$mxn" ]] || die "mxn binary '$mxn' is missing or not executable"

# Node: scripts/setup places Node 20 in third_party/node when the system's is missing or too old for n8n.
if [[ -x "$root/third_party/node/bin/node" ]]; then
  export PATH="$root/third_party/node/bin:$PATH"
  export npm_config_nodedir="$root/third_party/node"
fi
command -v node >/dev/null || die "node not found: run scripts/setup (n8n needs Node >= 20.19)"
command -v npm >/dev/null || die "npm not found: run scripts/setup"
node -e '
  const [a, b] = process.versions.node.split(".").map(Number);
  if (a < 20 || (a === 20 && b < 19)) process.exit(1);' \
  || die "node $(node -v) is too old for n8n 1.x (needs >= 20.19): run scripts/setup, which installs Node 20 in third_party/node"
# sqlite3 is compiled from source by node-gyp against the running Node's headers; never download them.
if [[ -z "${npm_config_nodedir:-}" && -f /usr/include/node/node.h ]]; then
  export npm_config_nodedir=/usr
fi

cache_root="${MXNTEST_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mxn}"

# install NAME PKG_DIR REQUIRED [COMMAND...]: makes sure $cache_root/NAME holds `npm ci` of PKG_DIR's
# package.json and package-lock.json (then COMMAND run in it) with the file REQUIRED in it, and sets
# $installed_dir to that folder (not printed: in a $(...) `set -e` would be off). Installed in a staging
# folder renamed into place only once complete, under a lock, and again whenever the two files change.
install() {
  local name="$1" pkg_dir="$2" required="$3"
  shift 3
  local dir="$cache_root/$name"
  local fingerprint
  fingerprint="$(cat "$pkg_dir/package.json" "$pkg_dir/package-lock.json" | sha256sum | cut -c1-64)"
  installed() { [[ -e "$dir/$required" && "$(cat "$dir/.mxn-installed" 2>/dev/null)" == "$fingerprint" ]]; }
  if ! installed; then
    mkdir -p "$cache_root"
    exec 9>"$dir.lock"
    if ! flock -n 9; then
      say "another run is installing $name; waiting for it"
      flock 9
    fi
    if ! installed; then  # another run may have installed it while this one waited
      rm -rf "$dir".staging.*  # what an interrupted install left (under the lock: none is in use)
      local staging
      staging="$(mktemp -d "$dir.staging.XXXXXX")"
      chmod 755 "$staging"
      trap 'rm -rf "$staging"' EXIT
      say "installing $name into $dir (first run only)"
      local start=$SECONDS
      cp "$pkg_dir/package.json" "$pkg_dir/package-lock.json" "$pkg_dir/.npmrc" "$staging/"
      (cd "$staging" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) \
        || die "npm ci of $name failed (is the npm registry reachable?)"
      if [[ $# -gt 0 ]]; then
        (cd "$staging" && "$@") || die "$* failed in the install of $name"
      fi
      [[ -e "$staging/$required" ]] || die "the install of $name has no $required"
      echo "$fingerprint" > "$staging/.mxn-installed"
      # Swap in atomically: a half-finished install is never at $dir.
      if [[ -e "$dir" ]]; then
        mv "$dir" "$staging.old"
      fi
      mv "$staging" "$dir"
      rm -rf "$staging.old"
      trap - EXIT
      say "installed $name in $((SECONDS - start)) s"
    fi
    exec 9>&-
  fi
  installed_dir="$dir"
}

# n8n: `npm ci --ignore-scripts` (isolated-vm's build needs Node 22), then sqlite3 compiled with node-gyp.
version="$(node -p 'require(process.argv[1]).dependencies.n8n' "$here/n8n/package.json")"
install "n8n-$version" "$here/n8n" node_modules/n8n/bin/n8n npm rebuild sqlite3 --loglevel=error
n8n_bin="$installed_dir/node_modules/n8n/bin/n8n"
# The node package's build and lint tools (tsc, eslint with n8n's community-node rules, prettier).
node_pkg="$root/n8n/nodes"
install "n8n-nodes-mxn-deps" "$node_pkg" node_modules/.bin/tsc
node_deps="$installed_dir/node_modules"

exec node "$here/n8n_workflows_test.mjs" \
  --mxn "$mxn" --n8n "$n8n_bin" --n8n-version "$version" \
  --config "$root/config/config.yaml" --workflows "$root/n8n" \
  --node-package "$node_pkg" --node-deps "$node_deps" --credential "$root/n8n/credentials/mxn-api.json"
