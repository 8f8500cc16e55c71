"""Our event path against raw kombu, on the same RabbitMQ in the same run (part of `make bench`).

raw:  kombu consumes a message from a quorum queue, publishes one message with a publisher confirm, acks.
ours: the worker consumes an event → validates it against its contract → inbox row + handler effect + outbox
      row in one PostgreSQL transaction → ack; the relay publishes the outbox (batch, confirms) and marks it.
Both start with the same N messages waiting and stop when N messages came out the other end. The ratio
ours/raw is the overhead of exactly-once effects; the target is >= 50 %.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import time
import uuid
from pathlib import Path

from kombu import Connection, Consumer, Exchange, Producer, Queue
from sqlalchemy import Column, MetaData, String, Table

from ektp_shared.contracts import CloudEvent
from ektp_shared.contracts.printing import CARD_PRINTED, CARD_READY_FOR_PICKUP
from ektp_shared.handlers import Handlers
from ektp_shared.messaging import add_messaging_tables
from ektp_shared.service import Runtime, ServiceSpec
from ektp_shared.settings import Settings
from ektp_shared.testing import infra
from ektp_shared.testing.fixtures import real_environment
from ektp_shared.testing.harness import signed
from ektp_shared.worker import Worker

QUORUM = {"x-queue-type": "quorum"}


def sample_event() -> CloudEvent:
    application_id = str(uuid.uuid4())
    return CloudEvent.new(source="/bench", type=CARD_PRINTED.type, correlationid=application_id, subject=application_id,
                          data={"application_id": application_id, "card_serial": "BLK-" + uuid.uuid4().hex[:12].upper(),
                                "printed_at": "2026-11-27T10:00:00+00:00"})


def wait_for_count(connection: Connection, queue: str, count: int, timeout: float = 600) -> None:
    channel = connection.channel()
    deadline = time.monotonic() + timeout
    while channel.queue_declare(queue, passive=True).message_count < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{queue} did not reach {count}")
        time.sleep(0.01)
    channel.close()


def raw_kombu(n: int, prefetch: int) -> float:
    name = f"bench-raw-{uuid.uuid4().hex[:6]}"
    exchange = Exchange(name, type="topic", durable=True)
    inbound = Queue(f"{name}.in", exchange, routing_key="in", durable=True, queue_arguments=QUORUM)
    outbound = Queue(f"{name}.out", exchange, routing_key="out", durable=True, queue_arguments=QUORUM)
    body = json.dumps(sample_event().to_dict()).encode()
    # Publishing on its own connection: waiting for a confirm must not dispatch the consumer's deliveries.
    with Connection(infra.RABBITMQ_URL, transport_options={"confirm_publish": True}) as publishing, \
            Connection(infra.RABBITMQ_URL) as connection:
        channel = publishing.channel()
        producer = Producer(channel, exchange)
        for queue in (inbound, outbound):
            queue(channel).declare()
        for _ in range(n):
            producer.publish(body, routing_key="in", delivery_mode=2, content_type="application/cloudevents+json",
                             content_encoding="binary")
        handled = 0

        def relay(message) -> None:
            nonlocal handled
            producer.publish(message.body, routing_key="out", delivery_mode=2, content_type="application/cloudevents+json",
                             content_encoding="binary")
            message.ack()
            handled += 1

        consume_channel = connection.channel()
        started = time.perf_counter()
        with Consumer(consume_channel, queues=[inbound], on_message=relay, prefetch_count=prefetch, accept=None):
            while handled < n:
                connection.drain_events(timeout=10)
        elapsed = time.perf_counter() - started
        wait_for_count(publishing, outbound.name, n)
        for queue in (inbound, outbound):
            queue(channel).delete()
        exchange(channel).delete()
    return n / elapsed


def bench_spec() -> ServiceSpec:
    metadata = MetaData()
    Table("effects", metadata, Column("application_id", String(36), primary_key=True))
    handlers = Handlers()

    @handlers.on(CARD_PRINTED)
    def announce(event: CloudEvent, uow) -> None:
        uow.session.execute(metadata.tables["effects"].insert().values(application_id=str(event.data["application_id"])))
        uow.emit(CARD_READY_FOR_PICKUP, {"application_id": event.data["application_id"], "pickup_from": dt.date(2026, 11, 30),
                                         "office": {"code": "X", "name": "Kantor", "address": "Jl. 1"}},
                 correlation_id=str(event.data["application_id"]))

    return ServiceSpec(name="bench", title="bench", default_port=0, settings_class=Settings, metadata=metadata,
                       messaging=add_messaging_tables(metadata), handlers=handlers, migrations_dir=Path("."),
                       blueprints=lambda runtime: [])


def our_path(n: int, prefetch: int) -> float:
    spec = bench_spec()
    namespace = f"bench{uuid.uuid4().hex[:6]}"
    database = infra.create_database("ektp_bench")
    environ = {**real_environment(namespace), "EKTP_DATABASE_URL": database, "EKTP_BUS_PREFETCH": str(prefetch)}
    runtime = Runtime.build(spec, spec.load_settings(environ))
    spec.metadata.create_all(runtime.engine)
    tap = Queue(f"{namespace}.bench-tap", Exchange(runtime.topology.exchange, type="topic", durable=True),
                routing_key=CARD_READY_FOR_PICKUP.type, durable=True, queue_arguments=QUORUM)
    try:
        with Connection(infra.RABBITMQ_URL, transport_options={"confirm_publish": True}) as connection:
            channel = connection.channel()
            runtime.broker.declare(channel)
            tap(channel).declare()
            producer = Producer(channel, runtime.broker.exchange)
            for _ in range(n):
                event = sample_event().to_dict()
                producer.publish(json.dumps(event).encode(), routing_key=CARD_PRINTED.type, headers=signed(event),
                                 delivery_mode=2, content_type="application/cloudevents+json", content_encoding="binary")
            worker = Worker(runtime)
            started = time.perf_counter()
            worker.start()
            wait_for_count(connection, tap.name, n)
            elapsed = time.perf_counter() - started
            worker.stop()
            tap(channel).delete()
    finally:
        runtime.dispose()
        infra.delete_namespace(namespace, ["bench"], runtime.settings.retry_delays)
        infra.drop_database(database)
    return n / elapsed


def run(n: int = 3000, prefetch: int = 16) -> dict:
    raw = raw_kombu(n, prefetch)
    ours = our_path(n, prefetch)
    return {"messages": n, "prefetch": prefetch, "raw_kombu_msg_per_s": round(raw, 1),
            "our_path_msg_per_s": round(ours, 1), "ratio": round(ours / raw, 3), "target_ratio": 0.5}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    args = parser.parse_args()
    print(json.dumps(run(args.messages), indent=2))


if __name__ == "__main__":
    main()
