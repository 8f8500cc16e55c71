"""Tracing, embedded profile: one application's journey — submit, verification, capture, print, notify — is one
trace through all five services, followed across HTTP and the bus (an in-memory exporter receives the spans).
The real profile's processes send theirs over OTLP/HTTP (tests/test_real_profile.py)."""
from __future__ import annotations

import os
import random
import time

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import select

from ektp_launcher.embedded import Suite
from ektp_launcher.journey import Endpoints, Journey, sample_person
from ektp_launcher.mailbox import OutboxFolder
from ektp_shared import tracing
from ektp_shared.testing.ports import free_port
from ektp_shared.testing.traces import SERVICES, Trace, assert_one_trace_through_the_bus, client_root, from_sdk

pytestmark = pytest.mark.slow


@pytest.fixture
def traced_suite(tmp_path):
    exporter = InMemorySpanExporter()
    processor = tracing.export_to(exporter)
    ports = {name: free_port() for name in SERVICES}
    environ = {**os.environ, "EKTP_DATA_DIR": str(tmp_path / "var"),
               "EKTP_PRINTING_PRINTER_URI": f"cardprinter://127.0.0.1:{free_port()}",
               "EKTP_PORTAL_HTTP_PORT": str(free_port()), "EKTP_CONSOLE_HTTP_PORT": str(free_port()),
               **{f"EKTP_{name.upper()}_HTTP_PORT": str(port) for name, port in ports.items()},
               **{f"EKTP_{name.upper()}_URL": f"http://127.0.0.1:{port}" for name, port in ports.items()}}
    suite = Suite(environ).start()
    try:
        yield suite, exporter, Endpoints(*(f"http://127.0.0.1:{ports[name]}" for name in SERVICES)), tmp_path / "var"
    finally:
        suite.stop()
        tracing.stop_exporting(processor)


def wait_for_trace(exporter: InMemorySpanExporter, trace_id: str, timeout: float = 60) -> Trace:
    deadline = time.monotonic() + timeout
    while not (found := Trace([from_sdk(s) for s in exporter.get_finished_spans()], trace_id)).ready():
        assert time.monotonic() < deadline, f"the trace never reached every service: {sorted(found.consumers())}"
        time.sleep(0.2)
    return found


def test_one_applications_journey_is_one_trace_through_all_five_services(traced_suite):
    suite, exporter, endpoints, data = traced_suite
    journey = Journey(endpoints, OutboxFolder(data / "outbox"), timeout=60)
    with client_root(journey.http) as (trace_id, root_span_id):
        result = journey.run(sample_person(random.Random(15), "Colin_Powell", (101, 102), email="siti@example.org"))
    assert result["status"] == "COLLECTED"

    found = wait_for_trace(exporter, trace_id)
    assert_one_trace_through_the_bus(found, root_span_id)
    # The database work is in the trace too, statement by statement, under the request or handling that did it.
    assert {s.service for s in found.spans if s.kind == "client" and s.name.split()[0] in {"SELECT", "INSERT", "UPDATE"}} \
        >= set(SERVICES)
    # A service fetching from another (printing the portrait from biometrics) carries the trace over HTTP.
    portrait = next(s for s in found.spans if s.service == "biometrics" and s.kind == "server" and "/portrait" in s.name)
    assert found.by_id[portrait.parent_id].kind == "client"

    # The events on the bus carry it as the CloudEvents distributed-tracing extension, written with the outbox row.
    for runtime in suite.runtimes:
        outbox = runtime.spec.messaging.outbox
        with runtime.engine.connect() as connection:
            envelopes = [e for e in connection.execute(select(outbox.c.envelope)).scalars()
                         if e["correlationid"] == result["application_id"]]
        assert all(e["traceparent"].split("-")[1] == trace_id for e in envelopes), runtime.name
