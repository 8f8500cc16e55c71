"""pytest fixtures for every test suite of the project (loaded by the root conftest.py).

``runtime_factory(spec, real=False)`` builds a migrated service runtime:
- embedded: SQLite in the test's folder, kombu's in-memory bus, objects in a folder;
- real: a fresh PostgreSQL database, RabbitMQ under a namespace of its own, the session's SeaweedFS.
``harness_factory(spec, harness_class)`` wraps one in a ``ServiceHarness``.

The S3 server comes from the ektp-peers package, which the development environment installs beside this
one (a service's image has neither).
"""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ..service import Runtime, ServiceSpec
from ..settings import DEVELOPMENT
from . import infra
from .harness import ServiceHarness

FAST_RETRIES = "1,2"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium under Playwright, one for the whole run (Playwright's sync API allows one at a time)."""
    from .browser import chromium

    with chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from ektp_peers.seaweedfs import SeaweedFS

    server = SeaweedFS(tmp_path_factory.mktemp("seaweedfs"))
    try:
        server.start()
    except Exception as exc:
        if infra.in_ci():
            pytest.fail(f"SeaweedFS did not start: {exc}", pytrace=False)
        pytest.skip(f"SeaweedFS did not start: {exc}")
    yield server
    server.stop()


def real_environment(namespace: str, seaweed: Any = None) -> dict[str, str]:
    """The real profile's wiring for tests: the machine's RabbitMQ under ``namespace`` and its Redis for rate
    limits, SeaweedFS if given, fast retries. The database URL is the caller's (one per service)."""
    environ = {**DEVELOPMENT, "EKTP_BROKER_URL": infra.RABBITMQ_URL, "EKTP_BUS_NAMESPACE": namespace,
               "EKTP_RATE_LIMIT_STORAGE_URI": infra.REDIS_URL,
               "EKTP_BUS_RETRY_DELAYS": FAST_RETRIES, "EKTP_OUTBOX_POLL_SECONDS": "0.05"}
    if seaweed is not None:
        environ.update(EKTP_S3_ENDPOINT=seaweed.endpoint, EKTP_S3_ACCESS_KEY=seaweed.access_key,
                       EKTP_S3_SECRET_KEY=seaweed.secret_key)
    return environ


# The test realm: one user per role and office (``verifier-3273`` works at DISDUKCAPIL-3273), a national
# admin, and a verifier whose realm roles say admin (realm roles must grant nothing).
TEST_OFFICES = ("DISDUKCAPIL-3273", "DISDUKCAPIL-3201")


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[Any]:
    """The npm oidc-provider with the test realm, and a port reserved for the console's callback
    (``oidc_provider.console_url``; client ``ektp-console``, secret ``console-secret``)."""
    from ektp_peers.oidc_provider import OidcClient, OidcProvider, OidcUser

    from ..auth import ROLES
    from .ports import free_port

    console_url = f"http://127.0.0.1:{free_port()}"
    users = [OidcUser(f"{role}-{office[-4:]}", [role], [office], f"{role} {office}")
             for role in ROLES if role != "admin" for office in TEST_OFFICES]
    users += [OidcUser("admin", ["admin"], [], "National admin"),
              OidcUser("realm-admin", ["verifier"], [TEST_OFFICES[0]], "Realm admin", realm_roles=["admin"])]
    client = OidcClient("ektp-console", "console-secret", [f"{console_url}/auth/callback"], [f"{console_url}/keluar/selesai"])
    provider = OidcProvider(users, [client])
    try:
        provider.start()
    except Exception as exc:
        if infra.in_ci():
            pytest.fail(f"oidc-provider did not start: {exc}", pytrace=False)
        pytest.skip(f"oidc-provider did not start: {exc}")
    provider.console_url = console_url  # type: ignore[attr-defined]
    yield provider
    provider.stop()


@pytest.fixture
def runtime_factory(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Callable[..., Runtime]]:
    made: list[tuple[Runtime, str | None, str, tuple[int, ...]]] = []

    def make(spec: ServiceSpec, real: bool = False, **overrides: Any) -> Runtime:
        namespace = f"t{uuid.uuid4().hex[:10]}"
        database = None
        if real:
            infra.require_postgres()
            infra.require_rabbitmq()
            seaweed = request.getfixturevalue("seaweedfs")
            database = infra.create_database(f"ektp_{spec.name}")
            environ = {**real_environment(namespace, seaweed), "EKTP_DATABASE_URL": database}
        else:
            environ = {**DEVELOPMENT, "EKTP_DATA_DIR": str(tmp_path / "var"), "EKTP_BUS_NAMESPACE": namespace,
                       "EKTP_BUS_RETRY_DELAYS": FAST_RETRIES, "EKTP_OUTBOX_POLL_SECONDS": "0.05"}
        settings = spec.load_settings(environ, **overrides)
        runtime = Runtime.build(spec, settings)
        runtime.migrate()
        made.append((runtime, database, namespace, settings.retry_delays))
        return runtime

    yield make
    for runtime, database, namespace, delays in made:
        runtime.dispose()
        if database:
            infra.drop_database(database)
            infra.delete_namespace(namespace, [runtime.name], delays)


@pytest.fixture
def harness_factory(runtime_factory: Callable[..., Runtime]) -> Callable[..., ServiceHarness]:
    """``make(spec, harness_class=ServiceHarness, real=False, **setting_overrides)``: a service in a test."""

    def make(spec: ServiceSpec, harness_class: type[ServiceHarness] = ServiceHarness, real: bool = False,
             **overrides: Any) -> ServiceHarness:
        return harness_class(runtime_factory(spec, real=real, **overrides))

    return make
