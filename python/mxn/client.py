"""Client: the same operations as RecommendationEngine, over a running server's REST API (standard library
only), for when ``mxn serve`` owns the warehouse."""

from __future__ import annotations

import urllib.error
import urllib.request

from ._api import Api


class Client(Api):
    """``mxn.Client("http://127.0.0.1:8000", api_key=None)``: every method of RecommendationEngine, over
    HTTP; errors are the same exceptions. ``client.warehouse`` (or the client itself) goes to
    BehaviorTracker."""

    def __init__(self, base_url: str = "http://127.0.0.1:8000", api_key: str | None = None,
                 timeout: float = 120.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.warehouse = self

    def _request(self, method: str, target: str, body: str | None = None) -> tuple[int, str]:
        request = urllib.request.Request(self.base_url + target, method=method,
                                         data=body.encode() if body is not None else None)
        if body is not None:
            request.add_header("Content-Type", "application/json")
        if self.api_key:
            request.add_header("X-API-Key", self.api_key)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def close(self) -> None:
        """Nothing to release (each call is one HTTP request); for symmetry with RecommendationEngine."""

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
