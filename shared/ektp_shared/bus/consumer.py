"""The consuming loop of a worker: kombu's ConsumerMixin (reconnects with back-off) around the dispatcher.

A message is acknowledged only after its outcome is durable: the handler's transaction committed, or
the message was confirmed into a retry queue or the parking lot. If the worker dies first, RabbitMQ
redelivers the message (and the inbox makes the redelivery harmless). While the database does not answer,
the messages in hand stay unacknowledged and are tried again with back-off: an outage neither parks nor
loses them.

``beat`` is the last time the loop came round (consuming, waiting for the broker or the database); the
worker's liveness probe fails when it is too old.
"""
from __future__ import annotations

import logging
import socket
import time
from typing import Any

from kombu import Connection
from kombu.mixins import ConsumerMixin

from .. import logs, metrics
from .broker import ERROR_HEADER, Broker, Publisher
from .dispatcher import Decision, Dispatcher, Outcome

log = logging.getLogger(__name__)
UNAVAILABLE_BACKOFF_SECONDS = (0.5, 1, 2, 4, 8)
PARK_NOW = {Outcome.INVALID: "invalid", Outcome.UNAUTHENTICATED: "unauthenticated"}


class EventConsumer(ConsumerMixin):
    def __init__(self, broker: Broker, dispatcher: Dispatcher):
        self.broker = broker
        self.dispatcher = dispatcher
        self.connection: Connection = broker.connect()
        self._failure_connection: Connection | None = None
        self._failures: Publisher | None = None
        self._pending: list[Any] = []
        self._live: Connection | None = None
        self.beat = time.monotonic()

    def get_consumers(self, consumer_class: Any, channel: Any) -> list[Any]:
        self.broker.declare(channel)
        return [consumer_class(queues=[self.broker.main_queue()], on_message=self.on_message,
                               prefetch_count=self.broker.prefetch, accept=None)]

    def _failure_publisher(self) -> Publisher:
        # Its own connection: waiting for its confirms must not dispatch deliveries of the consuming one.
        if self._failures is None:
            self._failure_connection = self.broker.connect()
            self._failures = self.broker.publisher(self._failure_connection)
        return self._failures

    def on_message(self, message: Any) -> None:
        """Deliveries are collected and handled together once no more are immediately waiting."""
        self._pending.append(message)

    def on_connection_error(self, exc: Exception, interval: float) -> None:
        self.beat = time.monotonic()  # waiting for the broker is not being stuck
        super().on_connection_error(exc, interval)

    def on_iteration(self) -> None:
        self.beat = time.monotonic()
        if not self._pending:
            return
        # Take what else has already arrived (up to the prefetch), then handle the batch in one transaction.
        while len(self._pending) < self.broker.prefetch and self._live is not None:
            try:
                self._live.drain_events(timeout=0.001)
            except socket.timeout:
                break
        batch, self._pending = self._pending, []
        failures = 0
        while batch:
            decisions = self.dispatcher.dispatch_batch([(m.body, dict(m.headers or {})) for m in batch])
            held = []
            for message, decision in zip(batch, decisions):
                if decision.outcome is Outcome.UNAVAILABLE:
                    held.append(message)
                else:
                    self._settle(message, decision)
            batch = held
            if batch:
                if self.should_stop:
                    return  # unacknowledged: the broker redelivers them to the next worker
                self._wait_for_database(failures)
                failures += 1

    def _wait_for_database(self, failures: int) -> None:
        delay = UNAVAILABLE_BACKOFF_SECONDS[min(failures, len(UNAVAILABLE_BACKOFF_SECONDS) - 1)]
        log.warning("database unavailable; holding messages", extra={"retry_in": delay})
        deadline = time.monotonic() + delay
        while time.monotonic() < deadline and not self.should_stop:
            time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))
            if self._live is not None:
                self._live.heartbeat_check()  # keep the broker connection (and the held messages) alive
            self.beat = time.monotonic()

    def on_consume_ready(self, connection: Any, channel: Any, consumers: Any, **_: Any) -> None:
        self._live = connection  # ConsumerMixin consumes on a clone of self.connection
        self._pending = []  # deliveries of a lost channel cannot be acknowledged; the broker redelivers them

    def on_consume_end(self, connection: Any, channel: Any) -> None:
        self.on_iteration()  # finish what was received before leaving (SIGTERM)
        self._live = None

    def _settle(self, message: Any, decision: Decision) -> None:
        service = self.dispatcher.service
        headers = dict(message.headers or {})
        with logs.context(service, decision.correlation_id):
            if decision.outcome in PARK_NOW:
                reason = PARK_NOW[decision.outcome]
                self.broker.park(self._failure_publisher(), message.body, {**headers, ERROR_HEADER: decision.reason[:1000]},
                                 message.properties.get("message_id"), reason, message.content_type or "")
                metrics.EVENTS_PARKED.labels(service, decision.event_key, reason).inc()
                log.warning("event parked", extra={"event_type": decision.event_key, "reason": reason})
            elif decision.outcome is Outcome.FAILED:
                step = self.broker.send_to_retry_or_parking(self._failure_publisher(), message.body, headers,
                                                            message.properties.get("message_id"), decision.reason,
                                                            message.content_type or "")
                if step == "parked":
                    metrics.EVENTS_PARKED.labels(service, decision.event_key, "handler_failed").inc()
                    log.error("event parked after retries", extra={"event_type": decision.event_key})
                else:
                    metrics.EVENTS_RETRIED.labels(service, decision.event_key).inc()
            message.ack()

    def stop(self) -> None:
        """Finish the message in hand, then leave the loop (SIGTERM)."""
        self.should_stop = True

    def reset(self) -> None:
        """Forget the connections after a failure; the next run reconnects."""
        if self._failure_connection is not None:
            try:
                self._failure_connection.release()
            except Exception:  # already broken; nothing to clean up
                pass
        self._failure_connection, self._failures = None, None
        self._pending, self._live = [], None

    def close(self) -> None:
        for connection in (self.connection, self._failure_connection):
            if connection is not None:
                connection.release()
