"""engine.recommend from Python: calls per second and wall time per call, for the same requests as
engine_bench's BM_RecommendAndLog (random users user1..userN of one domain, top 10; knn alone and the blend
the domain serves). bench/python_bench.sh runs both on one warehouse and states the difference per call.

    PYTHONPATH=BUILD/python python3 bench/python_bench.py
    Environment: MXN_BENCH_USERS (10000), MXN_BENCH_DOMAIN (movies), MXN_BENCH_SECONDS (3 per variant),
    and the MXN_* variables naming the warehouse and model store.
"""

import json
import os
import random
import statistics
import time

import mxn

VARIANTS = {"knn": ["knn"], "served_blend": None}


def measure(engine, domain, users, models, seconds):
    rng = random.Random(42)
    walls = []
    items = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        user = f"user{rng.randint(1, users)}"
        start = time.perf_counter()
        items += len(engine.recommend(user, domain, top_k=10, model_types=models)["items"])
        walls.append(time.perf_counter() - start)
    walls.sort()
    return {"calls": len(walls), "calls_per_s": len(walls) / sum(walls), "mean_us": statistics.fmean(walls) * 1e6,
            "p50_us": walls[len(walls) // 2] * 1e6, "items_per_list": items / len(walls)}


def main():
    users = int(os.environ.get("MXN_BENCH_USERS", "10000"))
    domain = os.environ.get("MXN_BENCH_DOMAIN", "movies")
    seconds = float(os.environ.get("MXN_BENCH_SECONDS", "3"))
    with mxn.RecommendationEngine() as engine:
        for name, models in VARIANTS.items():
            measure(engine, domain, users, models, min(seconds, 1.0))  # warm-up
            print(json.dumps({"variant": name, **measure(engine, domain, users, models, seconds)}), flush=True)


if __name__ == "__main__":
    main()
