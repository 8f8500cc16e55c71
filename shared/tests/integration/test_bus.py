"""The bus against a real RabbitMQ: confirms, per-delay retry queues, the parking lot, the delivery limit."""
import json
import time
import uuid

import pytest
from kombu import Connection, Queue

from ektp_shared.bus.broker import Broker, OutgoingMessage
from ektp_shared.bus.topology import Topology
from ektp_shared.testing import infra


@pytest.fixture
def broker():
    url = infra.require_rabbitmq()
    topology = Topology(f"t{uuid.uuid4().hex[:8]}", "svc", ("x.happened.v1",), (1,), 2)
    broker = Broker(url, topology)
    with broker.connect() as connection:
        broker.declare(connection.default_channel)
    yield broker
    infra.delete_namespace(topology.namespace, ["svc"], (1,))


def get(broker: Broker, name: str, timeout: float = 10):
    deadline = time.monotonic() + timeout
    with broker.connect() as connection:
        queue = Queue(name, durable=True)(connection.default_channel)
        while time.monotonic() < deadline:
            message = queue.get(no_ack=True, accept=None)
            if message is not None:
                return message
            time.sleep(0.1)
    return None


def test_a_confirmed_batch_is_routed_by_event_type(broker):
    with broker.connect() as connection:
        publisher = broker.publisher(connection)
        publisher.publish([OutgoingMessage("x.happened.v1", json.dumps({"n": n}).encode(), str(n)) for n in range(50)],
                          exchange=broker.exchange.name)
        publisher.publish([OutgoingMessage("y.other.v1", b"{}", "other")], exchange=broker.exchange.name)
    received = [json.loads(get(broker, broker.topology.queue).body)["n"] for _ in range(50)]
    assert received == list(range(50))
    assert get(broker, broker.topology.queue, timeout=0.5) is None, "unbound types are not delivered"


def test_a_failed_message_waits_its_delay_then_returns_and_finally_parks(broker):
    with broker.connect() as connection:
        publisher = broker.publisher(connection)
        started = time.monotonic()
        assert broker.send_to_retry_or_parking(publisher, b"{}", {}, "m1", "boom", "application/json") == "retry"
        back = get(broker, broker.topology.queue)
        assert back is not None and time.monotonic() - started >= 0.9, "the retry queue's TTL is the delay"
        assert back.headers["x-ektp-attempts"] == 1 and back.headers["x-ektp-error"] == "boom"
        assert broker.send_to_retry_or_parking(publisher, back.body, back.headers, "m1", "boom again",
                                               "application/json") == "parked"
    parked = broker.parked()
    assert [(m.message_id, m.reason, m.error, m.attempts) for m in parked] == [("m1", "handler_failed", "boom again", 2)]
    assert broker.replay() == 1
    assert get(broker, broker.topology.queue).properties["message_id"] == "m1"
    assert broker.parked() == []


def test_a_message_that_keeps_crashing_consumers_is_dead_lettered_to_the_parking_lot(broker):
    with broker.connect() as connection:
        broker.publisher(connection).publish([OutgoingMessage("x.happened.v1", b"{}", "poison")], exchange=broker.exchange.name)
    with Connection(broker.url) as connection:
        queue = Queue(broker.topology.queue, durable=True)(connection.default_channel)
        for _ in range(3):  # delivery limit 2: the third requeue dead-letters it
            message = None
            deadline = time.monotonic() + 10
            while message is None and time.monotonic() < deadline:
                message = queue.get(no_ack=False, accept=None)
            assert message is not None
            message.requeue()
    deadline = time.monotonic() + 10
    while not broker.parked() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [m.message_id for m in broker.parked()] == ["poison"]
