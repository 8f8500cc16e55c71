"""Traces with OpenTelemetry: one trace follows an application across HTTP and the bus.

Tracing is on when ``EKTP_OTLP_ENDPOINT`` names an OTLP/HTTP receiver (a collector), or when a test added an
exporter (``export_to``). Off, nothing is instrumented and no span is made: no cost.

On, each service gets a tracer provider of its own (its ``service.name``; the embedded profile runs five
services in one process) sharing the process's span processors. Flask requests, SQLAlchemy statements and
outgoing ``requests`` calls are spans; an emitted event carries the emitting span's context in its envelope
(the CloudEvents distributed-tracing extension: ``traceparent``, ``tracestate``), written with the outbox
row, so the relay's send and every consumer's handling continue the trace that emitted it.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from .settings import Settings

if TYPE_CHECKING:  # the SDK is imported only when tracing is on
    from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter

log = logging.getLogger(__name__)
TRACE_ATTRIBUTES = ("traceparent", "tracestate")  # the CloudEvents distributed-tracing extension
UNTRACED_PATHS = "healthz,readyz,metrics"
_PROPAGATOR = TraceContextTextMapPropagator()
_lock = threading.Lock()
_processors: dict[str, SpanProcessor] = {}  # the process's span processors, by what they export to
_requests_instrumented = False


def export_to(exporter: SpanExporter) -> SpanProcessor:
    """Send the spans of every service set up from now on to ``exporter`` too (a test's in-memory exporter)."""
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor

    processor = SimpleSpanProcessor(exporter)
    with _lock:
        _processors[f"exporter:{id(exporter)}"] = processor
    return processor


def stop_exporting(processor: SpanProcessor) -> None:
    """Undo ``export_to``; with no exporter left, outgoing ``requests`` calls are no longer traced either."""
    global _requests_instrumented
    with _lock:
        for name, known in list(_processors.items()):
            if known is processor:
                del _processors[name]
        if _processors or not _requests_instrumented:
            return
        _requests_instrumented = False
    from opentelemetry.instrumentation.requests import RequestsInstrumentor

    RequestsInstrumentor().uninstrument()


def _otlp_processor(endpoint: str) -> SpanProcessor:
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    with _lock:
        if endpoint not in _processors:
            url = endpoint.rstrip("/") + "/v1/traces"
            _processors[endpoint] = BatchSpanProcessor(OTLPSpanExporter(endpoint=url), schedule_delay_millis=1000)
        return _processors[endpoint]


def provider_for(service: str, settings: Settings) -> TracerProvider | None:
    """The tracer provider of ``service`` in this process, or None when tracing is off."""
    if settings.otlp_endpoint:
        _otlp_processor(settings.otlp_endpoint)
    with _lock:
        processors = list(_processors.values())
    if not processors:
        return None
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

    provider = TracerProvider(resource=Resource.create({"service.name": service, "service.namespace": "ektp"}),
                              sampler=ParentBased(TraceIdRatioBased(settings.tracing_sample_ratio)))
    for processor in processors:
        provider.add_span_processor(processor)
    _instrument_requests(provider)
    return provider


def _instrument_requests(provider: TracerProvider) -> None:
    """Outgoing ``requests`` calls carry ``traceparent``; instrumented once per process (the first service's
    provider names their spans in the embedded profile)."""
    global _requests_instrumented
    with _lock:
        if _requests_instrumented:
            return
        _requests_instrumented = True
    from opentelemetry.instrumentation.requests import RequestsInstrumentor

    RequestsInstrumentor().instrument(tracer_provider=provider)


def instrument_engine(engine: Any, provider: TracerProvider | None) -> None:
    """Every SQL statement of ``engine`` a span (the statement's text; bound values are never recorded)."""
    if provider is None:
        return
    from opentelemetry.instrumentation.sqlalchemy import __version__
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
    from opentelemetry.metrics import NoOpMeterProvider

    connections = NoOpMeterProvider().get_meter("ektp").create_up_down_counter("db.client.connections.usage")
    EngineTracer(provider.get_tracer("opentelemetry.instrumentation.sqlalchemy", __version__), engine, connections)


def instrument_app(app: Any, provider: TracerProvider | None) -> None:
    """Every Flask request a server span, continuing the caller's ``traceparent`` (probes are not traced)."""
    if provider is None:
        return
    from opentelemetry.instrumentation.flask import FlaskInstrumentor

    FlaskInstrumentor.instrument_app(app, tracer_provider=provider, excluded_urls=UNTRACED_PATHS, enable_commenter=False)


def tracer(provider: TracerProvider | None) -> Tracer | None:
    return provider.get_tracer("ektp_shared") if provider is not None else None


def current_context() -> dict[str, str]:
    """``traceparent`` (and ``tracestate``) of the current span, for an emitted event's envelope; empty when
    no span is recording (tracing off)."""
    if not trace.get_current_span().get_span_context().is_valid:
        return {}
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    return {name: carrier[name] for name in TRACE_ATTRIBUTES if carrier.get(name)}


def parent_of(envelope: Mapping[str, Any]) -> otel_context.Context:
    """The trace context an event was emitted in (an invalid or missing ``traceparent`` starts a new trace)."""
    carrier = {name: envelope[name] for name in TRACE_ATTRIBUTES if isinstance(envelope.get(name), str)}
    return _PROPAGATOR.extract(carrier, context=otel_context.Context())


@contextmanager
def event_span(tracer_: Tracer | None, operation: str, kind: SpanKind, envelope: Mapping[str, Any], event_key: str,
               destination: str) -> Iterator[trace.Span | None]:
    """A span of one event (``send`` by the relay, ``process`` by a consumer), child of the emitting span;
    nothing when tracing is off."""
    if tracer_ is None:
        yield None
        return
    attributes = {"messaging.system": "rabbitmq", "messaging.operation.type": operation,
                  "messaging.destination.name": destination, "messaging.message.id": str(envelope.get("id", "")),
                  "cloudevents.event_type": str(envelope.get("type", "")), "ektp.event": event_key}
    with tracer_.start_as_current_span(f"{operation} {event_key}", context=parent_of(envelope), kind=kind,
                                       attributes=attributes) as span:
        yield span


@contextmanager
def resumed(tracer_: Tracer | None, name: str, traceparent: str | None) -> Iterator[trace.Span | None]:
    """A span of deferred work (a queued print job) in the trace that asked for it, whose ``traceparent`` was
    stored with the work; nothing when tracing is off."""
    if tracer_ is None:
        yield None
        return
    with tracer_.start_as_current_span(name, context=parent_of({"traceparent": traceparent} if traceparent else {})) as span:
        yield span


def start_sends(tracer_: Tracer | None, envelopes: list[Mapping[str, Any]], destination: str) -> list[trace.Span]:
    """The relay's ``send`` span of each event of a batch (children of their emitting spans), ended by
    ``end_sends`` once the broker confirmed the batch: the gap to the emitting span is the outbox's delay."""
    if tracer_ is None:
        return []
    return [tracer_.start_span(f"send {envelope.get('type', '')}", context=parent_of(envelope), kind=SpanKind.PRODUCER,
                               attributes={"messaging.system": "rabbitmq", "messaging.operation.type": "send",
                                           "messaging.destination.name": destination,
                                           "messaging.message.id": str(envelope.get("id", "")),
                                           "cloudevents.event_type": str(envelope.get("type", ""))})
            for envelope in envelopes]


def end_sends(spans: list[trace.Span], error: BaseException | None = None) -> None:
    for span in spans:
        if error is not None:
            span.record_exception(error)
            span.set_status(trace.Status(trace.StatusCode.ERROR, type(error).__name__))
        span.end()


def trace_ids() -> tuple[str, str] | None:
    """The current trace and span id (hex), for logs and exemplars; None outside a recorded span."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid or not context.trace_flags.sampled:
        return None
    return format(context.trace_id, "032x"), format(context.span_id, "016x")


def shutdown() -> None:
    """Export what is buffered (a stopping process)."""
    with _lock:
        processors = list(_processors.values())
    for processor in processors:
        processor.force_flush(5000)
