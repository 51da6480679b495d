"""Telegram's error answers: the ``ok: false`` envelope and the wording of common errors."""

from __future__ import annotations

import json
from typing import Any

JSON = dict[str, Any]

CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


class ApiError(Exception):
    """An ``ok: false`` answer; ``status`` is both the HTTP status and ``error_code``."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters

    def payload(self) -> bytes:
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return json.dumps(body).encode()


class RuleError(ValueError):
    """A request Telegram refuses with 400; ``description`` lacks the "Bad Request: " prefix."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


def bad(description: str, parameters: JSON | None = None) -> ApiError:
    """A 400 answer: "Bad Request: " and the description."""
    return ApiError(400, f"Bad Request: {description}", parameters)


def too_many_requests(retry_after: int) -> ApiError:
    """Telegram's flood-control answer."""
    description = f"Too Many Requests: retry after {retry_after}"
    return ApiError(429, description, {"retry_after": retry_after})
