"""The real infrastructure tests talk to: PostgreSQL, RabbitMQ and Redis of the machine, a SeaweedFS the tests
start. With ``CI=true`` an unreachable server fails the run; elsewhere the tests that need it are skipped
with the reason."""
from __future__ import annotations

import os
import socket
import uuid
from typing import NoReturn

import pytest

POSTGRES_URL = os.environ.get("EKTP_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
RABBITMQ_URL = os.environ.get("EKTP_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")
REDIS_URL = os.environ.get("EKTP_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def unavailable(message: str) -> NoReturn:
    """What a test needs is missing: it fails under ``CI=true`` and is skipped elsewhere, with ``message``."""
    if in_ci():
        pytest.fail(message + " (CI=true: real-infrastructure tests must run)", pytrace=False)
    pytest.skip(message)


def require(name: str, host: str, port: int) -> None:
    if not reachable(host, port):
        unavailable(f"{name} is not reachable on {host}:{port}")


def require_postgres() -> str:
    require("PostgreSQL", "127.0.0.1", 5432)
    return POSTGRES_URL


def require_rabbitmq() -> str:
    require("RabbitMQ", "127.0.0.1", 5672)
    return RABBITMQ_URL


def require_redis() -> str:
    require("Redis", "127.0.0.1", 6379)
    return REDIS_URL


def create_database(prefix: str) -> str:
    """A new, empty PostgreSQL database; returns its SQLAlchemy URL."""
    from sqlalchemy import create_engine, text

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(f"{POSTGRES_URL}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{POSTGRES_URL}/{name}"


def drop_database(url: str) -> None:
    from sqlalchemy import create_engine, text

    name = url.rsplit("/", 1)[1]
    admin = create_engine(f"{POSTGRES_URL}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def delete_namespace(namespace: str, services: list[str], retry_delays: tuple[int, ...]) -> None:
    """Remove a test run's exchanges and queues from the broker."""
    from kombu import Connection

    with Connection(RABBITMQ_URL) as connection:
        channel = connection.default_channel
        for service in services:
            queue = f"{namespace}.{service}"
            for name in [queue, f"{queue}.parking", *(f"{queue}.retry.{d}s" for d in retry_delays)]:
                try:
                    channel.queue_delete(name)
                except Exception:  # already gone; the channel may need reopening
                    channel = connection.channel()
        for exchange in (f"{namespace}.events", f"{namespace}.retry"):
            try:
                channel.exchange_delete(exchange)
            except Exception:
                channel = connection.channel()
