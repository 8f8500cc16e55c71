"""The Flask application every service serves: its blueprints plus what the platform adds —
OpenAPI 3 at ``/openapi.json`` (flask-smorest), JSON errors, request metrics, ``/healthz``, ``/readyz``,
``/metrics``, and a parking-lot admin API."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, jsonify, request
from flask_smorest import Api, Blueprint
from prometheus_client.core import GaugeMetricFamily
from werkzeug.middleware.proxy_fix import ProxyFix

from .. import logs, metrics, tracing
from ..auth import TokenVerifier, requires
from ..messaging import outbox_backlog
from ..service import Runtime, ServiceSpec
from ..settings import Settings
from . import errors
from .observe import observe_requests

BODY_CONTENT_TYPES = ("application/json", "multipart/form-data")
READINESS_CACHE_SECONDS = 2.0


class _Api(Api):
    def _register_error_handlers(self) -> None:
        """Errors are rendered by ``errors.install`` in our one JSON shape, not flask-smorest's."""


def _check_content_type() -> None:
    if request.method in {"POST", "PUT", "PATCH"} and (request.content_length or 0) > 0:
        mimetype = request.mimetype or ""
        if mimetype not in BODY_CONTENT_TYPES:
            raise errors.ApiError(415, "unsupported_media_type",
                                  f"Content-Type must be application/json (or multipart/form-data for uploads), not {mimetype or 'missing'}",
                                  field="Content-Type", location="headers")


def _outbox_collector(runtime: Runtime) -> metrics.ScrapeCollector:
    def collect():
        backlog, oldest_age = outbox_backlog(runtime.engine, runtime.spec.messaging)
        count = GaugeMetricFamily("ektp_outbox_backlog", "Events written but not yet published.", labels=["service"])
        count.add_metric([runtime.name], backlog)
        age = GaugeMetricFamily("ektp_outbox_oldest_age_seconds", "Age of the oldest unpublished event (0 when none).",
                                labels=["service"])
        age.add_metric([runtime.name], oldest_age)
        return [count, age]

    return metrics.ScrapeCollector(collect)


def _platform_blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("platform", __name__, description="Health, metrics and the parking lot of this service.")
    ready_cache: dict[str, Any] = {"at": 0.0, "result": None}

    @blp.route("/healthz")
    @blp.doc(summary="Liveness: the process answers.")
    def healthz():
        return jsonify({"status": "alive", "service": runtime.name})

    @blp.route("/readyz")
    @blp.doc(summary="Readiness: the service's database and the broker answer.")
    def readyz():
        now = time.monotonic()
        if ready_cache["result"] is None or now - ready_cache["at"] > READINESS_CACHE_SECONDS:
            ready_cache.update(at=now, result=runtime.readiness())
        checks, ok = ready_cache["result"]
        return jsonify({"status": "ready" if ok else "not_ready", "checks": checks}), 200 if ok else 503

    @blp.route("/metrics")
    @blp.doc(summary="Prometheus metrics of this service.")
    def metrics_endpoint():
        body, content_type = metrics.exposition(runtime.name, [_outbox_collector(runtime), *runtime.spec.collectors(runtime)],
                                                request.headers.get("Accept", ""))
        return Response(body, content_type=content_type)

    @blp.route("/v1/admin/parking")
    @blp.doc(summary="Messages in this service's parking lot, with the reason and error (admin).",
             security=[{"bearerAuth": []}])
    @requires("admin")
    def parking_list():
        parked = runtime.broker.parked()
        return jsonify({"queue": runtime.topology.parking_queue, "count": len(parked), "messages": [
            {"message_id": m.message_id, "event_type": m.event_type, "reason": m.reason, "error": m.error,
             "attempts": m.attempts} for m in parked]})

    @blp.route("/v1/admin/parking/replay", methods=["POST"])
    @blp.doc(summary="Send parked messages back to the service's queue (all, or `message_ids`) (admin).",
             security=[{"bearerAuth": []}])
    @requires("admin")
    def parking_replay():
        body = request.get_json(silent=True) if request.content_length else None
        ids = (body or {}).get("message_ids")
        if ids is not None and (not isinstance(ids, list) or not all(isinstance(i, str) for i in ids)):
            raise errors.ApiError(422, "validation_failed", "message_ids must be a list of strings", field="message_ids")
        replayed = runtime.broker.replay(ids)
        metrics.EVENTS_REPLAYED.labels(runtime.name).inc(replayed)
        return jsonify({"replayed": replayed})

    return blp


def create_app(runtime: Runtime) -> Flask:
    app = Flask(runtime.name)
    app.config.update(
        API_TITLE=runtime.spec.title, API_VERSION="1", OPENAPI_VERSION="3.0.3", OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json", MAX_CONTENT_LENGTH=runtime.settings.max_upload_bytes, JSON_SORT_KEYS=False,
    )
    app.extensions["ektp_runtime"] = runtime
    app.extensions["ektp_tokens"] = TokenVerifier(runtime.settings)
    api = _Api(app, spec_kwargs={"components": {"securitySchemes": {
        "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}}})
    errors.install(app)
    api.register_blueprint(_platform_blueprint(runtime))
    for blueprint in runtime.spec.blueprints(runtime):
        api.register_blueprint(blueprint)
    runtime.limiter.init_app(app)
    if runtime.settings.trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=runtime.settings.trusted_proxies)  # type: ignore[method-assign]

    tracing.instrument_app(app, runtime.tracing)
    observe_requests(app, runtime.name)
    app.before_request(_check_content_type)

    return app


def app_factory(spec: ServiceSpec) -> Callable[[Settings | None], Flask]:
    """A service's ``create_app(settings=None) -> Flask``."""

    def create(settings: Settings | None = None) -> Flask:
        return create_app(Runtime.build(spec, settings))

    return create


def wsgi_app(spec: ServiceSpec) -> Flask:
    """The app gunicorn serves (settings from the environment, JSON logs configured)."""
    settings = spec.load_settings()
    logs.configure(settings.log_level)
    return create_app(Runtime.build(spec, settings))
