#!/usr/bin/env bash
# The README's `mxn` examples, verbatim, on the shipped config:
#   - on `make run`'s demo data (seed --if-empty, train, as scripts/demo does): the evaluate example;
#   - on a MovieLens-shaped pair of CSV files (movies.csv: movieId,title,genres; ratings.csv:
#     userId,movieId,rating,timestamp): the "Importing MovieLens" block, then `mxn tune` and `mxn train`;
#   - a u.data file (tab-separated, no header): the "Another delimiter" block.
# Each command must succeed; evaluate must report popularity, every enabled model and the blend.
set -euo pipefail
mxn="$1"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "readme_examples: $*" >&2; exit 1; }

# A folder laid out like a checkout: build/src/cli/mxn and config/config.yaml, as the README's paths expect.
mkdir -p "$work/build/src/cli" "$work/config"
ln -s "$mxn" "$work/build/src/cli/mxn"
cp "$root/config/config.yaml" "$work/config/"
cd "$work"

# The fenced sh block after the line that starts with "$1" in README.md.
readme_block() {
  awk -v start="$1" 'index($0, start) == 1 {found = 1} found && /^```sh/ {inside = 1; next}
                     inside && /^```/ {exit} inside {print}' "$root/README.md"
}
check_evaluation() {  # the output of `mxn evaluate` (table form)
  for model in popularity knn collab ease rp3beta ensemble; do
    grep -qE "^$model +" <<<"$1" || fail "evaluate did not report $model:
$1"
  done
}

# 1. The demo data of `make run`.
build/src/cli/mxn seed --if-empty >/dev/null
build/src/cli/mxn train >/dev/null
evaluate_line="$(readme_block "Importing MovieLens" | grep -E '^build/src/cli/mxn evaluate')"
[[ -n "$evaluate_line" ]] || fail "README lost its evaluate example"
out="$(eval "$evaluate_line")" || fail "on the demo data: $evaluate_line"
check_evaluation "$out"
grep -qE '^embedding +embedding' <<<"$out" || fail "the demo catalog has text: embedding must be evaluated"

# 2. A MovieLens-shaped dataset in a fresh warehouse.
rm -rf data models
python3 - <<'PY'
import random
random.seed(7)
genres = ["Action", "Comedy", "Drama", "Sci-Fi", "Romance", "Thriller"]
with open("movies.csv", "w") as f:
    f.write("movieId,title,genres\n")
    for m in range(1, 301):
        f.write(f'{m},"Movie {m}, the sequel ({1950 + m % 70})",{genres[m % 6]}|{genres[(m * 7) % 6]}\n')
with open("ratings.csv", "w") as f:
    f.write("userId,movieId,rating,timestamp\n")
    for u in range(1, 201):
        taste = u % 6
        seen = set()
        for _ in range(random.randint(5, 40)):
            m = random.choice([x for x in range(1, 301) if x % 6 == taste] if random.random() < 0.7 else range(1, 301))
            if m in seen:
                continue
            seen.add(m)
            f.write(f"{u},{m},{random.choice([0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5])},{964982703 + random.randint(0, 10**7)}\n")
PY
readme_block "Importing MovieLens" > movielens.sh
[[ $(grep -c '^build/src/cli/mxn' movielens.sh) -ge 3 ]] || fail "the README's MovieLens block changed shape"
out="$(bash -euo pipefail movielens.sh)" || fail "the README's MovieLens block failed:
$(cat movielens.sh)"
check_evaluation "$out"
grep -qE '^embedding +embedding' <<<"$out" || fail "movies.csv gives titles: embedding must be evaluated"
build/src/cli/mxn tune --domain movies --trials 2 >/dev/null || fail "mxn tune failed"
out="$(build/src/cli/mxn train --domain movies)" || fail "mxn train failed after tuning"
grep -q "ensemble" <<<"$out" || fail "mxn train did not report the served blend"
build/src/cli/mxn stats | grep -q "movies: tuned v1" || fail "mxn stats does not show the tuned values"

# 3. MovieLens 100K's u.data: tab-separated, no header.
printf '196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n' > u.data
readme_block "Another delimiter" > udata.sh
[[ $(grep -c '^build/src/cli/mxn import' udata.sh) -eq 1 ]] || fail "README lost its u.data example"
out="$(bash -euo pipefail udata.sh)" || fail "the README's u.data example failed:
$(cat udata.sh)"
grep -q "^imported 3 interactions" <<<"$out" || fail "u.data: $out"
echo "readme_examples: ok"
