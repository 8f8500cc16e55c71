"""Typed settings read from environment variables.

Every setting is looked up as ``EKTP_<SERVICE>_<NAME>`` first, then ``EKTP_<NAME>``, then its documented
default. The service-specific form lets the embedded profile run five services in one process with
different values (for example their database URLs); the plain form is what a Kubernetes ConfigMap sets.
Defaults may contain ``{service}`` and ``{data_dir}``, filled in for the service being configured.
"""
from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from typing import Any, TypeVar, get_type_hints

PREFIX = "EKTP_"
DEVELOPMENT_SECRET = "development-only-secret-change-me"
DEVELOPMENT_DATA_KEY = "dev:ZGV2ZWxvcG1lbnQtb25seS1kYXRhLWtleS0zMi1ieXQ="  # base64 of a 32-byte development key


class SettingsError(ValueError):
    """A setting is missing or cannot be parsed; the message names the variable."""


def setting(default: Any, help: str, *, secret: bool = False) -> Any:
    """Declare a setting field with its documented default and meaning."""
    return dataclasses.field(default=default, metadata={"help": help, "secret": secret})


@dataclasses.dataclass(frozen=True)
class Settings:
    """What every service reads. A service subclasses this to add its own settings."""

    service: str = setting("", "Service name; set by the service itself, not by the environment.")
    environment: str = setting("production", "`production` (the default: a deployment that forgets this fails closed) refuses development secrets and keys; `development` allows them and must be set explicitly.")
    data_dir: str = setting("var", "Folder for the embedded profile's SQLite files, objects and message outbox.")
    http_host: str = setting("127.0.0.1", "Address the API listens on when run by the launcher.")
    http_port: int = setting(0, "Port of the service's API (defaults per service: intake 8001 ... notify 8005).")
    worker_metrics_port: int = setting(0, "Port of the worker's /metrics (defaults per service: 9101 ... 9105).")
    log_level: str = setting("INFO", "Python log level of the JSON logs.")
    otlp_endpoint: str = setting("", "Base URL of an OTLP/HTTP trace receiver (an OpenTelemetry collector, e.g. `http://otel-collector:4318`); spans go to `<url>/v1/traces`. Empty = tracing off: nothing instrumented, no cost.")
    tracing_sample_ratio: float = setting(1.0, "Share of new traces recorded (0..1); a request or event that arrives with a sampled `traceparent` is always recorded.")

    database_url: str = setting("sqlite:///{data_dir}/{service}.sqlite3", "SQLAlchemy URL of the service's own database.")
    database_pool_size: int = setting(5, "Connections kept open per process (PostgreSQL).")

    broker_url: str = setting("memory://localhost/", "AMQP URL of RabbitMQ (`amqps://user:pass@host:5671//` in production: TLS, the broker's certificate verified against its host name; `amqp://` in clear only on one machine); `memory://` in the embedded profile.")
    broker_ca_file: str = setting("", "CA certificates (PEM) that sign the broker's certificate, for `amqps://`; empty = the system's trusted CAs.")
    bus_namespace: str = setting("ektp", "Prefix of the exchange and queue names (lets test runs share a broker).")
    bus_prefetch: int = setting(16, "Messages a worker holds unacknowledged at once.")
    bus_retry_delays: str = setting("1,5,30,120", "Seconds between retries of a failed handler; then the message is parked.")
    bus_delivery_limit: int = setting(5, "Redeliveries (after crashes) before RabbitMQ dead-letters a message to the parking lot.")
    bus_max_message_bytes: int = setting(1024 * 1024, "Largest message a consumer reads; a bigger one is parked as `invalid` unread.")
    bus_max_json_depth: int = setting(32, "Deepest nesting of JSON objects and arrays a consumer accepts; deeper is parked as `invalid`.")
    bus_parking_ttl_seconds: int = setting(14 * 86400, "How long a parked message is kept before RabbitMQ drops it (replay or fix it before then).")
    bus_parking_max_length: int = setting(100000, "Most messages a parking lot holds; beyond it the oldest are dropped (an alert fires long before).")
    event_signing_key: str = setting("", "The service's Ed25519 private key signing its events (base64 of the 32-byte seed); empty = a development key.", secret=True)
    event_public_keys: str = setting("", "Public keys of the producers whose events this service accepts: `producer:base64(32 bytes)`, comma separated; empty = development keys.")
    worker_stall_seconds: int = setting(300, "A worker loop (consumer, relay) that has not come round for this long makes the worker's /healthz fail.")
    worker_shutdown_seconds: int = setting(30, "How long a stopping worker waits for the message in hand (keep below terminationGracePeriodSeconds).")
    outbox_batch_size: int = setting(100, "Events the relay publishes per batch (one confirm wait per batch).")
    outbox_poll_seconds: float = setting(0.2, "How often the relay looks for new outbox rows.")
    outbox_retention_seconds: int = setting(86400, "How long published outbox rows are kept before they are purged.")
    inbox_retention_seconds: int = setting(30 * 86400, "How long handled event ids are remembered (longer than any redelivery).")

    s3_endpoint: str = setting("", "host:port of the S3 server (MinIO, SeaweedFS); empty = a local folder under data_dir.")
    s3_access_key: str = setting("", "S3 access key.", secret=True)
    s3_secret_key: str = setting("", "S3 secret key.", secret=True)
    s3_secure: bool = setting(False, "Use TLS (https) to the S3 server, its certificate verified against its host name.")
    s3_ca_file: str = setting("", "CA certificates (PEM) that sign the S3 server's certificate, with s3_secure; empty = the system's trusted CAs.")
    s3_region: str = setting("", "S3 region, when the server needs one.")
    s3_bucket: str = setting("ektp-{service}", "Bucket of the service's objects.")

    data_keys: str = setting(DEVELOPMENT_DATA_KEY, "Data-encryption keys `kid:base64(32 bytes)`, comma separated; the first encrypts, all decrypt.", secret=True)
    lookup_key: str = setting(DEVELOPMENT_SECRET, "HMAC key for lookup hashes (NIK).", secret=True)
    link_secret: str = setting("", "HMAC key of the short-lived links to this service's own documents, which it checks (its own key: intake and biometrics serve documents; empty for a service that serves none).", secret=True)

    jwt_secret: str = setting(DEVELOPMENT_SECRET, "HS256 secret of officer tokens (development). Ignored when jwt_jwks_url is set.", secret=True)
    jwt_jwks_url: str = setting("", "JWKS URL of the OIDC provider (production: tokens signed with its keys, RS256/ES256).")
    jwt_algorithms: str = setting("RS256,ES256", "Signature algorithms accepted from the OIDC provider (asymmetric only).")
    jwt_audience: str = setting("ektp", "Required `aud` claim of officer tokens.")
    jwt_issuer: str = setting("", "Required `iss` claim of officer tokens (empty: not checked).")
    jwt_client_id: str = setting("ektp", "The OIDC client whose roles count (Keycloak client id).")
    jwt_roles_claim: str = setting("resource_access.<client>.roles", "Dotted path of the roles claim; `<client>` is jwt_client_id (default: Keycloak's client roles, not realm roles).")
    jwt_offices_claim: str = setting("offices", "Claim with the office codes an officer works for (a list, or one string of codes).")

    max_upload_bytes: int = setting(10 * 1024 * 1024, "Largest accepted request body (uploads), in bytes.")
    trusted_proxies: int = setting(0, "Proxies in front of the API whose X-Forwarded-For is trusted for the client's address (1 behind an ingress or the portal; 0 when clients connect directly).")
    rate_limit_storage_uri: str = setting("memory://", "Where rate-limit counts live: `memory://` (one process, the embedded profile) or `redis://host:6379/0` (shared by every process).")
    office_closures: str = setting("", "Days the offices are closed besides weekends and public holidays (the yearly cuti bersama), ISO dates comma separated; no appointment or pickup is given on them.")

    @property
    def retry_delays(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.bus_retry_delays.split(",") if part.strip())

    def development_secrets(self) -> list[str]:
        """The variables that still hold a development secret or key."""
        # Every link key (a service's own and those of the services it links to) counts, whatever its name.
        names = ["lookup_key"] + [f.name for f in dataclasses.fields(self) if f.name.endswith("link_secret")]
        found = [PREFIX + name.upper() for name in names if getattr(self, name) == DEVELOPMENT_SECRET]
        if self.jwt_secret == DEVELOPMENT_SECRET and not self.jwt_jwks_url:
            found.append("EKTP_JWT_SECRET (or EKTP_JWT_JWKS_URL)")
        if DEVELOPMENT_DATA_KEY in self.data_keys:
            found.append("EKTP_DATA_KEYS")
        found += [PREFIX + name.upper() for name in ("event_signing_key", "event_public_keys") if not getattr(self, name)]
        return found

    @property
    def uses_development_secrets(self) -> bool:
        return bool(self.development_secrets())

    def describe(self) -> list[dict[str, str]]:
        """The configuration table: variable, default and meaning of every setting."""
        rows = []
        for field in dataclasses.fields(self):
            if field.name == "service":
                continue
            rows.append({"variable": PREFIX + field.name.upper(), "default": "" if field.metadata.get("secret") else str(field.default),
                         "help": field.metadata.get("help", "")})
        return rows


S = TypeVar("S", bound=Settings)


def _parse(raw: str, kind: type, variable: str) -> Any:
    try:
        if kind is bool:
            lowered = raw.strip().lower()
            if lowered in {"1", "true", "yes", "on"}:
                return True
            if lowered in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(raw)
        return kind(raw)
    except ValueError as exc:
        raise SettingsError(f"{variable}: cannot read {raw!r} as {kind.__name__}") from exc


def load(cls: type[S], service: str, environ: Mapping[str, str] | None = None, **overrides: Any) -> S:
    """Build ``cls`` for ``service`` from the environment (service-specific variables win)."""
    environ = os.environ if environ is None else environ
    hints = get_type_hints(cls)
    values: dict[str, Any] = {"service": service}
    for field in dataclasses.fields(cls):
        if field.name == "service":
            continue
        specific = f"{PREFIX}{service.upper()}_{field.name.upper()}"
        general = f"{PREFIX}{field.name.upper()}"
        if field.name in overrides:
            values[field.name] = overrides[field.name]
        elif specific in environ:
            values[field.name] = _parse(environ[specific], hints[field.name], specific)
        elif general in environ:
            values[field.name] = _parse(environ[general], hints[field.name], general)
    data_dir = values.get("data_dir", cls.data_dir)
    for field in dataclasses.fields(cls):
        if field.name not in values and isinstance(field.default, str):
            values[field.name] = field.default.format(service=service, data_dir=data_dir)
    settings = cls(**values)
    if not 0 <= settings.tracing_sample_ratio <= 1:
        raise SettingsError(f"EKTP_TRACING_SAMPLE_RATIO: {settings.tracing_sample_ratio} is not between 0 and 1")
    if settings.environment not in {"production", "development"}:
        raise SettingsError(f"EKTP_ENVIRONMENT: {settings.environment!r} is neither production nor development")
    if settings.environment == "production" and settings.uses_development_secrets:
        told = {f"{PREFIX}ENVIRONMENT", f"{PREFIX}{service.upper()}_ENVIRONMENT"} & set(environ)
        named = "EKTP_ENVIRONMENT=production" if told else "EKTP_ENVIRONMENT is not set, so this is production"
        raise SettingsError(f"{named}, which refuses development secrets and keys; set {', '.join(settings.development_secrets())} "
                            "(or EKTP_ENVIRONMENT=development on a development machine)")
    return settings


DEVELOPMENT = {f"{PREFIX}ENVIRONMENT": "development"}  # what a development machine, the launchers and the tests set


def markdown_table(settings_classes: dict[str, type[Settings]]) -> str:
    """The configuration reference: the settings every service shares, then each service's own."""
    common = {field.name for field in dataclasses.fields(Settings)}
    lines = ["## Every service", "", "| variable | default | meaning |", "|---|---|---|"]
    lines += [f"| `{row['variable']}` | `{row['default']}` | {row['help']} |" for row in load(Settings, "{service}", DEVELOPMENT).describe()]
    for service, cls in settings_classes.items():
        own = [row for row in load(cls, service, DEVELOPMENT).describe() if row["variable"].removeprefix(PREFIX).lower() not in common]
        if own:
            lines += ["", f"## {service}", "", "| variable | default | meaning |", "|---|---|---|"]
            lines += [f"| `{row['variable']}` | `{row['default']}` | {row['help']} |" for row in own]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    from .service import discover
    from .site import discover_sites

    header = ("# Configuration\n\nEvery setting is an environment variable. `EKTP_<SERVICE>_<NAME>` (e.g. "
              "`EKTP_NOTIFY_DATABASE_URL`) wins over `EKTP_<NAME>`, so one process can run several services with "
              "different values (the embedded profile). `{service}` and `{data_dir}` in a default are filled in. "
              "Secrets have no default shown: set them from a Kubernetes Secret. Generated by "
              "`python -m ektp_shared.settings` (`make config-docs`).\n\n")
    specs = {**discover(), **discover_sites()}
    sys.stdout.write(header + markdown_table({name: spec.settings_class for name, spec in specs.items()}))
