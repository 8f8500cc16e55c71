"""The real profile for the cross-service tests: every service's API (gunicorn) and worker as separate
processes, each with a broker user of its own, on a RabbitMQ node and a PostgreSQL cluster of the tests' own that
speak TLS only (certificates from a throw-away CA made by trustme; the services connect with ``amqps`` verifying the
broker's certificate and with ``sslmode=verify-full``), the machine's Redis, a SeaweedFS S3 server, an SMTP server
(aiosmtpd), a recording HTTP SMS gateway, the Midtrans fake, and an OTLP/HTTP receiver every process sends its trace spans to."""
from __future__ import annotations

import contextlib
import json
import secrets
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from ektp_peers.midtrans import MidtransFake
from ektp_peers.otlp import OtlpReceiver
from ektp_peers.sms_gateway import SmsGatewayFake
from ektp_peers.smtp import SmtpSink
from kombu import Connection, Exchange, Queue

from ektp_launcher.broker_accounts import BrokerAccounts
from ektp_launcher.chaos.infrastructure import PostgresCluster, RabbitNode, Tls
from ektp_launcher.journey import Endpoints, Journey
from ektp_launcher.local import ONE_ADDRESS_FOR_ALL, LocalCluster
from ektp_launcher.mailbox import Peers
from ektp_shared.bus.broker import tls_options
from ektp_shared.service import discover
from ektp_shared.testing import infra
from ektp_shared.testing.fixtures import FAST_RETRIES, real_environment
from ektp_shared.testing.ports import free_port


class EventTap:
    """A queue of the test's own, bound to every event of the cluster's exchange."""

    def __init__(self, namespace: str, broker_url: str, ca_file: str):
        self.connection = Connection(broker_url, ssl=tls_options(broker_url, ca_file) or False)
        self.exchange = Exchange(f"{namespace}.events", type="topic", durable=True)
        self.queue = Queue(f"{namespace}.test-tap", exchange=self.exchange, routing_key="#", durable=False,
                           auto_delete=False)(self.connection.default_channel)
        self.exchange(self.connection.default_channel).declare()
        self.queue.declare()
        self.seen: list[dict] = []

    def drain(self) -> list[dict]:
        while (message := self.queue.get(no_ack=True, accept=None)) is not None:
            self.seen.append(json.loads(message.body))
        return self.seen

    def of(self, application_id: str) -> list[dict]:
        return [event for event in self.drain() if event["correlationid"] == application_id]

    def close(self) -> None:
        self.queue.delete()
        self.connection.release()


@dataclass
class RealSuite:
    cluster: LocalCluster
    journey: Journey
    smtp: SmtpSink
    sms: SmsGatewayFake
    tap: EventTap
    namespace: str
    s3: object
    payments: MidtransFake
    traces: OtlpReceiver
    broker: RabbitNode
    database: PostgresCluster
    tls: Tls


@pytest.fixture(scope="module")
def suite(seaweedfs, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealSuite]:
    infra.require_redis()
    namespace = f"e2e{uuid.uuid4().hex[:8]}"
    run_dir: Path = tmp_path_factory.mktemp("cluster")
    tls = Tls.make(run_dir / "tls")
    with contextlib.ExitStack() as started:
        # Outside pytest's temporary folders, which only root may enter: the servers run as their own users.
        servers = Path(started.enter_context(tempfile.TemporaryDirectory(prefix="ektp-e2e-")))
        servers.chmod(0o755)
        broker, database = RabbitNode(servers / "rabbitmq", tls), PostgresCluster(servers / "postgres", tls)
        started.callback(broker.stop)
        broker.start(first=True)
        database.start(first=True)
        started.callback(database.stop)
        yield from _suite(namespace, run_dir, seaweedfs, tls, broker, database)


def _suite(namespace: str, run_dir: Path, seaweedfs, tls: Tls, broker: RabbitNode, database: PostgresCluster):
    smtp = SmtpSink().start()
    sms = SmsGatewayFake().start()
    payments = MidtransFake(server_key="SB-Mid-server-e2e").start()
    traces = OtlpReceiver().start()
    specs = discover()
    databases = {name: database.create_database(f"ektp_{name}") for name in specs}
    environ = {**real_environment(namespace, seaweedfs), "EKTP_BROKER_URL": broker.url, "EKTP_BROKER_CA_FILE": str(tls.ca),
               "EKTP_DATA_DIR": str(run_dir / "data"),
               "EKTP_NOTIFY_EMAIL_PROVIDERS": "smtp", "EKTP_NOTIFY_SMTP_HOST": smtp.host,
               "EKTP_NOTIFY_SMTP_PORT": str(smtp.port), "EKTP_NOTIFY_SMTP_SECURITY": "none",
               "EKTP_NOTIFY_SMS_PROVIDERS": "gateway", "EKTP_NOTIFY_SMS_GATEWAY_URL": sms.url,
               "EKTP_NOTIFY_SMS_GATEWAY_USERKEY": sms.userkey, "EKTP_NOTIFY_SMS_GATEWAY_PASSKEY": sms.passkey,
               "EKTP_PRINTING_PRINTER_URI": f"cardprinter://127.0.0.1:{free_port()}",
               "EKTP_BUS_RETRY_DELAYS": FAST_RETRIES, "EKTP_OTLP_ENDPOINT": traces.url, **ONE_ADDRESS_FOR_ALL,
               "EKTP_INTAKE_CODE_RESEND_SECONDS": "0",  # a citizen signs in at the portal and through the API
               # Each document service its own link key, as in Kubernetes: the journey's photo fetch (biometrics
               # from intake) and portrait fetch (printing from biometrics) only work with the right one.
               "EKTP_INTAKE_LINK_SECRET": secrets.token_urlsafe(32), "EKTP_BIOMETRICS_LINK_SECRET": secrets.token_urlsafe(32)}
    tap = EventTap(namespace, broker.url, str(tls.ca))
    cluster = LocalCluster(run_dir, environ, databases, accounts=BrokerAccounts(["rabbitmqctl", "-n", broker.node]))
    cluster.environ.update({"EKTP_INTAKE_PAYMENT_SNAP_URL": payments.url, "EKTP_INTAKE_PAYMENT_API_URL": payments.url,
                            "EKTP_INTAKE_PAYMENT_SERVER_KEY": payments.server_key,
                            "EKTP_INTAKE_PAYMENT_NOTIFICATION_URL": f"{cluster.url('intake')}/v1/payments/midtrans/notification"})
    try:
        cluster.start()
        endpoints = Endpoints(*(cluster.url(name) for name in ("intake", "verification", "biometrics", "printing", "notify")))
        from ektp_peers.seaweedfs import ACCESS_KEY, SECRET_KEY
        from minio import Minio

        s3 = Minio(seaweedfs.endpoint, access_key=ACCESS_KEY, secret_key=SECRET_KEY, secure=False)
        yield RealSuite(cluster, Journey(endpoints, Peers(sms, smtp), timeout=90), smtp, sms, tap, namespace, s3,
                        payments, traces, broker, database, tls)
    finally:
        cluster.stop()
        tap.close()
        smtp.stop()
        sms.stop()
        payments.stop()
        traces.stop()
