"""The launcher prepares the bus before any process starts: every service's broker user, and every queue bound
to the events it consumes. An event published while its consumers' workers are still starting waits in their
queues instead of being routed nowhere (a chaos run once lost a planted message to a worker that was slow to
start)."""
from __future__ import annotations

import subprocess
import uuid

from kombu import Connection, Exchange, Producer

from ektp_launcher.broker_accounts import BrokerAccounts
from ektp_launcher.local import LocalCluster
from ektp_shared.contracts.verification import APPLICATION_VERIFIED
from ektp_shared.service import discover
from ektp_shared.settings import DEVELOPMENT
from ektp_shared.testing import infra


def test_an_event_published_before_any_worker_runs_waits_in_every_consumers_queue(tmp_path):
    admin_url = infra.require_rabbitmq()
    namespace = f"setup{uuid.uuid4().hex[:8]}"
    environ = {**DEVELOPMENT, "EKTP_BROKER_URL": admin_url, "EKTP_BUS_NAMESPACE": namespace}
    accounts = BrokerAccounts()
    cluster = LocalCluster(tmp_path, environ, {name: "" for name in discover()}, accounts=accounts)
    try:
        cluster.prepare_bus()
        consumers = {name for name, spec in cluster.specs.items() if APPLICATION_VERIFIED.type in spec.handlers.types}
        assert consumers >= {"intake", "biometrics", "printing"}
        with Connection(admin_url, transport_options={"confirm_publish": True}) as connection:
            Producer(connection.default_channel, exchange=Exchange(f"{namespace}.events", type="topic", durable=True)) \
                .publish(b"{}", routing_key=APPLICATION_VERIFIED.type, delivery_mode=2)
            channel = connection.channel()
            waiting = {name: channel.queue_declare(f"{namespace}.{name}", passive=True).message_count
                       for name in cluster.specs}
        assert waiting == {name: int(name in consumers) for name in cluster.specs}
        assert set(cluster.broker_urls) == set(cluster.specs)
        for url in cluster.broker_urls.values():  # each service signs in with its own user
            with Connection(url) as connection:
                connection.ensure_connection(max_retries=1)
    finally:
        accounts.delete()
        _delete_namespace(admin_url, namespace)


def _delete_namespace(admin_url: str, namespace: str) -> None:
    listed = subprocess.run(["rabbitmqctl", "-q", "list_queues", "name"], capture_output=True, text=True).stdout
    with Connection(admin_url) as connection:
        channel = connection.channel()
        for queue in (line.strip() for line in listed.splitlines()):
            if queue.startswith(f"{namespace}."):
                channel.queue_delete(queue)
        for exchange in ("events", "retry"):
            channel.exchange_delete(f"{namespace}.{exchange}")
