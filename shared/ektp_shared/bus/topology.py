"""The broker topology of one service, as plain data.

One durable topic exchange carries every event. Each service has one quorum queue bound to the event
types it consumes; a failed message waits in a per-delay retry queue (its TTL dead-letters it back to the
service's queue), and after the last delay it lands in the service's parking lot. The service queue's
delivery limit dead-letters a message that keeps crashing workers straight to the parking lot, so
nothing loops forever. The parking lot keeps a message for a bounded time and holds a bounded number
(the oldest go first); an alert fires long before either bound is reached. Both exchanges are topic
exchanges, so the broker's topic permissions can say which routing keys each service may publish. The same description declares the queues, renders the Kubernetes topology
resources and is checked against them.
"""
from __future__ import annotations

import dataclasses
from typing import Any

QUORUM = {"x-queue-type": "quorum"}
EXCHANGE_TYPE = "topic"


@dataclasses.dataclass(frozen=True)
class QueueSpec:
    name: str
    arguments: dict[str, Any]
    exchange: str
    routing_keys: tuple[str, ...]
    also: tuple[tuple[str, str], ...] = ()  # further (exchange, routing key) bindings


@dataclasses.dataclass(frozen=True)
class Topology:
    namespace: str
    service: str
    consumed_types: tuple[str, ...]
    retry_delays: tuple[int, ...]
    delivery_limit: int
    parking_ttl_seconds: int = 14 * 86400
    parking_max_length: int = 100000

    @property
    def exchange(self) -> str:
        return f"{self.namespace}.events"

    @property
    def retry_exchange(self) -> str:
        return f"{self.namespace}.retry"

    @property
    def queue(self) -> str:
        return f"{self.namespace}.{self.service}"

    @property
    def parking_queue(self) -> str:
        return f"{self.queue}.parking"

    def retry_queue(self, delay_seconds: int) -> str:
        # The delay is in the name: a queue's TTL cannot change once declared, a new delay is a new queue.
        return f"{self.queue}.retry.{delay_seconds}s"

    def queues(self) -> list[QueueSpec]:
        main = QueueSpec(self.queue, {**QUORUM, "x-delivery-limit": self.delivery_limit,
                                      "x-dead-letter-exchange": self.retry_exchange,
                                      "x-dead-letter-routing-key": self.parking_queue},
                         self.exchange, tuple(sorted(self.consumed_types)),
                         also=((self.retry_exchange, self.queue),))  # back from a retry queue, or replayed
        retries = [QueueSpec(self.retry_queue(delay), {**QUORUM, "x-message-ttl": delay * 1000,
                                                       "x-dead-letter-exchange": self.retry_exchange,
                                                       "x-dead-letter-routing-key": self.queue},
                             self.retry_exchange, (self.retry_queue(delay),))
                   for delay in self.retry_delays]
        parking = QueueSpec(self.parking_queue, {**QUORUM, "x-message-ttl": self.parking_ttl_seconds * 1000,
                                                 "x-max-length": self.parking_max_length, "x-overflow": "drop-head"},
                            self.retry_exchange, (self.parking_queue,))
        return [main, *retries, parking]

    def next_step(self, attempts_so_far: int) -> tuple[str, int | None]:
        """Where a message goes after its ``attempts_so_far``-th failure: a retry queue and its delay, or the parking lot."""
        if attempts_so_far < len(self.retry_delays):
            delay = self.retry_delays[attempts_so_far]
            return self.retry_queue(delay), delay
        return self.parking_queue, None
