"""The outbox relay: publishes committed outbox rows in order, a batch per confirm wait, and marks
them published. Several relays may run (one per worker replica): on PostgreSQL each takes its batch
with ``FOR UPDATE SKIP LOCKED``. A crash between publish and marking republishes the batch; consumers'
inboxes absorb the duplicates.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from typing import Any

from kombu import Connection
from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine

from . import metrics, tracing
from .bus.broker import Broker, OutgoingMessage, Publisher
from .bus.signatures import SIGNATURE_HEADER, EventSignatures
from .contracts import by_type
from .db import utcnow
from .messaging import MessagingTables

log = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(self, service: str, engine: Engine, tables: MessagingTables, broker: Broker, wakeup: threading.Event,
                 signatures: EventSignatures, batch_size: int = 100, retention_seconds: int = 86400, tracer: Any = None):
        self.service = service
        self.tracer = tracer  # None: tracing off
        self.signatures = signatures
        self.engine = engine
        self.outbox = tables.outbox
        self.broker = broker
        self.batch_size = batch_size
        self.retention = dt.timedelta(seconds=retention_seconds)
        self.wakeup = wakeup  # set when this process commits outbox rows: publish at once instead of at the next poll
        self._connection: Connection | None = None
        self._publisher: Publisher | None = None

    def _ensure_publisher(self) -> Publisher:
        if self._publisher is None:
            self._connection = self.broker.connect()
            self._connection.ensure_connection(max_retries=3)
            self.broker.declare(self._connection.default_channel)
            self._publisher = self.broker.publisher(self._connection)
        return self._publisher

    def reset(self) -> None:
        """Drop the connection after a failure; the next batch reconnects."""
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # the connection is already broken; nothing to clean up
                pass
        self._connection = None
        self._publisher = None

    def publish_batch(self) -> int:
        """Publish up to one batch; returns how many events were published."""
        with self.engine.begin() as connection:
            rows = connection.execute(
                select(self.outbox.c.id, self.outbox.c.event_id, self.outbox.c.type, self.outbox.c.envelope)
                .where(self.outbox.c.published_at.is_(None)).order_by(self.outbox.c.id).limit(self.batch_size)
                .with_for_update(skip_locked=True)).all()
            if not rows:
                return 0
            messages = [OutgoingMessage(row.type, json.dumps(row.envelope).encode(), row.event_id,
                                        row.envelope.get("correlationid"),
                                        {SIGNATURE_HEADER: self.signatures.sign(row.envelope)}) for row in rows]
            sends = tracing.start_sends(self.tracer, [row.envelope for row in rows], self.broker.exchange.name)
            try:
                self._ensure_publisher().publish(messages, exchange=self.broker.exchange.name)
            except Exception as exc:
                tracing.end_sends(sends, exc)
                raise
            tracing.end_sends(sends)
            connection.execute(update(self.outbox).where(self.outbox.c.id.in_([row.id for row in rows]))
                               .values(published_at=utcnow()))
        for row in rows:
            contract = by_type(row.type)
            metrics.EVENTS_PUBLISHED.labels(self.service, contract.key if contract else row.type).inc()
        return len(rows)

    def purge(self) -> int:
        with self.engine.begin() as connection:
            result = connection.execute(delete(self.outbox).where(self.outbox.c.published_at < utcnow() - self.retention))
        return result.rowcount or 0
