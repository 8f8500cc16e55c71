"""Database helpers for SQLAlchemy 2: engines, sessions, encrypted column types, migrations.

PostgreSQL in the real profile, SQLite in the embedded one; the same models and migrations serve both.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, LargeBinary, MetaData, TypeDecorator, create_engine, event, text
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import sessionmaker

from .crypto import Cipher

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> MetaData:
    """Each service owns its metadata; constraint names are deterministic so Alembic diffs stay stable."""
    return MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def new_id() -> str:
    return str(uuid.uuid4())


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on both PostgreSQL and SQLite (which drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use UTC-aware values")
        return value.astimezone(dt.timezone.utc)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value


def _cipher(dialect: Dialect) -> Cipher:
    cipher = getattr(dialect, "ektp_cipher", None)
    if cipher is None:
        raise RuntimeError("encrypted columns need an engine made by ektp_shared.db.make_engine")
    return cipher


class EncryptedBytes(TypeDecorator):
    """Bytes encrypted with AES-GCM by the engine's cipher; the database only ever sees ciphertext."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: bytes | None, dialect: Dialect) -> bytes | None:
        return None if value is None else _cipher(dialect).encrypt(value)

    def process_result_value(self, value: bytes | None, dialect: Dialect) -> bytes | None:
        return None if value is None else _cipher(dialect).decrypt(bytes(value))


class EncryptedText(TypeDecorator):
    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> bytes | None:
        return None if value is None else _cipher(dialect).encrypt(value.encode())

    def process_result_value(self, value: bytes | None, dialect: Dialect) -> str | None:
        return None if value is None else _cipher(dialect).decrypt(bytes(value)).decode()


class EncryptedJSON(TypeDecorator):
    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> bytes | None:
        return None if value is None else _cipher(dialect).encrypt(json.dumps(value, sort_keys=True).encode())

    def process_result_value(self, value: bytes | None, dialect: Dialect) -> Any:
        return None if value is None else json.loads(_cipher(dialect).decrypt(bytes(value)))


def make_engine(url: str, cipher: Cipher, pool_size: int = 5) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=pool_size, max_overflow=pool_size, connect_args={"connect_timeout": 5},
                               hide_parameters=True)  # bound values (personal data) stay out of errors and logs
    engine.dialect.ektp_cipher = cipher  # type: ignore[attr-defined]
    return engine


def session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)


def is_unavailable(exc: BaseException) -> bool:
    """The database did not answer (down, restarting, failing over, connection lost): wait and try again,
    unlike an error of the statement or the data."""
    return isinstance(exc, (OperationalError, InterfaceError)) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated)


def ping(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def alembic_config(migrations_dir: Path, url: str):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(migrations_dir: Path, url: str) -> None:
    """Bring the service's database to the newest schema (what the Kubernetes migration Job runs)."""
    from alembic import command

    command.upgrade(alembic_config(migrations_dir, url), "head")

