"""Prometheus metrics shared by every service.

Names follow Prometheus conventions (``ektp_`` prefix, base units, ``_total`` counters, ``_seconds``
histograms). Labels are low-cardinality: service, route template, method, status class of a code,
event key. Never an id, never personal data.

Counters and histograms are process metrics; under gunicorn they are aggregated through
``PROMETHEUS_MULTIPROC_DIR``. Values that live in a service's database (outbox backlog, applications per
stage) are read at scrape time by collectors, so every process reports the same truth.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, disable_created_metrics
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

disable_created_metrics()  # `_created` series double every counter's series for no use on our dashboards

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
STAGE_BUCKETS = (60, 300, 900, 3600, 4 * 3600, 86400, 3 * 86400, 7 * 86400, 14 * 86400, 30 * 86400)

HTTP_REQUESTS = Counter("ektp_http_requests_total", "HTTP requests answered.", ["service", "route", "method", "status"])
HTTP_LATENCY = Histogram("ektp_http_request_duration_seconds", "Time to answer an HTTP request.",
                         ["service", "route", "method"], buckets=LATENCY_BUCKETS)
EVENTS_PUBLISHED = Counter("ektp_events_published_total", "Events published to the broker (confirmed).", ["service", "event"])
EVENTS_CONSUMED = Counter("ektp_events_consumed_total", "Events whose handler committed its effect.", ["service", "event"])
EVENTS_DUPLICATE = Counter("ektp_events_duplicate_total", "Redelivered events acknowledged without effect.", ["service", "event"])
EVENTS_RETRIED = Counter("ektp_events_retried_total", "Events sent to a retry queue after a handler failure.", ["service", "event"])
EVENTS_PARKED = Counter("ektp_events_parked_total", "Events moved to the parking lot.", ["service", "event", "reason"])
WORKER_LOOP_FAILURES = Counter("ektp_worker_loop_restarts_total", "Worker loops (consumer, relay, tasks) restarted after a failure.",
                               ["service", "loop"])
EVENTS_REPLAYED = Counter("ektp_events_replayed_total", "Parked events an operator sent back to the queue.", ["service"])
HANDLER_LATENCY = Histogram("ektp_event_handler_duration_seconds", "Time from receiving an event to committing its effect.",
                            ["service", "event"], buckets=LATENCY_BUCKETS)
STAGE_DURATION = Histogram("ektp_application_stage_duration_seconds", "Time an application spent in a stage, observed when it leaves it.",
                           ["stage"], buckets=STAGE_BUCKETS)


class ScrapeCollector(Collector):
    """Adapts a function that returns metric families (read at scrape time) to a Prometheus collector."""

    def __init__(self, collect: Callable[[], Iterable[Metric]]):
        self._collect = collect

    def collect(self) -> Iterable[Metric]:
        return self._collect()


class _ServiceFilter(Collector):
    """In the embedded profile five services share one process: show each service only its own samples."""

    def __init__(self, service: str):
        self._service = service

    def collect(self) -> Iterable[Metric]:
        for family in REGISTRY.collect():
            samples = [s for s in family.samples if s.labels.get("service", self._service) == self._service]
            if samples:
                family.samples = samples
                yield family


def exemplar(trace: tuple[str, str] | None) -> dict[str, str] | None:
    """The exemplar of an observation made in a traced span (shown with OpenMetrics: ``Accept:
    application/openmetrics-text``). Exemplars live in the process: under gunicorn's multiprocess metrics
    they are dropped, so the APIs' request histograms show them in the embedded profile only."""
    return {"trace_id": trace[0], "span_id": trace[1]} if trace else None


def exposition(service: str, collectors: Iterable[Collector], accept: str = "") -> tuple[bytes, str]:
    """The body and content type of ``/metrics`` for one service (OpenMetrics, with exemplars, when asked)."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ServiceFilter(service))
    for collector in collectors:
        registry.register(collector)
    encode, content_type = choose_encoder(accept)
    return encode(registry), content_type


@dataclasses.dataclass(frozen=True)
class StateGauges:
    """Two gauges read from a table at scrape time: how many rows are in each state, and how long the oldest
    has waited in each open state (a stuck queue shows as a growing age)."""

    count: tuple[str, str]  # name, help
    oldest: tuple[str, str]
    label: str
    state_column: Any
    since_column: Any
    states: tuple[str, ...]
    open_states: frozenset[str]

    def collector(self, engine: Engine) -> ScrapeCollector:
        return ScrapeCollector(lambda: self.collect(engine))

    def collect(self, engine: Engine) -> Iterable[Metric]:
        count = GaugeMetricFamily(*self.count, labels=[self.label])
        oldest = GaugeMetricFamily(*self.oldest, labels=[self.label])
        with engine.connect() as connection:
            rows = {row.state: row for row in connection.execute(
                select(self.state_column.label("state"), func.count().label("n"), func.min(self.since_column).label("since"))
                .group_by(self.state_column))}
        now = dt.datetime.now(dt.timezone.utc)
        for state in self.states:
            row = rows.get(state)
            count.add_metric([state], row.n if row else 0)
            if state in self.open_states:
                since = row.since if row else None
                if since is not None and since.tzinfo is None:
                    since = since.replace(tzinfo=dt.timezone.utc)
                oldest.add_metric([state], max(0.0, (now - since).total_seconds()) if since else 0)
        return [count, oldest]


def province_of_office(office_code: str) -> str:
    """The two-digit province code of an office code (``DISDUKCAPIL-3201`` → ``32``); ``unknown`` otherwise.
    Provinces keep a per-province label bounded (38 of them) where offices (514) would not be."""
    _, _, regency = office_code.rpartition("-")
    return regency[:2] if len(regency) >= 4 and regency[:4].isdigit() else "unknown"


@dataclasses.dataclass(frozen=True)
class ProvinceGauges:
    """Rows per province and state, read at scrape time from a table that records each row's office: the
    per-province business figures of the dashboards (backlog, throughput as the final state's growth)."""

    name: str
    help: str
    state_column: Any
    office_column: Any
    states: tuple[str, ...]

    def collector(self, engine: Engine) -> ScrapeCollector:
        return ScrapeCollector(lambda: self.collect(engine))

    def collect(self, engine: Engine) -> Iterable[Metric]:
        counts: dict[tuple[str, str], int] = {}
        with engine.connect() as connection:
            for row in connection.execute(select(self.office_column.label("office"), self.state_column.label("state"),
                                                 func.count().label("n")).group_by(self.office_column, self.state_column)):
                if row.state in self.states:
                    key = (province_of_office(row.office or ""), row.state)
                    counts[key] = counts.get(key, 0) + row.n
        gauge = GaugeMetricFamily(self.name, self.help, labels=["province", "state"])
        for (province, state), n in sorted(counts.items()):
            gauge.add_metric([province, state], n)
        return [gauge]
