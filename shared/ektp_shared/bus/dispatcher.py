"""What happens to delivered messages, independent of the transport.

parse the envelope → find the handler → validate the data against the contract → in one transaction:
claim the event id in the inbox, run the handler → commit → acknowledge. A message that is not a valid
event is parked at once with the reason (retrying cannot fix it); so is one that is not signed by the
producer its contract names ("unauthenticated"). A handler that raises is retried. When the database does not
answer, nothing is decided: the consumer holds the messages and tries again once it answers.

Reading a message is bounded (size, JSON nesting depth) and never raises: whatever a sender puts on the bus,
the consumer decides and goes on.

Messages that arrive together are handled in one transaction (one commit, one fsync, for the batch). If
any handler of a batch fails, the batch is rolled back and each message is handled on its own, so one
failing event never holds back or fails the others.
"""
from __future__ import annotations

import dataclasses
import enum
import json
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from marshmallow import ValidationError
from opentelemetry.trace import SpanKind

from .. import logs, metrics, tracing
from ..contracts import CloudEvent, Contract, load_envelope
from ..contracts.envelope import from_binary_mode, is_binary_mode
from ..db import is_unavailable
from ..handlers import Handler, Handlers
from ..uow import UnitOfWork
from .signatures import SIGNATURE_HEADER, EventSignatures, SignatureError

log = logging.getLogger(__name__)
UNKNOWN_EVENT = "unknown"


class Outcome(enum.Enum):
    HANDLED = "handled"
    DUPLICATE = "duplicate"
    FAILED = "failed"  # retry, then park
    INVALID = "invalid"  # park now
    UNAUTHENTICATED = "unauthenticated"  # park now: not signed by the contract's producer
    UNAVAILABLE = "unavailable"  # the database did not answer: hold the message, try again


@dataclasses.dataclass(frozen=True)
class Limits:
    """What a consumer agrees to read (settings ``bus_max_message_bytes``, ``bus_max_json_depth``)."""

    max_bytes: int = 1024 * 1024
    max_depth: int = 32


def json_depth(value: Any) -> int:
    """Nesting depth of a parsed JSON value, without recursion (a scalar is 0, ``[]`` is 1)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
            deepest = max(deepest, depth + 1)
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
            deepest = max(deepest, depth + 1)
    return deepest


@dataclasses.dataclass(frozen=True)
class Decision:
    outcome: Outcome
    event_key: str = UNKNOWN_EVENT
    reason: str = ""
    correlation_id: str | None = None
    trace: tuple[str, str] | None = None  # trace and span id of the handling, when traced


@dataclasses.dataclass(frozen=True)
class Prepared:
    """A delivery that is a valid event with a handler: ready to run."""

    event: CloudEvent
    contract: Contract
    handler: Handler


class Dispatcher:
    def __init__(self, service: str, handlers: Handlers, unit_of_work: Callable[[], UnitOfWork],
                 context: Callable[[], Any], signatures: EventSignatures, limits: Limits = Limits(),
                 tracer: Any = None):
        self.service = service
        self.handlers = handlers
        self.unit_of_work = unit_of_work
        self.context = context  # built on first use: a service's context may load models
        self.signatures = signatures
        self.limits = limits
        self.tracer = tracer  # None: tracing off
        self.destination = ""

    @classmethod
    def of(cls, runtime: Any) -> "Dispatcher":
        """The dispatcher of a service's runtime (what its worker consumes with)."""
        settings = runtime.settings
        dispatcher = cls(runtime.name, runtime.spec.handlers, runtime.uow, lambda: runtime.context, runtime.signatures,
                         Limits(settings.bus_max_message_bytes, settings.bus_max_json_depth), runtime.tracer)
        dispatcher.destination = runtime.topology.queue
        return dispatcher

    def parse(self, body: bytes, headers: dict[str, Any] | None) -> dict[str, Any]:
        """The envelope as received (JSON object), within the limits; ``ValidationError`` names what is wrong."""
        if len(body) > self.limits.max_bytes:
            raise ValidationError({"_body": [f"message of {len(body)} bytes is over the limit of {self.limits.max_bytes}"]})
        try:
            payload = json.loads(body)
        except RecursionError as exc:
            raise ValidationError({"_body": [f"not JSON we read: nested more than {self.limits.max_depth} deep"]}) from exc
        except (ValueError, UnicodeDecodeError) as exc:  # includes bytes that are not UTF-8
            raise ValidationError({"_body": [f"not JSON: {exc}"]}) from exc
        if json_depth(payload) > self.limits.max_depth:
            raise ValidationError({"_body": [f"not JSON we read: nested more than {self.limits.max_depth} deep"]})
        if is_binary_mode(headers):
            payload = from_binary_mode(headers or {}, payload)
        if not isinstance(payload, dict):
            raise ValidationError({"_schema": ["the message body is not a JSON object"]})
        return payload

    def prepare(self, body: bytes, headers: dict[str, Any] | None) -> Prepared | Decision:
        try:
            return self._prepare(body, headers or {})
        except Exception as exc:  # whatever a sender put on the bus, the consumer parks it and goes on
            log.warning("unreadable message", extra={"error": type(exc).__name__})
            return Decision(Outcome.INVALID, reason=f"unreadable message: {type(exc).__name__}: {str(exc)[:200]}")

    def _prepare(self, body: bytes, headers: dict[str, Any]) -> Prepared | Decision:
        try:
            payload = self.parse(body, headers)
            envelope = load_envelope(payload)
        except ValidationError as exc:
            return Decision(Outcome.INVALID, reason=f"invalid envelope: {exc.messages}")
        registered = self.handlers.get(envelope.type)
        if registered is None:
            return Decision(Outcome.INVALID, reason=f"no handler for event type {envelope.type!r}",
                            correlation_id=envelope.correlationid)
        contract, handler = registered
        try:
            self.signatures.verify(contract.producer, payload, headers.get(SIGNATURE_HEADER))
        except SignatureError as exc:
            return Decision(Outcome.UNAUTHENTICATED, contract.key, f"unauthenticated: {exc}", envelope.correlationid)
        try:
            event = dataclasses.replace(envelope, data=contract.schema_instance.load(envelope.data))
        except ValidationError as exc:
            return Decision(Outcome.INVALID, contract.key, f"data does not match {contract.key}: {exc.messages}",
                            envelope.correlationid)
        return Prepared(event, contract, handler)

    def dispatch(self, body: bytes, headers: dict[str, Any] | None) -> Decision:
        return self.dispatch_batch([(body, headers)])[0]

    def dispatch_batch(self, deliveries: Sequence[tuple[bytes, dict[str, Any] | None]]) -> list[Decision]:
        started = time.perf_counter()
        prepared = [self.prepare(body, headers) for body, headers in deliveries]
        runnable = [p for p in prepared if isinstance(p, Prepared)]
        outcomes: dict[int, Decision] = {}
        if runnable:
            try:
                outcomes = self._run(runnable)
            except Exception as exc:  # one handler failed: redo them one by one so the others still land
                if is_unavailable(exc):
                    outcomes = {id(item): self._unavailable(item, exc) for item in runnable}
                else:
                    outcomes = {}
                    for item in runnable:
                        outcomes.update(self._run_alone(item))
        decisions = [p if isinstance(p, Decision) else outcomes[id(p)] for p in prepared]
        elapsed = time.perf_counter() - started
        for decision in decisions:
            if decision.outcome is Outcome.HANDLED:
                metrics.EVENTS_CONSUMED.labels(self.service, decision.event_key).inc()
                metrics.HANDLER_LATENCY.labels(self.service, decision.event_key).observe(elapsed, metrics.exemplar(decision.trace))
            elif decision.outcome is Outcome.DUPLICATE:
                metrics.EVENTS_DUPLICATE.labels(self.service, decision.event_key).inc()
        return decisions

    def _run(self, items: Sequence[Prepared]) -> dict[int, Decision]:
        outcomes = {}
        with self.unit_of_work() as uow:
            for item in items:
                event = item.event
                # The handler's span continues the trace the event was emitted in; what it emits continues this span.
                with logs.context(self.service, event.correlationid), \
                        tracing.event_span(self.tracer, "process", SpanKind.CONSUMER, vars(event), item.contract.key,
                                           self.destination) as span:
                    if not uow.claim(event):
                        outcomes[id(item)] = Decision(Outcome.DUPLICATE, item.contract.key, correlation_id=event.correlationid)
                        if span is not None:
                            span.set_attribute("ektp.duplicate", True)
                        continue
                    item.handler(event, uow, self.context())
                    outcomes[id(item)] = self._handled(item)
            uow.commit()
        return outcomes

    def _run_alone(self, item: Prepared) -> dict[int, Decision]:
        try:
            return self._run([item])
        except Exception as exc:  # any failure of a handler is retried, then parked with its error
            if is_unavailable(exc):
                return {id(item): self._unavailable(item, exc)}
            with logs.context(self.service, item.event.correlationid):
                log.warning("handler failed", extra={"event_type": item.contract.key, "event_id": item.event.id,
                                                     "error": type(exc).__name__})
            return {id(item): Decision(Outcome.FAILED, item.contract.key, f"{type(exc).__name__}: {exc}",
                                       item.event.correlationid)}

    @staticmethod
    def _handled(item: Prepared) -> Decision:
        """Handled, with the handler's trace for the latency exemplar (the batch commits after the span ends)."""
        return Decision(Outcome.HANDLED, item.contract.key, correlation_id=item.event.correlationid,
                        trace=tracing.trace_ids())

    @staticmethod
    def _unavailable(item: Prepared, exc: Exception) -> Decision:
        return Decision(Outcome.UNAVAILABLE, item.contract.key, f"database unavailable: {type(exc).__name__}",
                        item.event.correlationid)
