#!/usr/bin/env python3
"""A/B of two or more builds' benchmark programs: runs BUILD/bench/PROGRAM of each build in turn, ROUNDS
times (alternating, so that all see the same machine as its speed drifts), and prints each benchmark's
median CPU time per build and its ratio to the first build's.

  bench/build_ab.py [--rounds 5] PROGRAM BUILD_A BUILD_B [...] [-- PROGRAM ARGS]
  e.g. bench/build_ab.py engine_bench build-bench-native build-bench -- --benchmark_filter=collab

Used for the portable build against -march=native (docs/benchmarks.md, "CPU level")."""

import argparse
import json
import statistics
import subprocess
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--rounds", type=int, default=5)
parser.add_argument("program")
parser.add_argument("builds", nargs="+")
argv = sys.argv[1:]
cut = argv.index("--") if "--" in argv else len(argv)
args, extra = parser.parse_args(argv[:cut]), argv[cut + 1:]

times = {build: {} for build in args.builds}  # build -> benchmark -> [cpu time]
unit = {}
for round in range(args.rounds):
    for build in args.builds:
        out = subprocess.run([f"{build}/bench/{args.program}", "--benchmark_format=json", *extra],
                             capture_output=True, text=True, check=True).stdout
        for b in json.loads(out)["benchmarks"]:
            times[build].setdefault(b["name"], []).append(b["cpu_time"])
            unit[b["name"]] = b["time_unit"]
    print(f"round {round + 1}/{args.rounds} done", file=sys.stderr)

first = args.builds[0]
print("benchmark".ljust(44) + "".join(b[-22:].rjust(24) for b in args.builds))
for name in times[first]:
    base = statistics.median(times[first][name])
    cells = []
    for build in args.builds:
        m = statistics.median(times[build].get(name, [float("nan")]))
        cells.append(f"{m:10.1f} {unit[name]}" + ("" if build == first else f" ({m / base:.2f}x)"))
    print(name[:44].ljust(44) + "".join(c.rjust(24) for c in cells))
