"""The exceptions of mxn: one per kind of failure, the same from the in-process engine and from Client."""

from __future__ import annotations

import json
from typing import Any


class Error(Exception):
    """Something mxn refused or could not do. ``status`` is the HTTP status the REST API answers with,
    ``code`` its error code (``invalid_argument``, ``not_found``, ...), ``field`` the input it names (or None)
    and ``problems`` every ``{"field", "message"}`` when there are several."""

    def __init__(self, message: str, *, status: int = 500, code: str = "internal", field: str | None = None,
                 problems: list[dict[str, str]] | None = None) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.message = message
        self.status = status
        self.code = code
        self.field = field
        self.problems = problems or ([{"field": field, "message": message}] if field else [])


class ValidationError(Error):
    """Bad input (HTTP 400, 413, 415, 422): ``field`` names it, ``problems`` lists every one."""


class NotFoundError(Error):
    """An unknown user, item, domain, job or version (HTTP 404)."""


class ConflictError(Error):
    """The system is not in a state to do this (HTTP 409)."""


class WarehouseLockedError(ConflictError):
    """Another process (usually ``mxn serve``) holds the warehouse file: use ``mxn.Client`` to reach it."""


class AuthenticationError(Error):
    """No API key, or a wrong one (HTTP 401)."""


class UnavailableError(Error):
    """Not ready, shutting down, or a storage failure (HTTP 503)."""


_BY_STATUS = {400: ValidationError, 401: AuthenticationError, 404: NotFoundError, 409: ConflictError,
              413: ValidationError, 415: ValidationError, 422: ValidationError, 503: UnavailableError}


def from_response(status: int, body: str) -> Error:
    """The exception for an error answer of the REST API (``{"error": {code, message, field, problems?}}``)."""
    try:
        error: dict[str, Any] = json.loads(body)["error"]
    except (ValueError, KeyError, TypeError):
        error = {"code": "http_error", "message": f"HTTP {status}: {body[:200]}"}
    message = error.get("message", "")
    kind = _BY_STATUS.get(status, Error)
    if kind is ConflictError and " is in use by " in message:
        kind = WarehouseLockedError
        message += " -- from Python: mxn.Client(base_url) talks to the server that holds it"
    return kind(message, status=status, code=error.get("code", ""), field=error.get("field"),
                problems=error.get("problems"))
