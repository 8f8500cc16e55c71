"""How a service describes itself to the platform, and the runtime built from that description.

A service package declares one ``ServiceSpec`` (its name, settings, tables, the events it handles, its
API blueprints, its periodic tasks, its scrape-time metrics) and registers it under the ``ektp.services``
entry point. The platform builds a ``Runtime`` from a spec and settings — the same code in every profile;
only the settings (environment variables) differ.
"""
from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from prometheus_client.registry import Collector
from sqlalchemy import MetaData
from sqlalchemy.orm import sessionmaker

from . import db, tracing
from .bus.broker import Broker
from .bus.signatures import EventSignatures
from .bus.topology import Topology
from .crypto import Cipher
from .handlers import Handlers
from .links import LinkSigner
from .messaging import MessagingTables
from .objects import ObjectStore, open_store
from .settings import Settings, load
from .uow import UnitOfWork


@dataclasses.dataclass(frozen=True)
class PeriodicTask:
    """Work a worker repeats: ``run(runtime)`` every ``interval_seconds`` (e.g. send pending messages)."""

    name: str
    interval_seconds: float
    run: Callable[["Runtime"], Any]


@dataclasses.dataclass(frozen=True)
class Context:
    """What a service's handlers and tasks work with: its settings, and what its spec's ``context`` adds
    (a service subclasses this: providers, drivers, the matcher, the family registry ...)."""

    settings: Settings


def settings_only(runtime: "Runtime") -> Context:
    return Context(runtime.settings)


@dataclasses.dataclass(frozen=True)
class ServiceSpec:
    name: str
    title: str
    default_port: int
    settings_class: type[Settings]
    metadata: MetaData
    messaging: MessagingTables
    handlers: Handlers
    migrations_dir: Path
    blueprints: Callable[["Runtime"], list[Any]]
    tasks: Callable[["Runtime"], list[PeriodicTask]] = lambda runtime: []
    collectors: Callable[["Runtime"], list[Collector]] = lambda runtime: []
    context: Callable[["Runtime"], Context] = settings_only

    @property
    def default_worker_metrics_port(self) -> int:
        return self.default_port + 1100  # 8001 -> 9101

    def load_settings(self, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        settings = load(self.settings_class, self.name, environ, **overrides)
        defaults = {}
        if not settings.http_port:
            defaults["http_port"] = self.default_port
        if not settings.worker_metrics_port:
            defaults["worker_metrics_port"] = self.default_worker_metrics_port
        return dataclasses.replace(settings, **defaults) if defaults else settings


class Runtime:
    """Everything one service needs in one process: database, cipher, objects, broker, its context."""

    def __init__(self, spec: ServiceSpec, settings: Settings):
        self.spec = spec
        self.settings = settings
        self.cipher = Cipher.from_settings(settings)
        self.engine = db.make_engine(settings.database_url, self.cipher, settings.database_pool_size)
        self.tracing = tracing.provider_for(spec.name, settings)  # None: tracing off
        self.tracer = tracing.tracer(self.tracing)
        tracing.instrument_engine(self.engine, self.tracing)
        self.sessions: sessionmaker = db.session_factory(self.engine)
        self.topology = Topology(settings.bus_namespace, spec.name, spec.handlers.types, settings.retry_delays,
                                 settings.bus_delivery_limit, settings.bus_parking_ttl_seconds,
                                 settings.bus_parking_max_length)
        self.signatures = EventSignatures.from_settings(settings)
        self.broker = Broker(settings.broker_url, self.topology, settings.bus_prefetch, settings.broker_ca_file)
        self.links = LinkSigner(settings.link_secret)
        self.outbox_written = threading.Event()  # wakes the in-process relay early (embedded profile)
        self._objects: ObjectStore | None = None
        self._context: Context | None = None
        self._limiter: Any = None
        self._lock = threading.RLock()  # building the context may open the object store

    @classmethod
    def build(cls, spec: ServiceSpec, settings: Settings | None = None) -> "Runtime":
        return cls(spec, settings or spec.load_settings())

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def objects(self) -> ObjectStore:
        with self._lock:
            if self._objects is None:
                self._objects = open_store(self.settings, self.cipher)
            return self._objects

    @property
    def limiter(self) -> Any:
        """The rate limiter of this process's API (routes decorate with ``runtime.limiter.limit(...)``)."""
        from .web.limits import limiter

        with self._lock:
            if self._limiter is None:
                self._limiter = limiter(self.settings)
            return self._limiter

    @property
    def context(self) -> Context:
        """The service's context (settings, providers, drivers, engines), built once on first use."""
        with self._lock:
            if self._context is None:
                self._context = self.spec.context(self)
            return self._context

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions(), self.spec.messaging, f"/ektp/{self.name}", on_commit=self.outbox_written.set)

    def readiness(self) -> tuple[dict[str, str], bool]:
        """Whether the service's database and the broker answer, each named (readiness probes)."""
        checks: dict[str, str] = {}
        for name, probe in (("database", lambda: db.ping(self.engine)), ("broker", self.broker.ping)):
            try:
                probe()
                checks[name] = "ok"
            except Exception as exc:  # a readiness probe reports, it does not raise
                checks[name] = f"unavailable: {type(exc).__name__}"
        return checks, all(v == "ok" for v in checks.values())

    def migrate(self) -> None:
        db.migrate(self.spec.migrations_dir, self.settings.database_url)

    def dispose(self) -> None:
        self.engine.dispose()


def discover(*names: str) -> dict[str, ServiceSpec]:
    """The installed services (all, or those named), by name (``ektp.services`` entry points), in port order."""
    from importlib.metadata import entry_points

    specs = [entry.load() for entry in entry_points(group="ektp.services") if not names or entry.name in names]
    return {spec.name: spec for spec in sorted(specs, key=lambda s: s.default_port)}
