"""What happens to delivered messages, independent of the transport.

parse the envelope → find the handler → validate the data against the contract → in one transaction:
claim the event id in the inbox, run the handler → commit → acknowledge. A message that is not a valid
event is parked at once with the reason (retrying cannot fix it); a handler that raises is retried.

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

from .. import logs, metrics
from ..contracts import CloudEvent, Contract, load_envelope
from ..contracts.envelope import from_binary_mode, is_binary_mode
from ..handlers import Handler, Handlers
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


@dataclasses.dataclass(frozen=True)
class Prepared:
    """A delivery that is a valid event with a handler: ready to run."""

    event: CloudEvent
    contract: Contract
    handler: Handler


class Dispatcher:
    def __init__(self, service: str, handlers: Handlers, unit_of_work: Callable[[], UnitOfWork],
                 context: Callable[[], Any]):
        self.service = service
        self.handlers = handlers
        self.unit_of_work = unit_of_work
        self.context = context  # built on first use: a service's context may load models

    @classmethod
    def of(cls, runtime: Any) -> "Dispatcher":
        """The dispatcher of a service's runtime (what its worker consumes with)."""
        return cls(runtime.name, runtime.spec.handlers, runtime.uow, lambda: runtime.context)

    @staticmethod
    def parse(body: bytes, headers: dict[str, Any] | None) -> CloudEvent:
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValidationError({"_body": [f"not JSON: {exc}"]}) from exc
        if is_binary_mode(headers):
            payload = from_binary_mode(headers or {}, payload)
        return load_envelope(payload)

    def prepare(self, body: bytes, headers: dict[str, Any] | None) -> Prepared | Decision:
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
            except Exception:  # one handler failed: redo them one by one so the others still land
                outcomes = {}
                for item in runnable:
                    outcomes.update(self._run_alone(item))
        decisions = [p if isinstance(p, Decision) else outcomes[id(p)] for p in prepared]
        elapsed = time.perf_counter() - started
        for decision in decisions:
            if decision.outcome is Outcome.HANDLED:
                metrics.EVENTS_CONSUMED.labels(self.service, decision.event_key).inc()
                metrics.HANDLER_LATENCY.labels(self.service, decision.event_key).observe(elapsed)
            elif decision.outcome is Outcome.DUPLICATE:
                metrics.EVENTS_DUPLICATE.labels(self.service, decision.event_key).inc()
        return decisions

    def _run(self, items: Sequence[Prepared]) -> dict[int, Decision]:
        outcomes = {}
        with self.unit_of_work() as uow:
            for item in items:
                event = item.event
                with logs.context(self.service, event.correlationid):
                    if not uow.claim(event):
                        outcomes[id(item)] = Decision(Outcome.DUPLICATE, item.contract.key, correlation_id=event.correlationid)
                        continue
                    item.handler(event, uow, self.context())
                outcomes[id(item)] = Decision(Outcome.HANDLED, item.contract.key, correlation_id=event.correlationid)
            uow.commit()
        return outcomes

    def _run_alone(self, item: Prepared) -> dict[int, Decision]:
        try:
            return self._run([item])
        except Exception as exc:  # any failure of a handler is retried, then parked with its error
            with logs.context(self.service, item.event.correlationid):
                log.warning("handler failed", extra={"event_type": item.contract.key, "event_id": item.event.id,
                                                     "error": type(exc).__name__})
            return {id(item): Decision(Outcome.FAILED, item.contract.key, f"{type(exc).__name__}: {exc}",
                                       item.event.correlationid)}
