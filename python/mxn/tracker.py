"""BehaviorTracker: logs what users do, through an engine's warehouse or a Client."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from ._api import Api


class BehaviorTracker:
    """Records interactions: ``BehaviorTracker(engine.warehouse)`` in process, ``BehaviorTracker(client)``
    over HTTP. Each call returns once the interaction is committed, and raises ValidationError naming the
    field of a bad one."""

    def __init__(self, warehouse: Any) -> None:
        api = getattr(warehouse, "_api", warehouse)
        if not isinstance(api, Api):
            raise TypeError("BehaviorTracker needs engine.warehouse or an mxn.Client")
        self._api = api

    def track(self, user_id: str, domain: str, item_id: str, interaction_type: str, *, rating: float | None = None,
              count: int | None = None, timestamp: Any = None,
              metadata: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """One interaction (``POST /interactions``); ``timestamp``: epoch seconds, ISO-8601 text or a
        datetime (default now)."""
        return self._api._track({"user_id": user_id, "domain": domain, "item_id": item_id,
                                 "interaction_type": interaction_type, "rating": rating, "count": count,
                                 "timestamp": timestamp, "metadata": metadata})

    def track_many(self, interactions: Iterable[Mapping[str, Any]] | Any) -> dict[str, Any]:
        """Many at once, all or nothing (``POST /interactions/bulk``): an iterable of dicts with the fields
        of ``track``, or a pandas DataFrame with those columns."""
        if hasattr(interactions, "to_dict"):  # a pandas DataFrame
            interactions = interactions.to_dict(orient="records")
        return self._api._track_many(list(interactions))

    def _typed(kind: str):  # noqa: N805 -- builds the track_<kind> methods below
        def track_kind(self: "BehaviorTracker", user_id: str, domain: str, item_id: str, **fields: Any) -> dict[str, Any]:
            return self.track(user_id, domain, item_id, kind, **fields)

        track_kind.__name__ = f"track_{kind}"
        track_kind.__doc__ = f"``track(..., interaction_type='{kind}')``; keyword fields as in ``track``."
        return track_kind

    track_view = _typed("view")
    track_click = _typed("click")
    track_play = _typed("play")
    track_skip = _typed("skip")
    track_like = _typed("like")
    track_dislike = _typed("dislike")
    track_rating = _typed("rating")
    track_complete = _typed("complete")
    del _typed
