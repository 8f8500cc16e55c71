"""``make chaos`` (``python -m ektp_launcher.chaos``): the chaos run, and its report in benchmarks/RESILIENCE.md.

Its own RabbitMQ node and PostgreSQL cluster (so it may kill them), a TCP proxy between the services and the
broker (so it may cut the network), SeaweedFS, an SMTP server, an SMS gateway and the card printer; every
service's API (gunicorn) and worker as processes with a broker user each. ``--applications`` applicants apply
at a steady rate and are taken to the card in their hand while every worker and API is SIGKILLed (and
restarted) at random times, the broker is restarted, PostgreSQL crashes and restarts, and the network to the
broker is cut; a poisonous and a forged message are planted. Then: every application final, one message per
milestone per channel, one card per application, nothing parked but what was planted, every outbox empty,
no 5xx except 503 with Retry-After.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import signal
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ektp_peers.seaweedfs import ACCESS_KEY, SECRET_KEY, SeaweedFS
from ektp_peers.sms_gateway import SmsGatewayFake
from ektp_peers.smtp import SmtpSink
from kombu import Connection, Exchange, Producer

from ektp_shared.contracts import CloudEvent
from ektp_shared.contracts.verification import APPLICATION_VERIFIED
from ektp_shared.settings import DEVELOPMENT
from ektp_shared.testing.ports import free_port

from ..broker_accounts import BrokerAccounts
from ..journey import SAMPLE_PEOPLE, Endpoints, Journey, sample_person
from ..local import ONE_ADDRESS_FOR_ALL, LocalCluster
from ..mailbox import Peers
from . import checks
from .faults import Faults, Plan
from .infrastructure import PostgresCluster, RabbitNode, TcpProxy
from .load import Driven, PatientSession, ServerErrors, drive

NAMESPACE = "chaos"
SERVICES = ("intake", "verification", "biometrics", "printing", "notify")


def people(count: int, seed: int) -> list[Driven]:
    rng = random.Random(seed)
    people = []
    for index in range(count):
        face, fingers = SAMPLE_PEOPLE[index % len(SAMPLE_PEOPLE)]
        person = sample_person(rng, face, fingers, email=f"chaos{index}@example.org", phone=f"08129{index:07d}")
        people.append(Driven(person))
    return people


def plant(broker_url: str) -> int:
    """A message that is not JSON and a forged (unsigned) verification, on a key three services consume:
    six parked messages, none acted on."""
    verified = CloudEvent.new(source="/forger", type=APPLICATION_VERIFIED.type, correlationid=str(uuid.uuid4()),
                              data={"application_id": str(uuid.uuid4())}).to_dict()
    with Connection(broker_url) as connection:
        producer = Producer(connection.default_channel, exchange=Exchange(f"{NAMESPACE}.events", type="topic", durable=True))
        for body in (b"\xff\xfe not json", json.dumps(verified).encode()):
            producer.publish(body, routing_key=APPLICATION_VERIFIED.type, content_type="application/cloudevents+json",
                             content_encoding="binary", delivery_mode=2)
    return 2 * 3


def settle(databases: dict[str, str], broker_url: str, timeout: float = 300) -> None:
    """Until every outbox is empty and every service queue is drained (or ``timeout``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        results = checks.Results()
        try:
            checks.outboxes(databases, results)
            with Connection(broker_url) as connection:
                channel = connection.channel()
                waiting = sum(channel.queue_declare(f"{NAMESPACE}.{s}", passive=True).message_count for s in SERVICES)
        except Exception:  # still recovering
            time.sleep(2)
            continue
        if not any(results.outbox_backlog.values()) and waiting == 0:
            time.sleep(5)  # periodic tasks (sending, printing) finish what the last events started
            return
        time.sleep(2)


def run(applications: int, concurrency: int, plan: Plan, folder: Path, interval: float, seed: int = 12,
        say=print) -> tuple[checks.Results, Faults, dict]:
    broker, database = RabbitNode(folder / "rabbitmq"), PostgresCluster(folder / "postgres")
    seaweed = SeaweedFS(folder / "seaweedfs")
    smtp, sms = SmtpSink(), SmsGatewayFake()
    proxy = cluster = None
    started = time.time()
    try:
        broker.start(first=True)
        database.start(first=True)
        proxy = TcpProxy(broker.port).start()
        seaweed.start()
        smtp.start()
        sms.start()
        say(f"infrastructure up: RabbitMQ {broker.node} :{broker.port} (proxy :{proxy.port}), PostgreSQL :{database.port}")
        environ = {**DEVELOPMENT, **ONE_ADDRESS_FOR_ALL, "EKTP_BROKER_URL": f"amqp://chaos:chaos@127.0.0.1:{proxy.port}//",
                   "EKTP_BUS_NAMESPACE": NAMESPACE, "EKTP_RATE_LIMIT_STORAGE_URI": "memory://",
                   "EKTP_OUTBOX_POLL_SECONDS": "0.1", "EKTP_DATA_DIR": str(folder / "data"), "EKTP_LOG_LEVEL": "WARNING",
                   "EKTP_S3_ENDPOINT": seaweed.endpoint, "EKTP_S3_ACCESS_KEY": ACCESS_KEY, "EKTP_S3_SECRET_KEY": SECRET_KEY,
                   "EKTP_NOTIFY_EMAIL_PROVIDERS": "smtp", "EKTP_NOTIFY_SMTP_HOST": smtp.host,
                   "EKTP_NOTIFY_SMTP_PORT": str(smtp.port), "EKTP_NOTIFY_SMTP_SECURITY": "none",
                   "EKTP_NOTIFY_SMS_PROVIDERS": "gateway", "EKTP_NOTIFY_SMS_GATEWAY_URL": sms.url,
                   "EKTP_NOTIFY_SMS_GATEWAY_USERKEY": sms.userkey, "EKTP_NOTIFY_SMS_GATEWAY_PASSKEY": sms.passkey,
                   "EKTP_PRINTING_PRINTER_URI": f"cardprinter://127.0.0.1:{free_port()}"}
        databases = {name: database.create_database(f"ektp_{name}") for name in SERVICES}
        cluster = LocalCluster(folder / "logs", environ, databases,
                               accounts=BrokerAccounts(["rabbitmqctl", "-n", broker.node])).start()
        say(f"services up in {time.time() - started:.0f} s; {applications} applications, one every {interval:.1f} s")

        errors = ServerErrors()
        endpoints = Endpoints(*(cluster.url(name) for name in SERVICES))
        driven = people(applications, seed)
        stop = threading.Event()
        faults = Faults(cluster, broker, database, proxy, plan, seed)
        window = applications * interval
        injector = threading.Thread(target=faults.run, args=(window, stop), name="faults", daemon=True)
        injector.start()
        planted = plant(broker.url)
        deadline = time.monotonic() + window + 900

        def one(item: Driven) -> Driven:
            journey = Journey(endpoints, Peers(sms, smtp), timeout=120)
            journey.http = PatientSession(errors)
            return drive(journey, item, deadline, stop)

        try:
            with ThreadPoolExecutor(concurrency) as pool:
                futures = []
                for index, item in enumerate(driven):
                    time.sleep(max(0.0, faults.timeline.started + index * interval - time.time()))
                    futures.append(pool.submit(one, item))
                for count, future in enumerate(futures, 1):
                    future.result()
                    if count % max(1, applications // 10) == 0:
                        say(f"{count}/{applications} driven ({time.time() - faults.timeline.started:.0f} s)")
        finally:
            stop.set()  # interrupted: the drivers and the fault injector stop too
        injector.join()
        say("load done; settling")
        settle(databases, broker.url)

        results = checks.Results(applications=applications, planted=planted)
        results.final = sum(1 for item in driven if item.status == "COLLECTED")
        results.not_final = [f"{item.application_id}: {item.status} ({item.last_error})" for item in driven
                             if item.status != "COLLECTED"]
        checks.messages(Peers(sms, smtp), driven, results)
        checks.cards(folder / "data" / "printed-cards", databases["printing"], driven, results)
        checks.parked(broker.url, NAMESPACE, list(SERVICES), results)
        checks.outboxes(databases, results)
        checks.server_errors(errors, results)
        facts = {"duration_seconds": time.time() - started, "load_seconds": time.time() - faults.timeline.started,
                 "retried_steps": sum(item.retries for item in driven), "concurrency": concurrency, "interval": interval,
                 "machine": f"{platform.node()} ({platform.machine()}, {os.cpu_count()} cores), Python {platform.python_version()}",
                 "load_average": os.getloadavg()[1]}  # what else ran: a loaded machine stretches every step
        return results, faults, facts
    finally:
        if cluster is not None:
            cluster.stop()
        for stopper in (smtp.stop, sms.stop, seaweed.stop, *((proxy.stop,) if proxy else ()), broker.stop, database.stop):
            try:
                stopper()
            except Exception as exc:  # tearing down: report and go on
                print(f"stopping: {type(exc).__name__}: {exc}", file=sys.stderr)


def report(results: checks.Results, faults: Faults, facts: dict, plan: Plan) -> str:
    kills = sum(1 for _, _, what in faults.timeline.entries if what.startswith("SIGKILL"))
    lines = [
        "# Resilience: the chaos run",
        "",
        "Generated by `make chaos` (`python -m ektp_launcher.chaos`). The real profile (every service's API under",
        "gunicorn and its worker, as processes, each with a broker user of its own) on a RabbitMQ node and a",
        "PostgreSQL cluster of the run's own, with a TCP proxy between the services and the broker, SeaweedFS, an",
        "SMTP server, an SMS gateway and the card-printer emulator. Applicants apply at a steady rate and are taken",
        "to the card in their hand by clients that retry a dropped connection or a 503 (after its `Retry-After`),",
        "with an `Idempotency-Key` on create and submit. Repeats of the fixtures' five people are rightly flagged by",
        "1:N and decided distinct by an adjudicator. A message that is not JSON and a forged (unsigned)",
        "`application.verified` are planted.",
        "",
        f"Machine: {facts['machine']}; {facts['concurrency']} applicants at a time, one new every "
        f"{facts['interval']:.1f} s. Whole run {facts['duration_seconds'] / 60:.1f} min (load and faults "
        f"{facts['load_seconds'] / 60:.1f} min); load average over the last 5 minutes at the end "
        f"{facts['load_average']:.1f}.",
        "",
        "## Result",
        "",
        "| check | result |",
        "|---|---|",
        f"| applications in their final state (COLLECTED) | **{results.final}/{results.applications}** |",
        f"| lost (not final, a message or a card missing) | **{results.lost}** |",
        f"| messages to citizens (SMS + email, {checks.MILESTONES} milestones each) | {results.messages}; "
        f"**{results.duplicate_messages} duplicate**, {results.missing_messages} missing |",
        f"| cards printed (emulator's output) | {results.cards}; **{results.duplicate_cards} duplicate**, "
        f"{results.missing_cards} missing |",
        f"| parked messages | {sum(results.parked.values())} ({', '.join(f'{k} {v}' for k, v in results.parked.items())}); "
        f"planted {results.planted} |",
        f"| unpublished outbox rows | {sum(results.outbox_backlog.values())} |",
        f"| answers of 500 or more | {results.server_errors}, all 503 with Retry-After: "
        f"{'yes' if not results.unexpected_server_errors else 'no: ' + '; '.join(results.unexpected_server_errors[:10])} |",
        f"| connections dropped by a killed process, retried by the client | {results.dropped_connections} |",
        f"| steps redone after a failure | {facts['retried_steps']} |",
        f"| **passed** | **{'yes' if results.passed else 'no'}** |",
        "",
        f"## Faults ({kills} process kills, {plan.broker_restarts} broker restarts, {plan.database_restarts} "
        f"database restart, network cut {plan.network_cut_seconds:.0f} s)",
        "",
        "| from (s) | to (s) | fault |",
        "|---:|---:|---|",
        *(f"| {a:.0f} | {b:.0f} | {what} |" for a, b, what in sorted(faults.timeline.entries)),
    ]
    if faults.failures:
        lines += ["", "Faults that could not be injected: " + "; ".join(faults.failures)]
    if results.not_final:
        lines += ["", "Not final: " + "; ".join(results.not_final[:20])]
    lines += ["", "## Known limits", "",
              "- notify records a message as sent after the provider accepted it: a worker killed between the two",
              "  sends that message again when it resumes (at least once, not exactly once, at the provider's edge).",
              "  The run counts such duplicates above; an SMS gateway or SMTP server that deduplicates by message id",
              "  would close the gap.",
              "- The network cut resets open connections and refuses new ones; a path that silently drops packets",
              "  is noticed later (AMQP heartbeats, 30 s; publisher confirms, 30 s).",
              ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=12)
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between two new applications")
    parser.add_argument("--kills", type=int, default=3, help="SIGKILLs of each worker and of each API")
    parser.add_argument("--broker-restarts", type=int, default=2)
    parser.add_argument("--database-restarts", type=int, default=1)
    parser.add_argument("--network-cut", type=float, default=30)
    parser.add_argument("--report", default="benchmarks/RESILIENCE.md")
    parser.add_argument("--keep", action="store_true", help="keep the run's folder (logs)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop what the run started (finally) on SIGTERM
    plan = Plan(args.kills, args.broker_restarts, args.database_restarts, args.network_cut)
    folder = Path(tempfile.mkdtemp(prefix="ektp-chaos-"))
    folder.chmod(0o755)  # the broker and the database run as their own users
    results, faults, facts = run(args.applications, args.concurrency, plan, folder, args.interval)
    text = report(results, faults, facts, plan)
    Path(args.report).write_text(text)
    print(text)
    print(f"logs in {folder}" if args.keep else "")
    if not args.keep:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    sys.exit(0 if results.passed else 1)


if __name__ == "__main__":
    main()
