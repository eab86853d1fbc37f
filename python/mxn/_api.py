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
                  query_text: str | None = None, filter: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The blended list for ``user_id`` in ``domain``: the body of ``POST /recommendations`` (``items``
        with ``item_id``, ``title``, ``score``, ``rank``, ``reason``, ``contributions``); ``filter`` as the
        README's Filters section describes."""
        body = _recommend_body(domain, top_k, model_types, query_text, filter)
        body["user_id"] = user_id
        return self._call("POST", "/recommendations", body)

    def recommend_batch(self, user_ids: Iterable[str], domain: str, top_k: int = 10,
                        model_types: list[str] | None = None, query_text: str | None = None,
                        filter: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """``POST /recommendations/batch`` (at most 10,000 users): one answer per user, in order, each what
        ``recommend`` returns for that user, or ``{"user_id", "error"}`` for a user whose list failed."""
        body = _recommend_body(domain, top_k, model_types, query_text, filter)
        body["user_ids"] = list(user_ids)
        status, text = self._request("POST", "/recommendations/batch", json.dumps(body))
        if status >= 400:
            raise errors.from_response(status, text)
        return [json.loads(line) for line in text.splitlines() if line]

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
        return self._finish(self._call("POST", _target("/training/train", domain=domain)), poll_seconds)

    def evaluate(self, domain: str, split: str = "random", k: int = 10, last: int = 1,
                 poll_seconds: float = 0.2) -> dict[str, Any]:
        """Offline evaluation of what ``domain`` would serve, nothing saved: popularity, each enabled model
        alone and the blend (``ensemble``), fitted on a held-out split (``random``: training.test_fraction per
        user; ``temporal``: each user's last ``last`` interactions; ``loo``: one per user) and scored at
        ``k``. Waits and returns the report (``POST /training/evaluate``, the report of ``mxn evaluate
        --json``); Ctrl-C stops waiting as with ``train``."""
        job = self._call("POST", _target("/training/evaluate", domain=domain, split=split, k=k, last=last))
        return self._finish(job, poll_seconds)["evaluation"]

    def _finish(self, job: dict[str, Any], poll_seconds: float) -> dict[str, Any]:
        """Polls a training or evaluation job until it is done; raises mxn.Error unless it succeeded."""
        while job.get("status") in ("queued", "running"):
            time.sleep(poll_seconds)
            job = self._call("GET", f"/training/jobs/{_quote(job['job_id'])}")
        if job.get("status") != "succeeded":
            raise errors.Error(f"{job.get('kind', 'training')} job {job.get('job_id')} {job.get('status')}: "
                               f"{job.get('error') or ''}")
        return job

    def models(self, domain: str) -> dict[str, Any]:
        """``GET /models/{domain}``: every stored version of each model, with metrics and status."""
        return self._call("GET", f"/models/{_quote(domain)}")

    def rollback(self, domain: str, model: str, version: int) -> dict[str, Any]:
        """``POST /models/{domain}/{model}/rollback``: serve ``version`` of the model from now on."""
        return self._call("POST", _target(f"/models/{_quote(domain)}/{_quote(model)}/rollback", version=int(version)))

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

    def items(self, domain: str, offset: int = 0, limit: int = 100, tag: str | None = None) -> dict[str, Any]:
        """``GET /items/{domain}``: a page of the catalog (``items``, ``next_offset``)."""
        return self._call("GET", _target(f"/items/{_quote(domain)}", offset=offset, limit=limit, tag=tag))

    def users(self, domain: str | None = None, offset: int = 0, limit: int = 100) -> dict[str, Any]:
        """``GET /users``: a page of users (``items``, ``next_offset``), of one domain if given."""
        return self._call("GET", _target("/users", domain=domain, offset=offset, limit=limit))

    def history(self, user_id: str, domain: str | None = None, limit: int | None = None,
                cursor: str | None = None) -> dict[str, Any]:
        """``GET /users/{user_id}/history``: newest first; ``next_cursor`` as ``cursor`` gives the next page."""
        return self._call("GET", _target(f"/users/{_quote(user_id)}/history", domain=domain, limit=limit,
                                         cursor=cursor))

    def similar_users(self, user_id: str, domain: str, top_k: int = 10) -> dict[str, Any]:
        """``GET /users/{user_id}/similar``: users whose liked items are most like this user's."""
        return self._call("GET", _target(f"/users/{_quote(user_id)}/similar", domain=domain, top_k=top_k))

    # ---- deletion: effective at once, models forget at the next training (README: Deleting data) --------
    def delete_user(self, user_id: str) -> dict[str, Any]:
        """``DELETE /users/{user_id}``: interactions in every domain, served lists, user row."""
        return self._call("DELETE", f"/users/{_quote(user_id)}")

    def delete_item(self, domain: str, item_id: str) -> dict[str, Any]:
        """``DELETE /items/{domain}/{item_id}``: catalog row and interactions; never recommended again."""
        return self._call("DELETE", f"/items/{_quote(domain)}/{_quote(item_id)}")

    def delete_interaction(self, interaction_id: int) -> dict[str, Any]:
        """``DELETE /interactions/{id}``: one interaction, by the id ``track`` returned."""
        return self._call("DELETE", f"/interactions/{int(interaction_id)}")

    # ---- tracking (BehaviorTracker calls these) -------------------------------------------------------
    def _track(self, interaction: Mapping[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/interactions", _interaction(interaction))

    def _track_many(self, interactions: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
        return self._call("POST", "/interactions/bulk", {"interactions": [_interaction(i) for i in interactions]})


def _recommend_body(domain: str, top_k: int, model_types: list[str] | None, query_text: str | None,
                    filter: Mapping[str, Any] | None) -> dict[str, Any]:
    body: dict[str, Any] = {"domain": domain, "top_k": top_k}
    if model_types is not None:
        body["model_types"] = list(model_types)
    if query_text is not None:
        body["query_text"] = query_text
    if filter is not None:
        body["filter"] = dict(filter)
    return body


def _interaction(fields: Mapping[str, Any]) -> dict[str, Any]:
    """One interaction as JSON values. A row of a pandas DataFrame brings numpy numbers, Timestamps and
    missing values (NaN, NaT, None): numbers become Python ones, times ISO-8601 text, missing fields absent."""
    out = {}
    for key, value in fields.items():
        if _missing(value):
            continue
        if type(value).__module__ == "numpy" and hasattr(value, "item"):
            value = value.item()
        if key == "timestamp" and hasattr(value, "isoformat"):  # datetime, pandas Timestamp
            value = value.isoformat()
        out[key] = value
    return out


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN and NaT are not equal to themselves
    except (TypeError, ValueError):  # pandas.NA has no truth value; an array is not one missing value
        return type(value).__name__ == "NAType"
