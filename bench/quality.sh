#!/usr/bin/env bash
# bench/quality.sh [BUILD] [DATASETS]: ranking quality on the public datasets with fixed splits.
#
# For each split of DATASETS (default ../shared/datasets), in a fresh warehouse: imports the catalog (when
# there is one) and split/train.csv with the dataset's rating scale (its only per-dataset setting), then
#   1. `mxn evaluate --test split/test.csv` with the shipped defaults, writing every model's and the blend's
#      top-10 lists for the test users;
#   2. `mxn tune`, then `mxn evaluate` again with the tuned values in force (what `mxn train` then serves);
# scores every list with the datasets' own score.py, and writes the table, beside the reference rows of
# BASELINES.md (baselines.json), between the markers of docs/quality.md. Prints what it measured.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build="${1:-build}"
datasets="$(cd "${2:-../shared/datasets}" && pwd)"
mxn="$PWD/$build/src/cli/mxn"
[[ -x "$mxn" ]] || { echo "quality.sh: build $mxn first (make build)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
results="$work/results.jsonl"
: > "$results"

# name  split-dir  items-file  rating-scale(min max neutral)  positive-threshold
splits=(
  "movietweetings-100k/split movietweetings-100k/split movietweetings-100k/items.csv 0 10 6 7"
  "movietweetings-100k/split-temporal movietweetings-100k/split-temporal movietweetings-100k/items.csv 0 10 6 7"
  "filmtrust/split filmtrust/split - 0.5 4 2.5 3"
)

score() {  # score SPLIT_DIR RECS THRESHOLD -> JSON
  python3 "$datasets/score.py" --train "$datasets/$1/train.csv" --test "$datasets/$1/test.csv" --recs "$2" \
    --pos-threshold "$3"
}

for entry in "${splits[@]}"; do
  read -r name dir items min max neutral threshold <<<"$entry"
  run="$work/${name//\//_}"
  mkdir -p "$run"
  export MXN_WAREHOUSE_PATH="$run/warehouse.duckdb" MXN_MODELS_STORE_DIR="$run/models" MXN_LOG_LEVEL=warn
  export MXN_DOMAINS_MOVIES_RATINGS_MIN="$min" MXN_DOMAINS_MOVIES_RATINGS_MAX="$max"
  export MXN_DOMAINS_MOVIES_RATINGS_NEUTRAL="$neutral"
  start=$(date +%s%N)
  echo "== $name"
  if [[ "$items" != "-" ]]; then
    "$mxn" import --domain movies --items "$datasets/$items" --item-col item --title-col title --tags-col genres
  fi
  "$mxn" import --domain movies --interactions "$datasets/$dir/train.csv" --user-col user --item-col item \
    --rating-col weight --time-col timestamp --type rating
  evaluate() {  # evaluate SETTINGS
    "$mxn" evaluate --domain movies --test "$datasets/$dir/test.csv" --user-col user --item-col item \
      --rating-col weight --time-col timestamp --recommendations-out "$run/$1.csv" --json > "$run/$1.json"
    for model in $(python3 -c "import json,sys; print(' '.join(m['model'] for m in json.load(open(sys.argv[1]))['models'] if m['status'] == 'evaluated'))" "$run/$1.json"); do
      awk -F, -v m="$model" 'NR == 1 {print "user,item,rank"} NR > 1 && $5 == m {print $1 "," $2 "," $3}' \
        "$run/$1.csv" > "$run/$1-$model.csv"
      score "$dir" "$run/$1-$model.csv" "$threshold" > "$run/$1-$model.score.json"
      python3 - "$name" "$1" "$model" "$run/$1.json" "$run/$1-$model.score.json" >> "$results" <<'PY'
import json, sys
name, settings, model, report, scored_path = sys.argv[1:6]
scored = json.load(open(scored_path))
mxn = next(m for m in json.load(open(report))["models"] if m["model"] == model)
print(json.dumps({"split": name, "settings": settings, "model": model, "type": mxn["type"], "scored": scored,
                  "mxn_ndcg": mxn["ndcg"]}))
PY
    done
  }
  evaluate defaults
  tune_start=$(date +%s%N)
  "$mxn" tune --domain movies > "$run/tune.txt"
  tune_s=$(( ($(date +%s%N) - tune_start) / 1000000000 ))
  evaluate tuned
  total_s=$(( ($(date +%s%N) - start) / 1000000000 ))
  python3 - "$name" "$run/models/movies/tuned" "$tune_s" "$total_s" >> "$results" <<'PY'
import glob, json, sys
name, folder, tune_s, total_s = sys.argv[1:5]
record = json.load(open(sorted(glob.glob(folder + "/v*/tuned.json"))[-1]))
print(json.dumps({"split": name, "tuned": record["values"], "blend": record["blend"], "tune_s": float(tune_s),
                  "total_s": float(total_s)}))
PY
  sed -n '/tuned version/,$p' "$run/tune.txt"
done

python3 - "$results" "$datasets/baselines.json" docs/quality.md <<'PY'
import json, sys, os, platform, subprocess
results_path, baselines_path, doc = sys.argv[1:4]
rows = [json.loads(line) for line in open(results_path)]
baselines = json.load(open(baselines_path))
KEYS = {"movietweetings-100k/split": "movietweetings-100k random 80/20",
        "movietweetings-100k/split-temporal": "movietweetings-100k temporal", "filmtrust/split": "filmtrust random 80/20"}
NAMES = {"pop": "Popularity", "itemknn": "ItemKNN cosine", "ease": "EASE", "rp3beta": "RP3beta", "als": "implicit ALS",
         "bpr": "implicit BPR"}
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
out = [f"Made by `bench/quality.sh` at commit `{commit}` on {os.cpu_count()} cores ({cpu}). NDCG@10 and the other "
       "metrics are score.py's on each model's and the blend's top-10 lists; `mxn ndcg` is mxn evaluate's own figure "
       "for the same lists.", ""]
for split in dict.fromkeys(r["split"] for r in rows if "model" in r):
    meta = next(r for r in rows if r["split"] == split and "tune_s" in r)
    out += [f"### {split}", "",
            f"Wall time {meta['total_s']:.0f} s in all, of which `mxn tune` {meta['tune_s']:.0f} s.", "",
            "| model | settings | P@10 | R@10 | NDCG@10 | HR@10 | MAP@10 | mxn ndcg |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if r.get("split") != split or "model" not in r:
            continue
        s = r["scored"]
        name = "**blend (served)**" if r["model"] == "ensemble" else f"mxn {r['model']} ({r['type']})"
        out.append(f"| {name} | {r['settings']} | {s['P@10']:.4f} | {s['R@10']:.4f} | {s['NDCG@10']:.4f} | "
                   f"{s['HR@10']:.4f} | {s['MAP@10']:.4f} | {r['mxn_ndcg']:.4f} |")
    for model, ref in baselines.get(KEYS.get(split, split), {}).items():
        params = " ".join(f"{k}={v}" for k, v in ref.get("params", {}).items() if k != "input")
        out.append(f"| reference {NAMES.get(model, model)} | {params} | {ref['P@10']:.4f} | {ref['R@10']:.4f} | "
                   f"{ref['NDCG@10']:.4f} | {ref['HR@10']:.4f} | {ref['MAP@10']:.4f} | |")
    tuned = ", ".join(f"{k.split('.', 1)[1]}={v}" for k, v in meta["tuned"].items())
    out += ["", f"Tuned values: {tuned}.", ""]
text = open(doc).read()
begin, end = "<!-- quality.sh: begin -->", "<!-- quality.sh: end -->"
head, rest = text.split(begin, 1)
tail = rest.split(end, 1)[1]
open(doc, "w").write(head + begin + "\n" + "\n".join(out) + "\n" + end + tail)
print("\n".join(out))
PY
