"""What happens to one delivered message, independent of the transport.

parse the envelope → find the handler → validate the data against the contract → in one transaction:
claim the event id in the inbox, run the handler, commit → acknowledge. A message that is not a valid
event is parked at once with the reason (retrying cannot fix it); a handler that raises is retried.
"""
from __future__ import annotations

import dataclasses
import enum
import json
import logging
import time
from collections.abc import Callable
from typing import Any

from marshmallow import ValidationError

from .. import logs, metrics
from ..contracts import CloudEvent, load_envelope
from ..contracts.envelope import from_binary_mode, is_binary_mode
from ..handlers import Handlers
from ..uow import UnitOfWork

log = logging.getLogger(__name__)
UNKNOWN_EVENT = "unknown"


class Outcome(enum.Enum):
    HANDLED = "handled"
    DUPLICATE = "duplicate"
    FAILED = "failed"  # retry, then park
    INVALID = "invalid"  # park now


@dataclasses.dataclass(frozen=True)
class Decision:
    outcome: Outcome
    event_key: str = UNKNOWN_EVENT
    reason: str = ""
    correlation_id: str | None = None


class Dispatcher:
    def __init__(self, service: str, handlers: Handlers, unit_of_work: Callable[[], UnitOfWork]):
        self.service = service
        self.handlers = handlers
        self.unit_of_work = unit_of_work

    def parse(self, body: bytes, headers: dict[str, Any] | None) -> CloudEvent:
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValidationError({"_body": [f"not JSON: {exc}"]}) from exc
        if is_binary_mode(headers):
            payload = from_binary_mode(headers or {}, payload)
        return load_envelope(payload)

    def dispatch(self, body: bytes, headers: dict[str, Any] | None) -> Decision:
        started = time.perf_counter()
        try:
            envelope = self.parse(body, headers)
        except ValidationError as exc:
            return Decision(Outcome.INVALID, reason=f"invalid envelope: {exc.messages}")
        registered = self.handlers.get(envelope.type)
        if registered is None:
            return Decision(Outcome.INVALID, reason=f"no handler for event type {envelope.type!r}",
                            correlation_id=envelope.correlationid)
        contract, handler = registered
        try:
            event = dataclasses.replace(envelope, data=contract.schema().load(envelope.data))
        except ValidationError as exc:
            return Decision(Outcome.INVALID, contract.key, f"data does not match {contract.key}: {exc.messages}",
                            envelope.correlationid)
        with logs.context(self.service, event.correlationid):
            try:
                with self.unit_of_work() as uow:
                    if not uow.claim(event):
                        metrics.EVENTS_DUPLICATE.labels(self.service, contract.key).inc()
                        return Decision(Outcome.DUPLICATE, contract.key, correlation_id=event.correlationid)
                    handler(event, uow)
                    uow.commit()
            except Exception as exc:  # any failure of a handler is retried, then parked with its error
                log.warning("handler failed", extra={"event_type": contract.key, "event_id": event.id,
                                                     "error": type(exc).__name__})
                return Decision(Outcome.FAILED, contract.key, f"{type(exc).__name__}: {exc}", event.correlationid)
        metrics.EVENTS_CONSUMED.labels(self.service, contract.key).inc()
        metrics.HANDLER_LATENCY.labels(self.service, contract.key).observe(time.perf_counter() - started)
        return Decision(Outcome.HANDLED, contract.key, correlation_id=event.correlationid)
