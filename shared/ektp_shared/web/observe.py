"""What every web process of the platform (a service's API, a site) does around each request: JSON-log
context, and the request counter and latency histogram labelled by route template (never an id)."""
from __future__ import annotations

import time

from flask import Flask, Response, g, request

from .. import logs, metrics, tracing
from ..settings import Settings

UNOBSERVED_ROUTES = frozenset({"/metrics", "/healthz", "/readyz"})


def observe_requests(app: Flask, name: str) -> None:
    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()
        logs.current_service.set(name)
        logs.correlation_id.set(None)  # routes set it once they know the application

    @app.after_request
    def _observe(response: Response) -> Response:
        route = request.url_rule.rule if request.url_rule else "unmatched"
        if route not in UNOBSERVED_ROUTES:
            metrics.HTTP_REQUESTS.labels(name, route, request.method, str(response.status_code)).inc()
            metrics.HTTP_LATENCY.labels(name, route, request.method).observe(
                time.perf_counter() - g.get("started", time.perf_counter()), metrics.exemplar(tracing.trace_ids()))
        return response


def serve_as_site(app: Flask, name: str, content_security_policy: str, settings: Settings | None = None) -> None:
    """What every site (the portal, the console) does beside its pages: request metrics and traces, /healthz
    and /metrics, and the headers of pages that hold personal data (never cached, never framed, scripts and
    styles only from the site itself)."""
    if settings is not None:
        tracing.instrument_app(app, tracing.provider_for(name, settings))
    observe_requests(app, name)

    @app.after_request
    def _headers(response: Response) -> Response:
        # Pages are personal: never cached by a proxy or kept in a shared device's back history.
        if request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Content-Security-Policy", content_security_policy)
        return response

    @app.route("/healthz")
    def healthz():
        return {"status": "alive", "service": name}

    @app.route("/metrics")
    def metrics_endpoint():
        body, content_type = metrics.exposition(name, [], request.headers.get("Accept", ""))
        return Response(body, content_type=content_type)
