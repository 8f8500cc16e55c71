"""A receiver of OpenTelemetry traces over OTLP/HTTP (what a collector's ``otlphttp`` receiver does), served
over real HTTP: ``POST /v1/traces`` with an ``ExportTraceServiceRequest`` in protobuf (gzip or not) answers
an empty ``ExportTraceServiceResponse``; the spans are kept for a test to read.

    with OtlpReceiver() as receiver:
        ... services run with EKTP_OTLP_ENDPOINT=receiver.url ...
        spans = receiver.wait_for(lambda spans: ..., timeout=30)
"""
from __future__ import annotations

import dataclasses
import gzip
from collections.abc import Callable

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest, ExportTraceServiceResponse
from opentelemetry.proto.trace.v1.trace_pb2 import Span as SpanMessage
from werkzeug.wrappers import Request, Response

from .http_peer import HttpPeer

PROTOBUF = "application/x-protobuf"
KINDS = {SpanMessage.SPAN_KIND_SERVER: "server", SpanMessage.SPAN_KIND_CLIENT: "client",
         SpanMessage.SPAN_KIND_PRODUCER: "producer", SpanMessage.SPAN_KIND_CONSUMER: "consumer",
         SpanMessage.SPAN_KIND_INTERNAL: "internal"}


@dataclasses.dataclass(frozen=True)
class ReceivedSpan:
    service: str
    name: str
    kind: str  # server, client, producer, consumer, internal
    trace_id: str  # hex
    span_id: str
    parent_id: str  # "" for a root
    attributes: dict


def spans_of(request: ExportTraceServiceRequest) -> list[ReceivedSpan]:
    found = []
    for resource_spans in request.resource_spans:
        resource = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                attributes = {a.key: getattr(a.value, a.value.WhichOneof("value") or "string_value") for a in span.attributes}
                found.append(ReceivedSpan(resource.get("service.name", ""), span.name, KINDS.get(span.kind, "unspecified"),
                                          span.trace_id.hex(), span.span_id.hex(), span.parent_span_id.hex(), attributes))
    return found


class OtlpReceiver(HttpPeer[ReceivedSpan]):
    thread_name = "otlp-receiver"

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        super().__init__(host, port)
        self.requests = 0

    @property
    def spans(self) -> list[ReceivedSpan]:
        return self.received

    def wait_for(self, done: Callable[[list[ReceivedSpan]], bool], timeout: float = 30) -> list[ReceivedSpan]:
        """The spans received once ``done(spans)`` holds; AssertionError after ``timeout`` seconds."""
        return self._wait_until(done, timeout, "spans that satisfy the wait")

    @Request.application
    def app(self, request: Request) -> Response:
        if request.path != "/v1/traces" or request.method != "POST":
            return Response("not found", status=404)
        if request.mimetype != PROTOBUF:
            return Response(f"Content-Type must be {PROTOBUF}", status=415)
        body = request.get_data()
        if request.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        export = ExportTraceServiceRequest()
        try:
            export.ParseFromString(body)
        except Exception:  # a malformed export is the sender's error, answered as a collector would
            return Response("not an ExportTraceServiceRequest", status=400)
        with self._lock:
            self.requests += 1
            self._receive(*spans_of(export))
        answer = ExportTraceServiceResponse().SerializeToString()
        return Response(answer, content_type=PROTOBUF)
