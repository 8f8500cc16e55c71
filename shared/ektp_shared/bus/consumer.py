"""The consuming loop of a worker: kombu's ConsumerMixin (reconnects with back-off) around the dispatcher.

A message is acknowledged only after its outcome is durable: the handler's transaction committed, or
the message was confirmed into a retry queue or the parking lot. If the worker dies first, RabbitMQ
redelivers the message (and the inbox makes the redelivery harmless).
"""
from __future__ import annotations

import logging
from typing import Any

from kombu import Connection
from kombu.mixins import ConsumerMixin

from .. import logs, metrics
from .broker import Broker, Publisher
from .dispatcher import Dispatcher, Outcome

log = logging.getLogger(__name__)


class EventConsumer(ConsumerMixin):
    def __init__(self, broker: Broker, dispatcher: Dispatcher):
        self.broker = broker
        self.dispatcher = dispatcher
        self.connection: Connection = broker.connect()
        self._failure_connection: Connection | None = None
        self._failures: Publisher | None = None
        self.handled = 0

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
        service = self.dispatcher.service
        headers = dict(message.headers or {})
        decision = self.dispatcher.dispatch(message.body, headers)
        with logs.context(service, decision.correlation_id):
            if decision.outcome is Outcome.INVALID:
                self.broker.park(self._failure_publisher(), message.body, {**headers, "x-ektp-error": decision.reason[:1000]},
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
            self.handled += 1

    def stop(self) -> None:
        """Finish the message in hand, then leave the loop (SIGTERM)."""
        self.should_stop = True

    def close(self) -> None:
        for connection in (self.connection, self._failure_connection):
            if connection is not None:
                connection.release()
