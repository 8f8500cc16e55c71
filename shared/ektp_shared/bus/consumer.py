"""The consuming loop of a worker: kombu's ConsumerMixin (reconnects with back-off) around the dispatcher.

A message is acknowledged only after its outcome is durable: the handler's transaction committed, or
the message was confirmed into a retry queue or the parking lot. If the worker dies first, RabbitMQ
redelivers the message (and the inbox makes the redelivery harmless).
"""
from __future__ import annotations

import logging
import socket
from typing import Any

from kombu import Connection
from kombu.mixins import ConsumerMixin

from .. import logs, metrics
from .broker import ERROR_HEADER, Broker, Publisher
from .dispatcher import Decision, Dispatcher, Outcome

log = logging.getLogger(__name__)


class EventConsumer(ConsumerMixin):
    def __init__(self, broker: Broker, dispatcher: Dispatcher):
        self.broker = broker
        self.dispatcher = dispatcher
        self.connection: Connection = broker.connect()
        self._failure_connection: Connection | None = None
        self._failures: Publisher | None = None
        self._pending: list[Any] = []
        self._live: Connection | None = None

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

    def on_iteration(self) -> None:
        if not self._pending:
            return
        # Take what else has already arrived (up to the prefetch), then handle the batch in one transaction.
        while len(self._pending) < self.broker.prefetch and self._live is not None:
            try:
                self._live.drain_events(timeout=0.001)
            except socket.timeout:
                break
        batch, self._pending = self._pending, []
        decisions = self.dispatcher.dispatch_batch([(m.body, dict(m.headers or {})) for m in batch])
        for message, decision in zip(batch, decisions):
            self._settle(message, decision)

    def on_consume_ready(self, connection: Any, channel: Any, consumers: Any, **_: Any) -> None:
        self._live = connection  # ConsumerMixin consumes on a clone of self.connection

    def on_consume_end(self, connection: Any, channel: Any) -> None:
        self.on_iteration()  # finish what was received before leaving (SIGTERM)
        self._live = None

    def _settle(self, message: Any, decision: Decision) -> None:
        service = self.dispatcher.service
        headers = dict(message.headers or {})
        with logs.context(service, decision.correlation_id):
            if decision.outcome is Outcome.INVALID:
                self.broker.park(self._failure_publisher(), message.body, {**headers, ERROR_HEADER: decision.reason[:1000]},
                                 message.properties.get("message_id"), "invalid", message.content_type or "")
                metrics.EVENTS_PARKED.labels(service, decision.event_key, "invalid").inc()
                log.warning("event parked as invalid", extra={"event_type": decision.event_key})
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

    def close(self) -> None:
        for connection in (self.connection, self._failure_connection):
            if connection is not None:
                connection.release()
