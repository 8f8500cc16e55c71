"""End-to-end, real profile: one application from the online form to the card in the citizen's hand,
over RabbitMQ, PostgreSQL and S3, with every hop, object and message checked; redelivery, crashes,
the parking lot and other teams' publishers; and the same journey with the citizen at the portal in Chromium."""
from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import random
import re
import signal
import ssl
import time
import uuid
from urllib.parse import unquote, urlsplit

import amqp
import kombu
import pika
import psycopg
import pytest
import requests
import rfc8785
import sqlalchemy
import trustme
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from playwright.sync_api import expect

from ektp_launcher.journey import sample_person
from ektp_launcher.mailbox import new_code
from ektp_launcher.portal_journey import apply
from ektp_shared.bus.broker import Broker
from ektp_shared.bus.topology import Topology
from ektp_shared.contracts import CATALOG, CloudEvent
from ektp_shared.contracts.envelope import TYPE_PREFIX
from ektp_shared.crypto import MAGIC
from ektp_shared.identity.contact import SMS
from ektp_shared.testing import infra
from ektp_shared.testing.browser import tours
from ektp_shared.testing.traces import Trace, assert_one_trace_through_the_bus, client_root, from_otlp

pytestmark = pytest.mark.slow
JOURNEY_EVENTS = ["application.submitted.v1", "application.verified.v1", "appointment.scheduled.v1",
                  "biometrics.identify_requested.v1", "biometrics.enrolled.v1", "card.printed.v1",
                  "card.ready_for_pickup.v1", "card.collected.v1"]
NOTIFIED = ["application.submitted.v1", "appointment.scheduled.v1", "card.ready_for_pickup.v1", "card.collected.v1"]
PRODUCERS = {contract.key: contract.producer for contract in CATALOG.values()}
CONSUMERS = {"intake": 6, "verification": 1, "biometrics": 3, "printing": 2, "notify": 4}  # of the journey's events


def key(event: dict) -> str:
    return event["type"].removeprefix(TYPE_PREFIX + ".")


def wait_until(check, timeout: float = 60, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.25)


def samples(text: str, name: str) -> dict[tuple, float]:
    """Prometheus text → {(name, labels...): value} for one metric name."""
    found = {}
    for line in text.splitlines():
        match = re.match(rf"^{name}(?:\{{(.*)\}})? (\S+)$", line)
        if match:
            found[tuple(sorted(re.findall(r'(\w+)="([^"]*)"', match.group(1) or "")))] = float(match.group(2))
    return found


def total(text: str, name: str, **labels: str) -> float:
    return sum(v for k, v in samples(text, name).items() if all((l, val) in k for l, val in labels.items()))


def worker_metrics(suite, service: str) -> str:
    return requests.get(suite.cluster.worker_metrics_url(service), timeout=5).text


def signature(envelope: dict, producer: str) -> str:
    """As the README shows another team: Ed25519 over the RFC 8785 canonical JSON of the envelope, base64
    (here the producer's development key; a real producer's key comes from its Secret)."""
    seed = hashlib.sha256(f"ektp-development-event-key:{producer}".encode()).digest()
    return base64.b64encode(Ed25519PrivateKey.from_private_bytes(seed).sign(rfc8785.dumps(envelope))).decode()


def pika_connection(suite, url: str) -> pika.BlockingConnection:
    """As another team connects: TLS to the broker, its certificate verified against the CA and the host name."""
    parts = urlsplit(url)
    context = ssl.create_default_context(cafile=str(suite.tls.ca))
    return pika.BlockingConnection(pika.ConnectionParameters(
        parts.hostname, parts.port, "/", pika.PlainCredentials(unquote(parts.username), unquote(parts.password)),
        ssl_options=pika.SSLOptions(context, parts.hostname)))


def publish_with_pika(suite, routing_key: str, body: bytes, content_type: str = "application/cloudevents+json",
                      headers: dict | None = None, signed_by: str | None = "producer", url: str | None = None) -> None:
    """As another team's service would: plain pika, publisher confirms, no code of ours. The event is signed by
    its contract's producer unless ``signed_by`` names another signer (or None: unsigned)."""
    headers = dict(headers or {})
    if signed_by is not None:
        try:
            envelope = json.loads(body)
        except ValueError:
            envelope = None
        if isinstance(envelope, dict) and any(name.startswith("cloudEvents:") for name in headers):
            envelope = {"data": envelope, **{name.removeprefix("cloudEvents:"): value for name, value in headers.items()
                                             if name.startswith("cloudEvents:")}}
        if isinstance(envelope, dict):
            producer = PRODUCERS.get(routing_key.removeprefix(TYPE_PREFIX + ".")) if signed_by == "producer" else signed_by
            headers["x-ektp-signature"] = signature(envelope, producer or "unknown")
    connection = pika_connection(suite, url or suite.broker.url)
    channel = connection.channel()
    channel.confirm_delivery()
    try:
        channel.basic_publish(f"{suite.namespace}.events", routing_key, body,
                              pika.BasicProperties(content_type=content_type, delivery_mode=2, headers=headers or None,
                                                   message_id=str(uuid.uuid4())))
    finally:
        if connection.is_open:
            connection.close()


def is_code(text: str) -> bool:
    """A one-time sign-in code's message (the journey signs the citizen in), not a milestone's."""
    return text.startswith("Kode verifikasi")


def milestone_emails(suite, address: str) -> list:
    return [m for m in suite.smtp.messages if address in m.rcpt_tos and not is_code(str(m.message["Subject"]))]


def milestone_texts(suite, number: str) -> list:
    """The SMS a number received about milestones (the gateway may be given the number with or without +)."""
    return [s for s in suite.sms.messages if s.number.lstrip("+") == number and not is_code(s.message)]


def admin(suite) -> dict[str, str]:
    return suite.journey.token("admin")


@pytest.fixture(scope="module")
def journey(suite):
    person = sample_person(random.Random(7), "Colin_Powell", (101, 102), email="siti.aminah@example.org",
                           phone="0812-3456-7890")
    with client_root(suite.journey.http) as trace:  # the journey's requests are one trace, as a traced client's
        result = suite.journey.run(person)
    wait_until(lambda: len(milestone_emails(suite, "siti.aminah@example.org")) >= len(NOTIFIED),
               what="the collected email")
    wait_until(lambda: len(milestone_texts(suite, "6281234567890")) >= len(NOTIFIED), what="the collected SMS")
    return person, {**result, "trace": trace}


def test_one_application_travels_from_the_form_to_the_citizens_hand(suite, journey):
    person, result = journey
    application_id, receipt = result["application_id"], result["receipt_number"]
    assert result["status"] == "COLLECTED"
    assert result["timeline"] == ["DRAFT", "SUBMITTED", "VERIFIED", "APPOINTMENT_SCHEDULED", "ENROLLED", "PRINTED",
                                  "READY_FOR_PICKUP", "COLLECTED"]
    assert re.fullmatch(r"KTP-\d{4}-\d{6}-[0-9A-Z]{6}-[0-9A-Z*~$=]", receipt)

    events = suite.tap.of(application_id)
    assert sorted(key(e) for e in events) == sorted(JOURNEY_EVENTS), "each hop published exactly one event"
    for event in events:
        assert event["specversion"] == "1.0" and event["subject"] == application_id
        assert event["source"].startswith("/ektp/")
    submitted = next(e for e in events if key(e) == "application.submitted.v1")
    assert {d["kind"] for d in submitted["data"]["documents"]} == {"kk", "akta_kelahiran", "photo"}
    enrolled = next(e for e in events if key(e) == "biometrics.enrolled.v1")
    assert person.nik not in json.dumps(enrolled), "the matcher's events carry pseudonyms, never the NIK"

    documents = list(suite.s3.list_objects("ektp-intake", prefix=f"documents/{application_id}/", recursive=True))
    assert len(documents) == 3
    captures = list(suite.s3.list_objects("ektp-biometrics", prefix="captures/", recursive=True))
    reference = enrolled["data"]["reference_id"]
    assert len([o for o in captures if o.object_name.startswith(f"captures/{reference}/")]) == 3  # face + 2 fingers
    for bucket, item in [("ektp-intake", documents[0]), ("ektp-biometrics", captures[0])]:
        raw = suite.s3.get_object(bucket, item.object_name).read()
        assert raw.startswith(MAGIC) and b"JFIF" not in raw and b"PNG" not in raw[:16], "objects are encrypted at rest"

    emails = milestone_emails(suite, "siti.aminah@example.org")
    assert len(emails) == len(NOTIFIED)
    assert all(receipt in m.message.get_content() for m in emails), "every email names the receipt number"
    sms = milestone_texts(suite, "6281234567890")
    assert len(sms) == len(NOTIFIED)
    assert receipt in sms[0].message

    log = requests.get(f"{suite.journey.at.notify}/v1/applications/{application_id}/notifications",
                       headers=suite.journey.token("verifier")).json()
    assert sorted((d["event"], d["channel"]) for d in log) == sorted((e, c) for e in NOTIFIED for c in ("email", "sms"))
    assert {d["status"] for d in log} == {"SENT"}

    card = requests.get(f"{suite.journey.at.printing}/v1/cards/{application_id}", headers=suite.journey.token("print_operator")).json()
    assert card["state"] == "COLLECTED" and card["serial"] and card["collected_by"] == "applicant"


def test_the_journey_is_one_trace_through_the_five_services_processes_sent_over_otlp(suite, journey):
    trace_id, root_span_id = journey[1]["trace"]
    try:
        suite.traces.wait_for(lambda spans: Trace([from_otlp(s) for s in spans], trace_id).complete(root_span_id),
                              timeout=60)
    except AssertionError:
        pass  # what did arrive is checked below, naming what is missing
    found = Trace([from_otlp(s) for s in suite.traces.spans], trace_id)
    assert_one_trace_through_the_bus(found, root_span_id)
    assert {s.service for s in found.spans} >= {"intake", "verification", "biometrics", "printing", "notify"}
    # From a slow handling on the dashboard to its trace: the worker's latency histogram names it (OpenMetrics).
    scraped = requests.get(suite.cluster.worker_metrics_url("notify"), timeout=5,
                           headers={"Accept": "application/openmetrics-text; version=1.0.0"}).text
    assert re.search(rf'^ektp_event_handler_duration_seconds_bucket\{{.*event="card.collected.v1".*# \{{.*trace_id="{trace_id}"',
                     scraped, re.M)


def test_every_service_reaches_the_broker_and_its_database_over_verified_tls_and_a_clear_or_untrusting_client_is_refused(
        suite, journey):
    services = set(CONSUMERS)
    # The broker listens for amqps only; every service's API and worker is connected as its own user over TLS.
    listed = suite.broker.ctl("list_connections", "user", "ssl", "ssl_protocol", "--no-table-headers", "--quiet").stdout
    connections = [line.split("\t") for line in listed.splitlines() if line.strip()]
    users = {user.removeprefix(f"{suite.namespace}-") for user, *_ in connections if user.startswith(suite.namespace)}
    assert users == services
    assert all(tls == "true" and protocol.startswith("tlsv1.") for user, tls, protocol in connections), connections
    # Each service's database connections are TLS (pg_stat_ssl), opened with sslmode=verify-full.
    admin = sqlalchemy.create_engine(suite.database.database_url("postgres"))
    with admin.connect() as connection:
        rows = connection.execute(sqlalchemy.text(
            "SELECT a.datname, s.ssl FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) "
            "WHERE a.datname LIKE 'ektp_%'")).all()
    admin.dispose()
    assert {name.removeprefix("ektp_") for name, _ in rows} == services
    assert all(encrypted for _, encrypted in rows)
    assert all("sslmode=verify-full" in url for url in suite.cluster.databases.values())

    # A client in clear is refused by both; one that does not trust the servers' CA refuses them.
    port = suite.database.port
    with pytest.raises(psycopg.OperationalError, match="no encryption"):
        psycopg.connect(f"host=localhost port={port} user=postgres dbname=postgres sslmode=disable", connect_timeout=5)
    stranger = trustme.CA()
    with stranger.cert_pem.tempfile() as other_ca:
        with pytest.raises(psycopg.OperationalError, match="certificate verify failed"):
            psycopg.connect(f"host=localhost port={port} user=postgres dbname=postgres sslmode=verify-full "
                            f"sslrootcert={other_ca}", connect_timeout=5)
        broker = Broker(suite.broker.url, Topology(suite.namespace, "intake", (), (1,), 5), ca_file=other_ca)
        with pytest.raises(kombu.exceptions.OperationalError, match="certificate verify failed"):
            broker.ping()
    with pytest.raises((OSError, kombu.exceptions.OperationalError, amqp.exceptions.AMQPError)):
        Broker(suite.broker.url.replace("amqps://", "amqp://"), Topology(suite.namespace, "intake", (), (1,), 5)).ping()


def test_redelivering_every_event_of_the_journey_changes_nothing(suite, journey):
    _, result = journey
    application_id = result["application_id"]
    events = suite.tap.of(application_id)
    before = {name: total(worker_metrics(suite, name), "ektp_events_duplicate_total") for name in CONSUMERS}
    emails, texts = len(suite.smtp.messages), len(suite.sms.messages)
    status_before = suite.journey.status(application_id)

    for event in events:
        publish_with_pika(suite, event["type"], json.dumps(event).encode())

    for name, expected in CONSUMERS.items():
        wait_until(lambda: total(worker_metrics(suite, name), "ektp_events_duplicate_total") - before[name] >= expected,
                   what=f"{name} to acknowledge its {expected} redeliveries")
    time.sleep(1.5)  # give a wrongly re-planned message the time to go out
    assert len(suite.smtp.messages) == emails and len(suite.sms.messages) == texts, "no second notification"
    assert suite.journey.status(application_id)["timeline"] == status_before["timeline"]
    cases = requests.get(f"{suite.journey.at.verification}/v1/cases", params={"application_id": application_id},
                         headers=suite.journey.token("verifier")).json()
    assert len(cases) == 1, "no second case"
    assert sorted(key(e) for e in suite.tap.of(application_id)) == sorted(JOURNEY_EVENTS * 2), \
        "nothing new was emitted: no second card, appointment or enrolment"


def test_a_worker_killed_mid_journey_loses_and_doubles_nothing(suite):
    person = sample_person(random.Random(11), "Halle_Berry", (103, 104), email="dewi@example.org", phone="081298765432")
    journey = suite.journey
    application_id, receipt = journey.apply(person)
    suite.cluster.kill_worker("notify", signal.SIGKILL)
    suite.cluster.kill_worker("printing", signal.SIGKILL)
    journey.approve(application_id)
    journey.capture(application_id, person)
    journey.wait_for_status(application_id, "ENROLLED")
    time.sleep(1)
    assert journey.status(application_id)["status"] == "ENROLLED", "nothing printed while printing's worker is down"

    suite.cluster.start_worker("printing")
    suite.cluster.start_worker("notify")
    journey.collect(application_id, receipt, person.nik)
    journey.wait_for_status(application_id, "COLLECTED")
    wait_until(lambda: len(milestone_emails(suite, "dewi@example.org")) >= len(NOTIFIED),
               what="the emails after the restart")
    time.sleep(1.5)
    emails = milestone_emails(suite, "dewi@example.org")
    assert len(emails) == len(NOTIFIED), "every milestone exactly once, even those that waited for the restart"
    events = suite.tap.of(application_id)
    assert sorted(key(e) for e in events) == sorted(JOURNEY_EVENTS)


def test_the_same_person_under_a_second_nik_is_raised_for_adjudication(suite, journey):
    first_person, first = journey
    again = sample_person(random.Random(99), "Colin_Powell", (101, 102), impression=2, email="lagi@example.org",
                          phone="081311112222")
    assert again.nik != first_person.nik
    application_id, _ = suite.journey.apply(again)
    suite.journey.approve(application_id)
    suite.journey.capture(application_id, again)
    suite.journey.wait_for_status(application_id, "UNDER_ADJUDICATION")
    suspected = [e for e in suite.tap.of(application_id) if key(e) == "biometrics.duplicate_suspected.v1"]
    assert len(suspected) == 1
    assert [c["application_id"] for c in suspected[0]["data"]["candidates"]] == [first["application_id"]]
    assert not [e for e in suite.tap.of(application_id) if key(e) == "biometrics.enrolled.v1"], "not enrolled twice"


def test_a_live_face_that_is_not_the_uploaded_photo_waits_for_an_officer(suite):
    applicant = sample_person(random.Random(5), "Jennifer_Lopez", (107, 108), email="foto@example.org",
                              phone="081377778888")
    impostor_at_the_counter = dataclasses.replace(applicant, face=sample_person(random.Random(6), "Hugo_Chavez").face)
    application_id, _ = suite.journey.apply(applicant)
    case = suite.journey.approve(application_id)
    suite.journey.capture(application_id, impostor_at_the_counter)
    status = suite.journey.wait_for_status(application_id, "FACE_REVIEW")
    assert status["timeline"][-1]["detail"]["result"] == "no_match"
    flagged = requests.get(f"{suite.journey.at.verification}/v1/cases/{case['id']}",
                           headers=suite.journey.token("verifier")).json()
    assert "biometrics.face_no_match" in flagged["flags"]
    assert not [e for e in suite.tap.of(application_id) if key(e) == "biometrics.enrolled.v1"], "never enrolled unreviewed"


def _verified_event(application_id: str) -> CloudEvent:
    return CloudEvent.new(source="/another-team/test", type=f"{TYPE_PREFIX}.application.verified.v1",
                          correlationid=application_id, subject=application_id, data={
                              "application_id": application_id, "receipt_number": "KTP-3201-261127-AAAAAA-0",
                              "kind": "new", "verified_at": "2026-11-27T10:00:00+00:00",
                              "office": {"code": "DISDUKCAPIL-3201", "name": "DISDUKCAPIL BOGOR", "address": "Cibinong"},
                              "card_holder": {"nik": "3201011705000001", "kk_number": "3201010101200001",
                                              "full_name": "Uji Coba", "birth_place": "Bogor", "birth_date": "2000-05-17",
                                              "gender": "LAKI-LAKI",
                                              "address": {"street": "Jl. Uji 1", "rt": "001", "rw": "001",
                                                          "village_code": "32.01.01.1002"}}})


def test_a_handler_that_keeps_failing_is_parked_with_its_error_and_an_operator_replays_it(suite):
    application_id = str(uuid.uuid4())
    enrolled = CloudEvent.new(source="/ektp/biometrics", type=f"{TYPE_PREFIX}.biometrics.enrolled.v1",
                              correlationid=application_id, subject=application_id,
                              data={"application_id": application_id, "reference_id": str(uuid.uuid4()),
                                    "enrolled_at": "2026-11-27T10:00:00+00:00", "fingers_enrolled": 2})
    publish_with_pika(suite, enrolled.type, json.dumps(enrolled.to_dict()).encode())
    printing = suite.journey.at.printing

    def parked() -> list[dict]:
        listed = requests.get(f"{printing}/v1/admin/parking", headers=admin(suite)).json()["messages"]
        return [m for m in listed if m["message_id"] and m["event_type"] == enrolled.type and m["attempts"] >= 1]

    found = wait_until(parked, timeout=30, what="the failing event in printing's parking lot")
    assert found[0]["reason"] == "handler_failed"
    assert "LookupError" in found[0]["error"] and "verified card data" in found[0]["error"]
    assert found[0]["attempts"] == 3, "two retries (1 s, 2 s), then parked"

    verified = _verified_event(application_id)
    publish_with_pika(suite, verified.type, json.dumps(verified.to_dict()).encode())
    card_url = f"{printing}/v1/cards/{application_id}"
    wait_until(lambda: requests.get(card_url, headers=suite.journey.token("print_operator")).status_code == 200,
               what="the verified card data")
    replayed = requests.post(f"{printing}/v1/admin/parking/replay", json={"message_ids": [found[0]["message_id"]]},
                             headers=admin(suite)).json()
    assert replayed == {"replayed": 1}
    wait_until(lambda: requests.get(card_url, headers=suite.journey.token("print_operator")).json()["state"]
               == "QUEUED_FOR_PRINT", what="the replayed event to take effect")
    assert not parked()


def test_another_teams_event_is_consumed_and_an_invalid_one_is_parked_with_its_reason(suite):
    application_id = str(uuid.uuid4())
    event = _verified_event(application_id).to_dict()
    # The AMQP binary content mode of CloudEvents: attributes in headers, the data alone in the body.
    headers = {f"cloudEvents:{k}": v for k, v in event.items() if k not in {"data", "datacontenttype"}}
    publish_with_pika(suite, event["type"], json.dumps(event["data"]).encode(), content_type="application/json",
                      headers=headers)
    wait_until(lambda: requests.get(f"{suite.journey.at.printing}/v1/cards/{application_id}",
                                    headers=suite.journey.token("print_operator")).status_code == 200,
               what="the card data from the other team's event")

    broken = _verified_event(str(uuid.uuid4())).to_dict()
    del broken["data"]["receipt_number"]
    publish_with_pika(suite, broken["type"], json.dumps(broken).encode())
    publish_with_pika(suite, broken["type"], b"this is not json", content_type="text/plain")

    def reasons() -> list[str]:
        listed = requests.get(f"{suite.journey.at.printing}/v1/admin/parking", headers=admin(suite)).json()["messages"]
        return [m["error"] for m in listed if m["reason"] == "invalid"]

    found = wait_until(lambda: len(reasons()) >= 2 and reasons(), timeout=20, what="two invalid messages parked")
    assert any("receipt_number" in reason and "Missing data" in reason for reason in found)
    assert any("not JSON" in reason for reason in found)


def test_metrics_show_the_journey(suite, journey):
    _, result = journey
    for name in CONSUMERS:
        api = requests.get(f"{suite.cluster.url(name)}/metrics").text
        if name != "notify":  # the journey calls every API but notify's (its log is read by another test)
            assert total(api, "ektp_http_requests_total", service=name) > 0
            assert "ektp_http_request_duration_seconds_bucket" in api
        assert samples(api, "ektp_outbox_backlog"), f"{name} exports its outbox backlog"
        worker = worker_metrics(suite, name)
        assert total(worker, "ektp_events_consumed_total", service=name) > 0
        assert "ektp_event_handler_duration_seconds_bucket" in worker
    for producer in ("intake", "verification", "biometrics", "printing"):
        assert total(worker_metrics(suite, producer), "ektp_events_published_total", service=producer) > 0
    intake = requests.get(f"{suite.cluster.url('intake')}/metrics").text
    assert total(intake, "ektp_applications", stage="COLLECTED") >= 1
    assert total(worker_metrics(suite, "intake"), "ektp_application_stage_duration_seconds_count") > 0
    assert total(worker_metrics(suite, "notify"), "ektp_notifications_total", outcome="accepted") >= 8


def test_the_logs_of_the_journey_hold_no_personal_data(suite, journey):
    person, _ = journey
    applicant = person.application["applicant"]
    secrets = [applicant["nik"], applicant["kk_number"], applicant["full_name"], "siti.aminah@example.org",
               "81234567890", applicant["address"]["street"]]
    logs = "".join(path.read_text(errors="replace") for path in suite.cluster.run_dir.glob("*.log"))
    assert len(logs) > 1000, "the services did log"
    for secret in secrets:
        assert secret not in logs


def test_the_rate_limit_counts_are_shared_in_redis_and_hold_no_nik(suite, journey):
    """Both gunicorn processes of intake count in the machine's Redis, under this run's namespace; a NIK is
    counted by its keyed hash only."""
    import redis

    person, _ = journey
    keys = [key.decode() for key in redis.Redis.from_url(infra.REDIS_URL).scan_iter(match=f"*{suite.namespace}:intake*")]
    assert any("citizen.request_code" in key for key in keys), keys
    assert any("/nik:" in key and "applications.create" in key for key in keys), "the per-NIK limits are counted too"
    assert not any(person.nik in key for key in keys)


def test_a_citizen_applies_in_the_browser_and_watches_the_card_reach_their_hands(suite, browser):
    person = sample_person(random.Random(2026), "Jacques_Chirac", (105, 106), email="portal@example.org",
                           phone="081277700011")
    phone = person.application["contact"]["phone"]
    journey = suite.journey
    seen = len(journey.mailbox.texts(SMS, phone))
    with tours(browser, None) as tour_of:
        tour = tour_of(suite.cluster.url("portal"))
        receipt = apply(tour, person, lambda: new_code(journey.mailbox, SMS, phone, seen, timeout=60))
        page = tour.page
        application_id = page.url.split("/")[-2]

        journey.sign_in(person)  # the officers' side below waits on intake's status with a citizen token
        journey.approve(application_id)
        tour.go(f"/permohonan/{application_id}")
        expect(page.locator("main")).to_contain_text("pukul")  # the capture appointment, in the office's time
        tour.check("status-appointment")
        journey.capture(application_id, person)
        journey.collect(application_id, receipt, person.nik)
        journey.wait_for_status(application_id, "COLLECTED")

        tour.go(f"/permohonan/{application_id}")
        expect(page.locator("h1")).to_have_text("Sudah diambil")
        timeline = page.locator(".timeline li")
        expect(timeline).to_have_count(len(journey.status(application_id)["timeline"]))
        tour.check("status-collected")

        stranger = tour_of(suite.cluster.url("portal"))
        stranger.go("/lacak")
        stranger.page.fill("#receipt_number", receipt)
        stranger.page.fill("#nik", person.nik)
        stranger.page.click("button:has-text('Lacak')")
        expect(stranger.page.locator("#hasil")).to_have_text("Sudah diambil")


def parked_in(suite, service: str, reason: str) -> list[dict]:
    listed = requests.get(f"{suite.cluster.url(service)}/v1/admin/parking", headers=admin(suite)).json()["messages"]
    return [m for m in listed if m["reason"] == reason]


def test_poisonous_messages_are_parked_with_their_reason_and_a_journey_still_reaches_collected(suite):
    """A message nested 100 000 deep (it used to kill the consumer thread with RecursionError), one of 20 MB
    and one that is not UTF-8, on a routing key printing consumes: each parked with its reason, and the
    workers go on consuming."""
    verified = f"{TYPE_PREFIX}.application.verified.v1"
    before = len(parked_in(suite, "printing", "invalid"))
    poison = {"nested": b'{"data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
              "huge": b'{"data": "' + b"x" * (20 * 1024 * 1024) + b'"}',
              "not utf-8": b'{"id": "\xff\xfe\xfd", "type": "' + verified.encode() + b'"}'}
    for body in poison.values():
        publish_with_pika(suite, verified, body, signed_by=None)
    found = wait_until(lambda: len(parked := parked_in(suite, "printing", "invalid")) >= before + 3 and parked,
                       timeout=60, what="the three poisonous messages in printing's parking lot")
    errors = [m["error"] for m in found]
    assert any("nested more than 32 deep" in e for e in errors)
    assert any("over the limit of 1048576" in e for e in errors)
    assert any("not JSON" in e and "utf-8" in e.lower() for e in errors)

    person = sample_person(random.Random(17), "Gerhard_Schroeder", (109, 110), email="tahan@example.org",
                           phone="081355554444")
    assert suite.journey.run(person)["status"] == "COLLECTED"
    for name in CONSUMERS:
        assert requests.get(f"http://127.0.0.1:{suite.cluster.metrics_ports[name]}/healthz").status_code == 200, name


def test_a_forged_verification_is_refused_by_the_broker_or_parked_unauthenticated_and_no_card_is_made(suite):
    application_id = str(uuid.uuid4())
    forged = _verified_event(application_id).to_dict()
    body = json.dumps(forged).encode()
    # From another producer's broker user (intake's): RabbitMQ refuses the routing key, and the default exchange.
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as refused:
        publish_with_pika(suite, forged["type"], body, url=suite.cluster.broker_urls["intake"])
    assert refused.value.reply_code == 403 and "access to topic" in refused.value.reply_text
    connection = pika_connection(suite, suite.cluster.broker_urls["intake"])
    channel = connection.channel()
    channel.confirm_delivery()
    with pytest.raises(pika.exceptions.ChannelClosedByBroker, match="amq.default"):
        channel.basic_publish("", f"{suite.namespace}.printing", body, pika.BasicProperties(delivery_mode=2))
    connection.close()

    # With a broker account that may publish it (here the administrator's), unsigned or signed by the wrong key.
    before = total(worker_metrics(suite, "printing"), "ektp_events_parked_total", reason="unauthenticated")
    publish_with_pika(suite, forged["type"], body, signed_by=None)
    publish_with_pika(suite, forged["type"], body, signed_by="intake")
    wait_until(lambda: total(worker_metrics(suite, "printing"), "ektp_events_parked_total",
                             reason="unauthenticated") >= before + 2, what="printing to park the forged events")
    # Listing reads every parked message (the previous test parked one of 20 MB): once, when both are there.
    found = [p for p in parked_in(suite, "printing", "unauthenticated") if p["event_type"] == forged["type"]]
    assert len(found) >= 2
    assert {m["error"].split(":")[0] for m in found} == {"unauthenticated"}
    assert any("not signed" in m["error"] for m in found) and any("not verification's" in m["error"] for m in found)
    card = requests.get(f"{suite.journey.at.printing}/v1/cards/{application_id}", headers=suite.journey.token("print_operator"))
    assert card.status_code == 404, "no card for a forged verification"
