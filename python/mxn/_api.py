"""The operations of mxn, defined once over one transport: an API request ``(method, target, body)`` that
answers the REST API's JSON. The in-process engine and Client differ only in how a request travels."""

from __future__ import annotations

import abc
import json
import time
import urllib.parse
from typing import Any, Iterable, Mapping

from . import errors


def _quote(segment: str) -> str:
    return urllib.parse.quote(segment, safe="")


def _target(path: str, **query: Any) -> str:
    pairs = {k: ("true" if v is True else "false" if v is False else v) for k, v in query.items() if v is not None}
    return path + ("?" + urllib.parse.urlencode(pairs) if pairs else "")


class Api(abc.ABC):
    """Every operation, over ``_request`` (implemented by RecommendationEngine and Client)."""

    @abc.abstractmethod
    def _request(self, method: str, target: str, body: str | None = None) -> tuple[int, str]:
        """Sends one API request (JSON body text or None); returns the HTTP status and the body text."""

    def _call(self, method: str, target: str, body: Any = None) -> Any:
        status, text = self._request(method, target, None if body is None else json.dumps(body))
        if status >= 400:
            raise errors.from_response(status, text)
        return json.loads(text) if text else None

    # ---- recommendations --------------------------------------------------------------------------------
    def recommend(self, user_id: str, domain: str, top_k: int = 10, model_types: list[str] | None = None,
                  query_text: str | None = None) -> dict[str, Any]:
        """The blended list for ``user_id`` in ``domain``: the body of ``POST /recommendations`` (``items``
        with ``item_id``, ``title``, ``score``, ``rank``, ``reason``, ``contributions``)."""
        body: dict[str, Any] = {"user_id": user_id, "domain": domain, "top_k": top_k}
        if model_types is not None:
            body["model_types"] = list(model_types)
        if query_text is not None:
            body["query_text"] = query_text
        return self._call("POST", "/recommendations", body)

    def similar_items(self, domain: str, item_id: str, top_k: int = 10) -> dict[str, Any]:
        """Items like ``item_id``: the body of ``GET /items/{domain}/{item_id}/similar``."""
        return self._call("GET", _target(f"/items/{_quote(domain)}/{_quote(item_id)}/similar", top_k=top_k))

    # ---- automation ------------------------------------------------------------------------------------
    def daily_playlist(self, user_id: str, **options: Any) -> dict[str, Any]:
        """``GET /automation/daily-playlist/{user_id}`` (options as its query parameters)."""
        return self._call("GET", _target(f"/automation/daily-playlist/{_quote(user_id)}", **options))

    def weekly_movies(self, user_id: str, **options: Any) -> dict[str, Any]:
        """``GET /automation/weekly-movies/{user_id}`` (options as its query parameters)."""
        return self._call("GET", _target(f"/automation/weekly-movies/{_quote(user_id)}", **options))

    def task_prioritization(self, user_id: str, **options: Any) -> dict[str, Any]:
        """``GET /automation/task-prioritization/{user_id}`` (options as its query parameters)."""
        return self._call("GET", _target(f"/automation/task-prioritization/{_quote(user_id)}", **options))

    # ---- training -------------------------------------------------------------------------------------
    def train(self, domain: str | None = None, poll_seconds: float = 0.2) -> dict[str, Any]:
        """Trains ``domain`` (every enabled one when None) and waits: the finished job (``GET
        /training/jobs/{id}``). The wait polls, so Ctrl-C (KeyboardInterrupt) returns at once; the job then
        finishes in the background and is published as usual."""
        job = self._call("POST", _target("/training/train", domain=domain))
        while job.get("status") in ("queued", "running"):
            time.sleep(poll_seconds)
            job = self._call("GET", f"/training/jobs/{_quote(job['job_id'])}")
        if job.get("status") != "succeeded":
            raise errors.Error(f"training job {job.get('job_id')} {job.get('status')}: {job.get('error') or ''}")
        return job

    def train_all_models(self, domain: str) -> dict[str, Any]:
        """Trains every enabled model of ``domain`` (the original system's name for ``train(domain)``)."""
        return self.train(domain)

    def stats(self, domain: str | None = None) -> dict[str, Any]:
        """Counts and the latest training runs: the body of ``GET /training/stats``."""
        return self._call("GET", _target("/training/stats", domain=domain))

    # ---- catalog and history --------------------------------------------------------------------------
    def upsert_item(self, domain: str, item_id: str, **fields: Any) -> dict[str, Any]:
        """``PUT /items``: title, description, tags, metadata."""
        return self._call("PUT", "/items", {"domain": domain, "item_id": item_id, **fields})

    def item(self, domain: str, item_id: str) -> dict[str, Any]:
        """``GET /items/{domain}/{item_id}``."""
        return self._call("GET", f"/items/{_quote(domain)}/{_quote(item_id)}")

    def history(self, user_id: str, domain: str | None = None, limit: int | None = None) -> dict[str, Any]:
        """``GET /users/{user_id}/history``."""
        return self._call("GET", _target(f"/users/{_quote(user_id)}/history", domain=domain, limit=limit))

    # ---- tracking (BehaviorTracker calls these) -------------------------------------------------------
    def _track(self, interaction: Mapping[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/interactions", _interaction(interaction))

    def _track_many(self, interactions: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
        return self._call("POST", "/interactions/bulk", {"interactions": [_interaction(i) for i in interactions]})


def _interaction(fields: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in fields.items() if v is not None}
    stamp = out.get("timestamp")
    if hasattr(stamp, "isoformat"):  # datetime, pandas Timestamp
        out["timestamp"] = stamp.isoformat()
    return out
