"""The broker connection of one service, on kombu: declaring the topology, publishing with confirms,
sending failed messages to retry or the parking lot, and letting an operator inspect and replay
the parking lot.

On RabbitMQ (``amqp://``) publishes wait for publisher confirms, a batch at a time. On kombu's
in-memory transport (the embedded profile) there are no confirms, TTLs or dead-lettering, so a retry
is a timer in the process that puts the message back after its delay.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import socket
import ssl
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import amqp
from kombu import Connection, Exchange, Producer, Queue, binding

from ..contracts.envelope import STRUCTURED_CONTENT_TYPE
from .topology import EXCHANGE_TYPE, Topology

log = logging.getLogger(__name__)

RETRY_HEADER = "x-ektp-attempts"
ERROR_HEADER = "x-ektp-error"
REASON_HEADER = "x-ektp-parked-reason"
CONFIRM_TIMEOUT_SECONDS = 30
DESCRIBE_BYTES = 1024 * 1024  # a bigger parked message is listed without reading its type


class PublishNotConfirmed(RuntimeError):
    """The broker nacked a message or did not confirm it in time; the caller must not mark it sent."""


@dataclasses.dataclass(frozen=True)
class OutgoingMessage:
    routing_key: str
    body: bytes
    message_id: str
    correlation_id: str | None = None
    headers: dict[str, Any] = dataclasses.field(default_factory=dict)
    content_type: str = STRUCTURED_CONTENT_TYPE


@dataclasses.dataclass(frozen=True)
class ParkedMessage:
    message_id: str | None
    event_type: str | None
    reason: str | None
    error: str | None
    attempts: int
    body: bytes
    headers: dict[str, Any]


def _plain_headers(headers: dict[str, Any] | None) -> dict[str, Any]:
    return {k: (v.decode(errors="replace") if isinstance(v, bytes) else v) for k, v in (headers or {}).items()}


def tls_options(url: str, ca_file: str = "") -> dict[str, Any] | None:
    """py-amqp's TLS options for an ``amqps://`` URL: the broker's certificate must chain to ``ca_file`` (or
    the system's CAs) and name the URL's host; None for any other URL."""
    if not url.startswith("amqps://"):
        return None
    return {"server_hostname": urlsplit(url).hostname, "cert_reqs": ssl.CERT_REQUIRED, "ca_certs": ca_file or None}


class Broker:
    def __init__(self, url: str, topology: Topology, prefetch: int = 16, ca_file: str = ""):
        self.url = url
        self.ca_file = ca_file
        self.topology = topology
        self.prefetch = prefetch
        self.exchange = Exchange(topology.exchange, type=EXCHANGE_TYPE, durable=True)
        self.retry_exchange = Exchange(topology.retry_exchange, type=EXCHANGE_TYPE, durable=True)

    @property
    def is_amqp(self) -> bool:
        return self.url.startswith(("amqp://", "amqps://", "pyamqp://"))

    def connect(self) -> Connection:
        options = {"polling_interval": 0.05} if not self.is_amqp else {}
        return Connection(self.url, transport_options=options, heartbeat=30 if self.is_amqp else 0,
                          connect_timeout=5, ssl=tls_options(self.url, self.ca_file) or False)

    def queues(self) -> list[Queue]:
        exchanges = {self.exchange.name: self.exchange, self.retry_exchange.name: self.retry_exchange}
        declared = []
        for spec_ in self.topology.queues():
            exchange = exchanges[spec_.exchange]
            bindings = [binding(exchange, routing_key=key) for key in spec_.routing_keys]
            bindings += [binding(exchanges[name], routing_key=key) for name, key in spec_.also]
            declared.append(Queue(spec_.name, bindings=bindings, durable=True, queue_arguments=spec_.arguments))
        return declared

    def declare(self, channel: Any) -> None:
        self.exchange(channel).declare()
        self.retry_exchange(channel).declare()
        for queue in self.queues():
            queue(channel).declare()

    def main_queue(self) -> Queue:
        return self.queues()[0]

    def ping(self) -> None:
        with self.connect() as connection:
            connection.ensure_connection(max_retries=1, timeout=3)

    # -- publishing -------------------------------------------------------------------------------
    def publisher(self, connection: Connection) -> "Publisher":
        return Publisher(connection, confirms=self.is_amqp)

    # -- failures ---------------------------------------------------------------------------------
    def send_to_retry_or_parking(self, publisher: "Publisher", body: bytes, headers: dict[str, Any], message_id: str | None,
                                 error: str, content_type: str) -> str:
        """Forward a failed message one step (retry queue or parking lot); returns ``retry`` or ``parked``."""
        attempts = int(headers.get(RETRY_HEADER, 0))
        target, delay = self.topology.next_step(attempts)
        forwarded = {**_plain_headers(headers), RETRY_HEADER: attempts + 1, ERROR_HEADER: error[:1000]}
        forwarded.pop("x-death", None)
        if delay is None:
            self.park(publisher, body, forwarded, message_id, "handler_failed", content_type)
            return "parked"
        message = OutgoingMessage(target, body, message_id or "", headers=forwarded, content_type=content_type)
        if self.is_amqp:
            publisher.publish([message], exchange=self.retry_exchange.name)
        else:
            direct = dataclasses.replace(message, routing_key=self.topology.queue)
            timer = threading.Timer(delay, self._requeue_later, args=(direct,))
            timer.daemon = True
            timer.start()
        return "retry"

    def _requeue_later(self, message: OutgoingMessage) -> None:
        with self.connect() as connection:
            publisher = self.publisher(connection)
            publisher.publish([message], exchange="")
            publisher.close()

    def park(self, publisher: "Publisher", body: bytes, headers: dict[str, Any], message_id: str | None, reason: str,
             content_type: str) -> None:
        parked_headers = {**_plain_headers(headers), REASON_HEADER: reason}
        parked_headers.pop("x-death", None)
        message = OutgoingMessage(self.topology.parking_queue, body, message_id or "", headers=parked_headers,
                                  content_type=content_type)
        # Through the retry exchange: a service's broker user may not publish to the default exchange.
        publisher.publish([message], exchange=self.retry_exchange.name if self.is_amqp else "")

    def parked(self, limit: int = 100) -> list[ParkedMessage]:
        """Read the parking lot without consuming it (messages are returned to the queue)."""
        seen: list[ParkedMessage] = []
        with self.connect() as connection:
            queue = Queue(self.topology.parking_queue, durable=True)(connection.default_channel)
            held = []
            for _ in range(limit):
                message = queue.get(no_ack=False, accept=None)
                if message is None:
                    break
                held.append(message)
                seen.append(self._describe(message))
            for message in held:
                message.requeue()
        return seen

    def replay(self, message_ids: Iterable[str] | None = None) -> int:
        """Send parked messages (all, or those with the given ids) back to the service's queue, attempts reset."""
        wanted = set(message_ids) if message_ids is not None else None
        replayed = 0
        with self.connect() as connection:
            channel = connection.default_channel
            queue = Queue(self.topology.parking_queue, durable=True)(channel)
            publisher = self.publisher(connection)
            # Through the retry exchange: a service's broker user may not publish to the default exchange.
            exchange = self.retry_exchange.name if self.is_amqp else ""
            kept = []
            while True:
                message = queue.get(no_ack=False, accept=None)
                if message is None:
                    break
                props = message.properties
                if wanted is not None and props.get("message_id") not in wanted:
                    kept.append(message)
                    continue
                headers = {k: v for k, v in _plain_headers(message.headers).items()
                           if k not in {RETRY_HEADER, ERROR_HEADER, REASON_HEADER, "x-death", "x-delivery-count"}}
                publisher.publish([OutgoingMessage(self.topology.queue, message.body, props.get("message_id") or "",
                                                   props.get("correlation_id"), headers,
                                                   message.content_type or STRUCTURED_CONTENT_TYPE)], exchange=exchange)
                message.ack()
                replayed += 1
            for message in kept:
                message.requeue()
            publisher.close()
        return replayed

    @staticmethod
    def _describe(message: Any) -> ParkedMessage:
        headers = _plain_headers(message.headers)
        event_type = None
        try:
            if len(message.body) <= DESCRIBE_BYTES:
                event_type = json.loads(message.body).get("type")
        except Exception:  # a parked message may be anything (too deep, not JSON, not an object): that is why it is here
            pass
        return ParkedMessage(message.properties.get("message_id"), event_type, headers.get(REASON_HEADER),
                             headers.get(ERROR_HEADER), int(headers.get(RETRY_HEADER, 0)), message.body, headers)


class Publisher:
    """Publishes batches; on RabbitMQ it returns only when the broker confirmed every message."""

    def __init__(self, connection: Connection, confirms: bool):
        self._connection = connection
        self._confirms = confirms
        self._channel = connection.channel()
        self._acked_up_to = 0
        self._sent = 0
        self._nacked: list[int] = []
        if confirms:
            self._channel.confirm_select()
            self._channel.events["basic_ack"].add(self._on_ack)
            self._channel.events["basic_nack"].add(self._on_nack)

    def _on_ack(self, delivery_tag: int, multiple: bool) -> None:
        self._acked_up_to = max(self._acked_up_to, delivery_tag)

    def _on_nack(self, delivery_tag: int, multiple: bool) -> None:
        self._nacked.append(delivery_tag)
        self._acked_up_to = max(self._acked_up_to, delivery_tag)

    def publish(self, messages: list[OutgoingMessage], exchange: str) -> None:
        if not self._confirms:
            for message in messages:
                self._publish_virtual(message, exchange)
            return
        for message in messages:
            self._channel._basic_publish(self._amqp_message(message), exchange=exchange, routing_key=message.routing_key)
            self._sent += 1
        self._wait_for_confirms()

    def _wait_for_confirms(self) -> None:
        waited = 0.0
        while self._acked_up_to < self._sent:
            try:
                self._connection.drain_events(timeout=1)
            except socket.timeout:
                waited += 1
                if waited >= CONFIRM_TIMEOUT_SECONDS:
                    raise PublishNotConfirmed(f"no confirm after {CONFIRM_TIMEOUT_SECONDS}s") from None
        if self._nacked:
            nacked, self._nacked = self._nacked, []
            raise PublishNotConfirmed(f"broker refused {len(nacked)} message(s)")

    @staticmethod
    def _amqp_message(message: OutgoingMessage) -> amqp.Message:
        properties = {"content_type": message.content_type, "delivery_mode": 2, "message_id": message.message_id,
                      "application_headers": message.headers}
        if message.correlation_id:
            properties["correlation_id"] = message.correlation_id
        return amqp.Message(message.body, **properties)

    def _publish_virtual(self, message: OutgoingMessage, exchange: str) -> None:
        Producer(self._channel).publish(message.body, routing_key=message.routing_key, exchange=exchange,
                                        content_type=message.content_type, content_encoding="binary",
                                        message_id=message.message_id, correlation_id=message.correlation_id,
                                        headers=message.headers, delivery_mode=2)

    def close(self) -> None:
        self._channel.close()
