"""One JSON shape for every error a client can cause, naming the field:

    {"code": "validation_failed", "message": "...",
     "errors": [{"field": "applicant.nik", "location": "json", "message": "..."}]}

Validation (webargs/marshmallow), malformed JSON, wrong content type, oversize bodies, unknown routes
and ids, missing or insufficient tokens all come out this way, never as an HTML page or a 500. When the
database or the broker does not answer, the answer is 503 with ``Retry-After``, not 500.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from ..db import is_unavailable
from ..refusal import Refused

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5


def unavailable(exc: BaseException) -> bool:
    """The database or the broker did not answer (an outage, a restart, a failover): the client may retry."""
    from kombu.exceptions import OperationalError as BrokerUnavailable

    return is_unavailable(exc) or isinstance(exc, BrokerUnavailable)


class ApiError(Exception):
    """Raised by the web layer itself (tokens, content types, path ids) for a client error with a named field.
    Use cases raise ``Refused`` instead, which is rendered the same way."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None, location: str = "json",
                 headers: dict[str, str] | None = None, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = [{"field": field, "location": location, "message": message}] if field else []
        self.headers = headers or {}
        self.details = details or {}

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message, "errors": self.errors}
        body.update(self.details)
        return body


def flatten(messages: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """marshmallow's nested ``{"field": {"sub": ["msg"]}}`` → (``field.sub``, ``msg``) pairs."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = str(key)
            if name == "_schema":
                yield from flatten(value, prefix)
            else:
                yield from flatten(value, f"{prefix}.{name}" if prefix else name)
    elif isinstance(messages, (list, tuple)):
        for item in messages:
            yield from flatten(item, prefix)
    else:
        yield prefix or "body", str(messages)


CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type", 422: "validation_failed",
         429: "too_many_requests"}


def _http_error(exc: HTTPException) -> tuple[Any, int, dict[str, str]]:
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    errors = []
    for location, messages in (data.get("messages") or {}).items():
        for field, message in flatten(messages):
            errors.append({"field": field, "location": location, "message": message})
    if status == 400 and any(e["message"] == "Invalid JSON body." for e in errors):
        message = "the request body is not valid JSON"
        errors = [{"field": "body", "location": "json", "message": message}]
    elif status == 413:
        message = "the request body is larger than the configured limit"
        errors = [{"field": "body", "location": "body", "message": message}]
    elif errors:
        message = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
    else:
        message = exc.description or exc.name
    if status == 422 and errors and all(e["message"] == "Unknown field." for e in errors):
        code = "unknown_field"
    else:
        code = CODES.get(status, "error" if status < 500 else "internal_error")
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    return jsonify({"code": code, "message": message, "errors": errors}), status, headers


def from_refusal(refused: Refused) -> ApiError:
    retry_after = refused.details.get("retry_after")
    return ApiError(refused.why.value, refused.code, refused.message, field=refused.field, location=refused.location,
                    details=refused.details, headers={"Retry-After": str(retry_after)} if retry_after else None)


def install(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return jsonify(exc.body()), exc.status, exc.headers

    @app.errorhandler(Refused)
    def _refused(exc: Refused):
        error = from_refusal(exc)
        return jsonify(error.body()), error.status, error.headers

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        return _http_error(exc)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if unavailable(exc):
            log.warning("dependency unavailable", extra={"error": type(exc).__name__})
            return jsonify({"code": "unavailable", "message": "the service is briefly unavailable; try again shortly",
                            "errors": []}), 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}
        log.exception("unhandled error", extra={"error": type(exc).__name__})
        return jsonify({"code": "internal_error", "message": "an unexpected error occurred", "errors": []}), 500
