"""The one way a use case says no: ``Refused``, with the rule's code, a message a client can act on, and the
input at fault. Use cases and rules raise it; they never know HTTP. The web layer maps it once
(``web.errors``): a state that does not allow the action now is 409, a missing resource 404, an action
outside the caller's office 403, anything else the client sent wrong 422.
"""
from __future__ import annotations

import enum
from typing import Any


class Why(enum.Enum):
    INVALID = 422  # the input breaks a rule
    CONFLICT = 409  # the thing is not in a state that allows this now
    NOT_FOUND = 404
    FORBIDDEN = 403  # e.g. another office's case
    UNAUTHENTICATED = 401  # no proof of who is asking, or it has ended
    TOO_MANY = 429  # again too soon: ``details["retry_after"]`` says in how many seconds


class Refused(Exception):
    def __init__(self, code: str, message: str, *, field: str | None = None, location: str = "json",
                 why: Why = Why.INVALID, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.location = location
        self.why = why
        self.details = details or {}


def conflict(code: str, message: str, **kwargs: Any) -> Refused:
    return Refused(code, message, why=Why.CONFLICT, **kwargs)


def not_found(code: str, message: str, **kwargs: Any) -> Refused:
    return Refused(code, message, why=Why.NOT_FOUND, **kwargs)
