"""RecommendationEngine: mxn's C++ engine in this process, over the warehouse its config names."""

from __future__ import annotations

import json
import os
from typing import Any, Mapping

from . import _mxn, errors
from ._api import Api


def _runtime_call(function, *args):
    try:
        return function(*args)
    except _mxn.CallError as e:
        status, body = e.args
        raise errors.from_response(status, body) from None


class Warehouse:
    """The warehouse an engine opened; give it to BehaviorTracker."""

    def __init__(self, api: Api) -> None:
        self._api = api


class RecommendationEngine(Api):
    """mxn in this process: the warehouse, the stored models, tracking and training, as ``mxn serve`` runs
    them, without HTTP. DuckDB lets one process open a warehouse: while ``mxn serve`` holds it, this raises
    WarehouseLockedError; use ``mxn.Client`` then.

    ``config_path``: a YAML config (default ``config/config.yaml`` when it exists, as the CLI does);
    ``overrides``: config keys as ``section_key=value`` (``warehouse_path="data/w.duckdb"``), applied like
    the ``MXN_SECTION_KEY`` environment variables, which are read too. Use it in a ``with`` block, or call
    ``close()``.
    """

    def __init__(self, config_path: str | os.PathLike[str] | None = None, **overrides: Any) -> None:
        if config_path is None and os.path.exists("config/config.yaml"):
            config_path = "config/config.yaml"
        env = [f"{k}={v}" for k, v in os.environ.items() if k.startswith("MXN_")]
        for key, value in overrides.items():
            text = json.dumps(value) if isinstance(value, (list, dict, bool)) else str(value)
            env.append(f"MXN_{key.upper()}={text}")
        self._runtime = _runtime_call(_mxn.Runtime, os.fspath(config_path) if config_path else "", env)
        self.warehouse = Warehouse(self)

    def _request(self, method: str, target: str, body: str | None = None) -> tuple[int, str]:
        return _runtime_call(self._runtime.call, method, target, body or "")

    def recommend(self, user_id: str, domain: str, top_k: int = 10, model_types: list[str] | None = None,
                  query_text: str | None = None, filter: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The blended list for ``user_id`` in ``domain``, as ``POST /recommendations`` answers it (``items``
        with ``item_id``, ``title``, ``score``, ``rank``, ``reason``, ``contributions``); logged as served."""
        if filter is not None:  # the request's JSON form carries it
            return super().recommend(user_id, domain, top_k, model_types, query_text, filter)
        return _runtime_call(self._runtime.recommend, user_id, domain, top_k, list(model_types or []),
                             query_text or "")

    def close(self) -> None:
        """Waits for a running training, flushes the served-list log and closes the warehouse."""
        self._runtime.close()

    def __enter__(self) -> "RecommendationEngine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
