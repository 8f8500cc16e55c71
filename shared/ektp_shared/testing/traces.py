"""Reading a journey's trace in a test: the spans one trace holds, whichever way they were exported (an
in-memory exporter in the embedded profile, OTLP/HTTP to a receiver from the real profile's processes)."""
from __future__ import annotations

import contextlib
import dataclasses
import secrets
from collections.abc import Iterator
from typing import Any

SERVICES = ("intake", "verification", "biometrics", "printing", "notify")


@dataclasses.dataclass(frozen=True)
class TraceSpan:
    service: str
    name: str
    kind: str  # server, client, producer, consumer, internal
    trace_id: str  # hex
    span_id: str
    parent_id: str  # "" for a root


def from_sdk(span: Any) -> TraceSpan:
    """An OpenTelemetry SDK ``ReadableSpan`` (what an in-memory exporter holds)."""
    parent = span.parent.span_id if span.parent is not None else 0
    return TraceSpan(str(span.resource.attributes.get("service.name", "")), span.name, span.kind.name.lower(),
                     format(span.context.trace_id, "032x"), format(span.context.span_id, "016x"),
                     format(parent, "016x") if parent else "")


def from_otlp(span: Any) -> TraceSpan:
    """A span as an OTLP receiver decoded it (``ektp_peers.otlp.ReceivedSpan``)."""
    return TraceSpan(span.service, span.name, span.kind, span.trace_id, span.span_id, span.parent_id)


class Trace:
    def __init__(self, spans: list[TraceSpan], trace_id: str):
        self.spans = [span for span in spans if span.trace_id == trace_id]
        self.by_id = {span.span_id: span for span in self.spans}

    def handled(self, event_key: str, service: str) -> TraceSpan | None:
        """The span of ``service`` handling the event ``event_key`` (``card.printed.v1``)."""
        return next((s for s in self.spans if s.kind == "consumer" and s.service == service
                     and s.name == f"process {event_key}"), None)

    def consumers(self) -> set[str]:
        return {span.service for span in self.spans if span.kind == "consumer"}

    def ancestry(self, span: TraceSpan) -> list[TraceSpan]:
        """``span`` and its parents up to the first one outside the trace's spans (the client's root)."""
        chain = [span]
        while chain[-1].parent_id in self.by_id:
            chain.append(self.by_id[chain[-1].parent_id])
        return chain

    def orphans(self, root_span_id: str) -> list[TraceSpan]:
        """Spans whose parent is neither in the trace nor the client's root: a break in the propagation."""
        return [s for s in self.spans if s.parent_id and s.parent_id not in self.by_id and s.parent_id != root_span_id]

    def ready(self) -> bool:
        """Every service's handling, up to notify's of the collected card, has arrived."""
        return self.consumers() >= set(SERVICES) and self.handled("card.collected.v1", "notify") is not None \
            and self.handled("card.ready_for_pickup.v1", "notify") is not None

    def complete(self, root_span_id: str) -> bool:
        """Ready, and every span's parent has arrived too: processes export in batches, seconds apart, so a
        child can arrive before its parent."""
        return self.ready() and not self.orphans(root_span_id)


def print_path(chain: list[TraceSpan]) -> list[str]:
    return [f"{span.service}: {span.name}" for span in chain]


def assert_one_trace_through_the_bus(found: Trace, root_span_id: str) -> None:
    """What an SRE following one slow application sees: every service handled its events in the trace, each
    handling continued the span that emitted the event, and nothing fell out of the trace."""
    assert found.consumers() == set(SERVICES)
    orphans = found.orphans(root_span_id)
    assert orphans == [], [f"{s.service}: {s.kind} {s.name} (parent {s.parent_id} never arrived)" for s in orphans]
    for span in found.spans:
        if span.kind == "consumer":  # the parent is the emitting span (the CloudEvent's traceparent), never the relay's send
            assert found.by_id[span.parent_id].kind != "producer", span
    # Card ready → notify: notify's handling descends from printing's print job, queued by printing's handling of
    # the enrolment, which biometrics made after the 1:N search the operator's capture asked for.
    path = print_path(found.ancestry(found.handled("card.ready_for_pickup.v1", "notify")))
    assert path[0] == "notify: process card.ready_for_pickup.v1"
    assert "printing: print card" in path
    assert "printing: process biometrics.enrolled.v1" in path
    assert "biometrics: process biometrics.identify_requested.v1" in path
    assert "biometrics: POST /v1/enrolments/<application_id>/capture" in path
    assert found.ancestry(found.handled("card.ready_for_pickup.v1", "notify"))[-1].parent_id == root_span_id
    # Submit → verification: verification's case was opened in the span of the citizen's submit.
    opened = print_path(found.ancestry(found.handled("application.submitted.v1", "verification")))
    assert opened[1].startswith("intake: POST /v1/applications/") and opened[1].endswith("/submit"), opened


@contextlib.contextmanager
def client_root(session: Any) -> Iterator[tuple[str, str]]:
    """Make ``session``'s requests one trace, as a client that starts it would: its ``traceparent`` header,
    and the current span (where ``requests`` is instrumented in this process, its client spans continue it).
    Yields (trace id, root span id)."""
    from opentelemetry import trace

    trace_id, span_id = secrets.token_hex(16), secrets.token_hex(8)
    root = trace.NonRecordingSpan(trace.SpanContext(int(trace_id, 16), int(span_id, 16), is_remote=False,
                                                    trace_flags=trace.TraceFlags(trace.TraceFlags.SAMPLED)))
    session.headers["traceparent"] = f"00-{trace_id}-{span_id}-01"
    try:
        with trace.use_span(root):
            yield trace_id, span_id
    finally:
        session.headers.pop("traceparent", None)
