"""The outbox and inbox tables, which every service keeps in its own database.

outbox: events written in the same transaction as the state change that caused them; the relay
publishes them and stamps ``published_at``. inbox: ids of events already handled, written in the same
transaction as the handler's effect, so a redelivered event is acknowledged without effect.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, String, Table, delete, func, select
from sqlalchemy.engine import Engine

from .db import EncryptedJSON, UTCDateTime, utcnow


@dataclasses.dataclass(frozen=True)
class MessagingTables:
    outbox: Table
    inbox: Table


def add_messaging_tables(metadata: MetaData) -> MessagingTables:
    outbox = Table(
        "outbox", metadata,
        Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
        Column("event_id", String(200), nullable=False, unique=True),
        Column("type", String(200), nullable=False),
        Column("envelope", EncryptedJSON, nullable=False),  # events may carry personal data: encrypted at rest
        Column("created_at", UTCDateTime, nullable=False),
        Column("published_at", UTCDateTime, nullable=True),
        Index("ix_outbox_unpublished", "published_at", "id"),
    )
    inbox = Table(
        "inbox", metadata,
        Column("event_id", String(200), primary_key=True),
        Column("type", String(200), nullable=False),
        Column("handled_at", UTCDateTime, nullable=False, index=True),
    )
    return MessagingTables(outbox, inbox)


def purge_inbox(engine: Engine, tables: MessagingTables, older_than_seconds: int) -> int:
    """Forget handled event ids older than any possible redelivery."""
    with engine.begin() as connection:
        result = connection.execute(delete(tables.inbox).where(
            tables.inbox.c.handled_at < utcnow() - dt.timedelta(seconds=older_than_seconds)))
    return result.rowcount or 0


def outbox_backlog(engine: Engine, tables: MessagingTables) -> tuple[int, float]:
    """Unpublished outbox rows and the age in seconds of the oldest one."""
    outbox = tables.outbox
    with engine.connect() as connection:
        count, oldest = connection.execute(select(func.count(), func.min(outbox.c.created_at))
                                           .where(outbox.c.published_at.is_(None))).one()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=dt.timezone.utc)
    return count, (utcnow() - oldest).total_seconds() if oldest else 0.0
