"""JSON-lines logs carrying the service, the correlation id (the application id) and, when tracing is on, the
trace and span id of the line's span (to jump from a log line to its trace).

Log ids, states and event types — never personal data (NIK, names, contact data); the tests search
the logs of a whole journey for the applicant's data.
"""
from __future__ import annotations

import contextlib
import contextvars
import logging
import sys
from collections.abc import Iterator

from pythonjsonlogger.json import JsonFormatter

from .tracing import trace_ids

correlation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("correlation_id", default=None)
current_service: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_service", default=None)


class _ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = correlation_id.get()
        record.service = current_service.get() or getattr(record, "service", None)
        record.trace_id, record.span_id = trace_ids() or (None, None)
        return True


def configure(level: str = "INFO", stream=None) -> None:
    """Idempotent: the embedded profile configures once for all services."""
    root = logging.getLogger()
    if any(getattr(h, "_ektp", False) for h in root.handlers):
        root.setLevel(level)
        return
    root.addHandler(json_handler(stream or sys.stderr))
    root.setLevel(level)
    # Request lines carry URLs; ours hold no personal data, but werkzeug's access log duplicates our metrics.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def json_handler(stream) -> logging.Handler:  # noqa: ANN001  (any text stream)
    handler = logging.StreamHandler(stream)
    handler._ektp = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(service)s %(correlation_id)s "
                                       "%(trace_id)s %(span_id)s",
                                       rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}))
    handler.addFilter(_ContextFilter())
    return handler


@contextlib.contextmanager
def context(service: str | None = None, correlation: str | None = None) -> Iterator[None]:
    tokens = []
    if service is not None:
        tokens.append((current_service, current_service.set(service)))
    if correlation is not None:
        tokens.append((correlation_id, correlation_id.set(correlation)))
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)
