"""Tracing's own rules: an event carries the trace it was emitted in (and nothing when tracing is off), a
consumer continues that trace, a malformed ``traceparent`` starts a new one instead of refusing the event, and
log lines and latency exemplars name the trace an SRE can open."""
import io
import json
import logging

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from ektp_shared import logs, metrics, tracing
from ektp_shared.contracts import CloudEvent, load_envelope
from ektp_shared.contracts.verification import APPLICATION_VERIFIED


def traced() -> tuple[TracerProvider, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": "printing"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider, exporter


def event(**trace: str) -> dict:
    return CloudEvent.new(source="/ektp/verification", type=APPLICATION_VERIFIED.type, correlationid="app-1",
                          data={}, trace=trace).to_dict()


def test_an_event_emitted_without_tracing_has_no_trace_attributes():
    envelope = event()
    assert "traceparent" not in envelope and "tracestate" not in envelope
    assert tracing.current_context() == {}


def test_an_event_emitted_in_a_span_carries_it_and_its_consumer_continues_it():
    provider, exporter = traced()
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span("submit") as emitting:
        envelope = event(**tracing.current_context())
    trace_id = format(emitting.get_span_context().trace_id, "032x")
    version, carried_trace, carried_span, flags = envelope["traceparent"].split("-")
    assert (version, carried_trace, carried_span) == ("00", trace_id, format(emitting.get_span_context().span_id, "016x"))
    assert int(flags, 16) & 1, "sampled: the consumer records its part too"
    assert load_envelope(json.loads(json.dumps(envelope))).traceparent == envelope["traceparent"]

    with tracing.event_span(tracer, "process", SpanKind.CONSUMER, envelope, "application.verified.v1", "ektp.printing"):
        pass
    handled = exporter.get_finished_spans()[-1]
    assert handled.name == "process application.verified.v1" and handled.kind is SpanKind.CONSUMER
    assert handled.context.trace_id == emitting.get_span_context().trace_id
    assert handled.parent.span_id == emitting.get_span_context().span_id
    assert handled.attributes["messaging.message.id"] == envelope["id"]


def test_a_malformed_traceparent_starts_a_new_trace_and_the_event_is_still_read():
    provider, exporter = traced()
    envelope = event(traceparent="00-not-a-trace-01")
    assert load_envelope(envelope).traceparent == "00-not-a-trace-01"
    with tracing.event_span(provider.get_tracer("test"), "process", SpanKind.CONSUMER, envelope, "x", "q"):
        pass
    assert exporter.get_finished_spans()[-1].parent is None


def test_a_log_line_in_a_span_names_its_trace_and_one_outside_names_none():
    provider, _ = traced()
    stream = io.StringIO()
    logger = logging.getLogger("test.tracing")
    logger.addHandler(logs.json_handler(stream))
    logger.setLevel(logging.INFO)
    try:
        with provider.get_tracer("test").start_as_current_span("handle") as span:
            logger.info("card printed")
        logger.info("idle")
    finally:
        logger.handlers.clear()
    inside, outside = (json.loads(line) for line in stream.getvalue().splitlines())
    assert inside["trace_id"] == format(span.get_span_context().trace_id, "032x")
    assert inside["span_id"] == format(span.get_span_context().span_id, "016x")
    assert outside["trace_id"] is None


def test_the_handler_latency_histogram_shows_the_trace_of_an_observation_to_openmetrics_scrapers():
    provider, _ = traced()
    with provider.get_tracer("test").start_as_current_span("handle") as span:
        metrics.HANDLER_LATENCY.labels("tracing-test", "card.printed.v1").observe(0.042, metrics.exemplar(tracing.trace_ids()))
    trace_id = format(span.get_span_context().trace_id, "032x")
    body, content_type = metrics.exposition("tracing-test", [], "application/openmetrics-text; version=1.0.0")
    assert content_type.startswith("application/openmetrics-text")
    bucket = next(line for line in body.decode().splitlines()
                  if line.startswith('ektp_event_handler_duration_seconds_bucket{event="card.printed.v1",le="0.05"'))
    assert f'# {{span_id="{format(span.get_span_context().span_id, "016x")}",trace_id="{trace_id}"}} 0.042' in bucket
    # A plain Prometheus scrape gets the classic text format, without exemplars.
    plain, plain_type = metrics.exposition("tracing-test", [])
    assert plain_type.startswith("text/plain") and trace_id not in plain.decode()
