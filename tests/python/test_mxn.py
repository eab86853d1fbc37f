"""The Python API: the original documentation's snippet, result shapes, errors, Client, threads."""

import os
import signal
import threading

import pytest

import mxn
from mxn import BehaviorTracker, RecommendationEngine


def test_the_original_snippet_works_as_written(seeded):
    from mxn import RecommendationEngine, BehaviorTracker   # originally: from src.recommendation_engine import ...

    engine = RecommendationEngine()                 # reads config/config.yaml as the CLI does
    tracker = BehaviorTracker(engine.warehouse)

    tracker.track_like(user_id="user1", domain="movies", item_id="movie_1", rating=5.0)
    recommendations = engine.recommend(user_id="user1", domain="movies", top_k=10)
    engine.train_all_models("movies")

    assert len(recommendations["items"]) == 10
    assert "movie_1" not in [i["item_id"] for i in recommendations["items"]], "a liked movie is not offered again"
    assert engine.recommend(user_id="user1", domain="movies")["count"] == 10
    engine.close()


ITEM_KEYS = {"item_id", "title", "score", "rank", "reason", "contributions"}
LIST_KEYS = {"user_id", "domain", "generated_at", "cold_start", "models_used", "count", "items"}


def test_results_have_the_rest_apis_shape(seeded):
    with RecommendationEngine() as engine:
        recs = engine.recommend("user2", "movies", top_k=5, model_types=["knn", "collab"])
        assert set(recs) == LIST_KEYS and recs["count"] == 5
        assert all(set(item) == ITEM_KEYS for item in recs["items"])
        assert [i["rank"] for i in recs["items"]] == [1, 2, 3, 4, 5]
        similar = engine.similar_items("movies", "movie_3", top_k=4)
        assert len(similar["items"]) == 4
        assert engine.weekly_movies("user2")["items"]
        assert "domains" in engine.stats() or engine.stats()


# Every method, as (name, args, kwargs); the writes come last so that the reads see the same data both times.
EVERY_CALL = [
    ("recommend", ("user2", "movies"), {"top_k": 5}),
    ("recommend", ("user2", "movies"), {"top_k": 3, "model_types": ["embedding"], "query_text": "space"}),
    ("recommend", ("user2", "movies"), {"top_k": 4, "filter": {"exclude_ids": ["movie_1"]}}),
    ("recommend_batch", (["user2", "user3", "nobody-yet"], "movies"), {"top_k": 3}),
    ("similar_items", ("movies", "movie_3"), {"top_k": 4}),
    ("similar_users", ("user2", "movies"), {"top_k": 4}),
    ("items", ("movies",), {"limit": 5, "offset": 2}),
    ("users", (), {"domain": "movies", "limit": 5}),
    ("daily_playlist", ("user2",), {}),
    ("weekly_movies", ("user2",), {}),
    ("task_prioritization", ("user2",), {}),
    ("stats", (), {"domain": "movies"}),
    ("item", ("movies", "movie_3"), {}),
    ("history", ("user2",), {"domain": "movies", "limit": 5}),
    ("history", ("user2",), {"domain": "movies", "limit": 2, "cursor": "9000000000000000:1"}),
    ("evaluate", ("movies",), {"split": "loo", "k": 5}),
    ("models", ("movies",), {}),
    ("rollback", ("movies", "knn", 1), {}),
    ("train", ("music",), {}),
    ("upsert_item", ("movies", "movie_new"), {"title": "New", "tags": ["drama"]}),
    ("track_view", ("user2", "movies", "movie_new"), {}),
    ("track_many", ([{"user_id": "user2", "domain": "movies", "item_id": "movie_4", "interaction_type": "like"}],),
     {}),
    ("track_view", ("forgettable", "movies", "movie_4"), {}),
    ("delete_user", ("forgettable",), {}),
    ("delete_item", ("movies", "movie_new"), {}),
    ("delete_interaction", (), {}),  # of an interaction _call logs first
]


def _call(api, name, args, kwargs):
    if name == "delete_interaction":
        args = (_call(api, "track_view", ("user3", "movies", "movie_5"), {})["id"],)
    if name.startswith("track"):
        return getattr(BehaviorTracker(getattr(api, "warehouse", api)), name)(*args, **kwargs)
    return getattr(api, name)(*args, **kwargs)


def _shape(value):
    """The JSON structure of a value: keys, list element shapes and value kinds (not the values)."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    if value is None:
        return None
    return "bool" if isinstance(value, bool) else "number" if isinstance(value, (int, float)) else type(value).__name__


def _differences(a, b, path="$"):
    """Where two shapes differ; null and an empty list are compatible with anything."""
    if a is None or b is None or a == [] or b == []:
        return []
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return [f"{path}: keys {sorted(set(a) ^ set(b))} in one only"]
        return [d for k in a for d in _differences(a[k], b[k], f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list):
        return _differences(a[0], b[0], path + "[0]")
    return [] if a == b else [f"{path}: {a} vs {b}"]


def test_every_method_answers_the_rest_apis_json(seeded, request):
    with RecommendationEngine() as engine:
        in_process = [_shape(_call(engine, *call)) for call in EVERY_CALL]
    client = mxn.Client(request.getfixturevalue("server").url)
    for call, engine_shape in zip(EVERY_CALL, in_process):
        over_http = _shape(_call(client, *call))
        assert _differences(engine_shape, over_http) == [], call[0]
        assert engine_shape != [] and engine_shape is not None, call[0]


def test_evaluate_reports_each_model_and_the_blend(seeded):
    with RecommendationEngine() as engine:
        report = engine.evaluate("movies", split="temporal", last=2, k=5)
        assert report["split"] == "temporal" and report["k"] == 5
        assert [m["model"] for m in report["models"]][-1] == "ensemble"
        assert all(0 <= m["ndcg"] <= 1 for m in report["models"] if m["status"] == "evaluated")
        with pytest.raises(mxn.ValidationError) as e:
            engine.evaluate("movies", split="sideways")
        assert e.value.field == "split"


def test_ctrl_c_while_training_stops_the_wait_and_leaves_the_engine_working(seeded):
    with RecommendationEngine() as engine:
        request = engine._request

        def interrupted(method, target, body=None):  # Ctrl-C arrives once the job is queued
            answer = request(method, target, body)
            if target.startswith("/training/train"):
                os.kill(os.getpid(), signal.SIGINT)
            return answer

        engine._request = interrupted
        with pytest.raises(KeyboardInterrupt):
            engine.train("movies")
        engine._request = request
        assert engine.recommend("user3", "movies", top_k=3)["count"] == 3
        job = engine.train("movies")  # the interrupted job went on; a new request waits for it or its successor
        assert job["status"] == "succeeded"


def test_track_many_takes_a_dataframe(seeded):
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame({
        "user_id": ["pandas1", "pandas1", "pandas2"],
        "domain": ["movies"] * 3,
        "item_id": ["movie_1", "movie_2", "movie_3"],
        "interaction_type": ["rating", "view", "rating"],
        "rating": [4.5, float("nan"), 2.0],  # numpy floats, and NaN where a view has none
        "timestamp": pandas.to_datetime(["2026-01-02T03:04:05Z", "2026-01-03T00:00:00Z", None]),
    })
    with RecommendationEngine() as engine:
        answer = BehaviorTracker(engine.warehouse).track_many(frame)
        assert answer["count"] == 3
        history = engine.history("pandas1", domain="movies")
        assert history["count"] == 2
        by_item = {i["item_id"]: i for i in history["items"]}
        assert by_item["movie_1"]["rating"] == 4.5 and by_item["movie_2"]["rating"] is None
        assert by_item["movie_1"]["timestamp"].startswith("2026-01-02T03:04:05")


def test_bad_input_raises_validation_error_naming_the_field(seeded):
    with RecommendationEngine() as engine:
        with pytest.raises(mxn.ValidationError) as e:
            engine.recommend("user1", "movies", top_k=0)
        assert e.value.field == "top_k" and e.value.status == 422
        with pytest.raises(mxn.ValidationError) as e:
            BehaviorTracker(engine.warehouse).track("u", "movies", "m", "wink")
        assert e.value.field == "interaction_type"
        with pytest.raises(mxn.ValidationError) as e:
            BehaviorTracker(engine.warehouse).track_many([{"user_id": "u", "domain": "movies", "item_id": "m",
                                                           "interaction_type": "view"},
                                                          {"user_id": "u", "domain": "movies", "item_id": "m",
                                                           "interaction_type": "rating", "rating": 99}])
        assert e.value.field == "interactions[1].rating"
        with pytest.raises(mxn.NotFoundError):
            engine.item("movies", "no-such-movie")
        with pytest.raises(mxn.NotFoundError) as e:
            engine.recommend("user1", "books")
        assert e.value.field == "domain" and e.value.status == 404


def test_client_gives_what_the_engine_gives(seeded, server_after_engine):
    in_process, client = server_after_engine
    over_http = client.recommend("user4", "movies", top_k=10)
    assert [i["item_id"] for i in over_http["items"]] == [i["item_id"] for i in in_process["items"]]
    assert [i["score"] for i in over_http["items"]] == pytest.approx([i["score"] for i in in_process["items"]])
    with pytest.raises(mxn.ValidationError) as e:
        client.recommend("user1", "movies", top_k=0)
    assert e.value.field == "top_k"


@pytest.fixture
def server_after_engine(seeded, request):
    with RecommendationEngine() as engine:
        in_process = engine.recommend("user4", "movies", top_k=10)
    server = request.getfixturevalue("server")
    return in_process, mxn.Client(server.url)


def test_a_server_holding_the_warehouse_is_named(server):
    with pytest.raises(mxn.WarehouseLockedError) as e:
        RecommendationEngine()
    assert "mxn.Client" in str(e.value)
    assert isinstance(e.value, mxn.ConflictError)


def test_threads_recommend_while_another_tracks(seeded):
    with RecommendationEngine() as engine:
        tracker = BehaviorTracker(engine.warehouse)
        failures = []

        def recommend():
            try:
                for n in range(50):
                    assert engine.recommend(f"user{n % 20 + 1}", "movies", top_k=5)["count"] == 5
            except Exception as e:  # noqa: BLE001 -- reported below
                failures.append(e)

        def track():
            try:
                for n in range(100):
                    tracker.track_view(user_id=f"reader{n}", domain="movies", item_id=f"movie_{n % 80 + 1}")
            except Exception as e:  # noqa: BLE001
                failures.append(e)

        threads = [threading.Thread(target=recommend), threading.Thread(target=recommend),
                   threading.Thread(target=track)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert failures == []
        assert engine.history("reader99", domain="movies")["count"] == 1
