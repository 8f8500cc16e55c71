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
import threading
import time
from collections.abc import Callable

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest, ExportTraceServiceResponse
from opentelemetry.proto.trace.v1.trace_pb2 import Span as SpanMessage
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

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


class OtlpReceiver:
    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.host = host
        self.port = port
        self.requests = 0
        self._spans: list[ReceivedSpan] = []
        self._lock = threading.Condition()
        self._server = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """What ``EKTP_OTLP_ENDPOINT`` names (the exporter posts to ``<url>/v1/traces``)."""
        return f"http://{self.host}:{self.port}"

    @property
    def spans(self) -> list[ReceivedSpan]:
        with self._lock:
            return list(self._spans)

    def wait_for(self, done: Callable[[list[ReceivedSpan]], bool], timeout: float = 30) -> list[ReceivedSpan]:
        """The spans received once ``done(spans)`` holds; AssertionError after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while not done(list(self._spans)):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"the spans received in {timeout:.0f}s ({len(self._spans)}) never satisfied the wait")
                self._lock.wait(min(left, 0.5))
            return list(self._spans)

    def _app(self, environ, start_response):  # noqa: ANN001  (WSGI)
        request = Request(environ)
        if request.path != "/v1/traces" or request.method != "POST":
            return Response("not found", status=404)(environ, start_response)
        if request.mimetype != PROTOBUF:
            return Response(f"Content-Type must be {PROTOBUF}", status=415)(environ, start_response)
        body = request.get_data()
        if request.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        export = ExportTraceServiceRequest()
        try:
            export.ParseFromString(body)
        except Exception:  # a malformed export is the sender's error, answered as a collector would
            return Response("not an ExportTraceServiceRequest", status=400)(environ, start_response)
        with self._lock:
            self.requests += 1
            self._spans.extend(spans_of(export))
            self._lock.notify_all()
        answer = ExportTraceServiceResponse().SerializeToString()
        return Response(answer, content_type=PROTOBUF)(environ, start_response)

    def start(self) -> "OtlpReceiver":
        self._server = make_server(self.host, self.port, self._app, threaded=True)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, name="otlp-receiver", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server = None

    def __enter__(self) -> "OtlpReceiver":
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
