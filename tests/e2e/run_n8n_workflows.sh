#!/usr/bin/env bash
# CTest e2e.n8n_workflows: makes sure the pinned n8n is installed in a cache outside the repository, then
# runs n8n_workflows_test.mjs, which executes every workflow of n8n/ in that n8n against a real `mxn serve`.
#
#   run_n8n_workflows.sh MXN_BINARY
#
# The cache is ${MXNTEST_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mxn}/n8n-<version>, installed from
# tests/e2e/n8n/package-lock.json with `npm ci --ignore-scripts` (isolated-vm's build needs Node 22) and
# `npm rebuild sqlite3`, in a staging folder renamed into place only once complete, under a lock.
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

pkg_dir="$here/n8n"
version="$(node -p 'require(process.argv[1]).dependencies.n8n' "$pkg_dir/package.json")"
fingerprint="$(cat "$pkg_dir/package.json" "$pkg_dir/package-lock.json" | sha256sum | cut -c1-64)"
cache_root="${MXNTEST_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mxn}"
install_dir="$cache_root/n8n-$version"
n8n_bin="$install_dir/node_modules/n8n/bin/n8n"

installed() { [[ -x "$n8n_bin" && "$(cat "$install_dir/.mxn-installed" 2>/dev/null)" == "$fingerprint" ]]; }

if ! installed; then
  mkdir -p "$cache_root"
  exec 9>"$cache_root/n8n-$version.lock"
  if ! flock -n 9; then
    say "another run is installing n8n $version; waiting for it"
    flock 9
  fi
  if ! installed; then  # another run may have installed it while this one waited
    staging="$(mktemp -d "$cache_root/n8n-$version.staging.XXXXXX")"
    chmod 755 "$staging"
    trap 'rm -rf "$staging"' EXIT
    say "installing n8n $version into $install_dir (first run only: a few minutes, about 1.7 GB)"
    start=$SECONDS
    cp "$pkg_dir/package.json" "$pkg_dir/package-lock.json" "$pkg_dir/.npmrc" "$staging/"
    (cd "$staging" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) \
      || die "npm ci of n8n $version failed (is the npm registry reachable?)"
    (cd "$staging" && npm rebuild sqlite3 --loglevel=error) \
      || die "npm rebuild sqlite3 failed (it compiles with node-gyp: needs python3, make, g++)"
    [[ -x "$staging/node_modules/n8n/bin/n8n" ]] || die "the install has no node_modules/n8n/bin/n8n"
    echo "$fingerprint" > "$staging/.mxn-installed"
    # Swap in atomically: a half-finished install is never at $install_dir.
    if [[ -e "$install_dir" ]]; then
      mv "$install_dir" "$staging.old"
    fi
    mv "$staging" "$install_dir"
    rm -rf "$staging.old"
    trap - EXIT
    say "installed n8n $version in $((SECONDS - start)) s"
  fi
  exec 9>&-
fi

exec node "$here/n8n_workflows_test.mjs" \
  --mxn "$mxn" --n8n "$n8n_bin" --n8n-version "$version" \
  --config "$root/config/config.yaml" --workflows "$root/n8n"
