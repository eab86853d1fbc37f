"""The Python API: the original documentation's snippet, result shapes, errors, Client, threads."""

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
