"""mxn from Python: the recommendation engine in process (RecommendationEngine, BehaviorTracker) or over a
running server's REST API (Client), with the same methods, results and exceptions.

    from mxn import RecommendationEngine, BehaviorTracker

    engine = RecommendationEngine()                 # reads config/config.yaml as the CLI does
    tracker = BehaviorTracker(engine.warehouse)
    tracker.track_like(user_id="user1", domain="movies", item_id="movie_1", rating=5.0)
    recommendations = engine.recommend(user_id="user1", domain="movies", top_k=10)
    engine.train_all_models("movies")
"""

from .client import Client
from .engine import RecommendationEngine, Warehouse
from .errors import (AuthenticationError, ConflictError, Error, NotFoundError, UnavailableError, ValidationError,
                     WarehouseLockedError)
from .tracker import BehaviorTracker

__all__ = ["RecommendationEngine", "BehaviorTracker", "Client", "Warehouse", "Error", "ValidationError",
           "NotFoundError", "ConflictError", "WarehouseLockedError", "AuthenticationError", "UnavailableError"]
