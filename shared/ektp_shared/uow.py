"""The unit of work: one database transaction holding a state change, the inbox row of the event that
caused it (if any) and the outbox rows of the events it emits."""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from . import tracing
from .contracts import CloudEvent, Contract
from .db import utcnow
from .messaging import MessagingTables


# Statements are built once per table: building and cache-keying a new one per event costs more than running it.
@functools.cache
def _claim_statement(inbox: Table, dialect: str) -> Any:
    insert_into = pg_insert if dialect == "postgresql" else sqlite_insert
    return insert_into(inbox).on_conflict_do_nothing().returning(inbox.c.event_id)


@functools.cache
def _outbox_statement(outbox: Table) -> Any:
    return insert(outbox)


class ContractViolation(ValueError):
    """An emitted event's data does not satisfy its own contract: a bug in the producer."""


class UnitOfWork:
    def __init__(self, session: Session, tables: MessagingTables, source: str, on_commit: Callable[[], None] | None = None):
        self.session = session
        self._tables = tables
        self._source = source
        self._on_commit = on_commit
        self.emitted: list[CloudEvent] = []

    def __enter__(self) -> "UnitOfWork":
        return self

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        # close() drops anything uncommitted without expiring loaded objects, so a route can still render them.
        if exc_type is not None:
            self.session.rollback()
        self.session.close()

    def claim(self, event: CloudEvent) -> bool:
        """Record ``event`` as handled; False if it already was (then the caller does nothing).

        ``ON CONFLICT DO NOTHING`` keeps the transaction usable, so several events can share one; a
        concurrent handler of the same event waits on the unique key and then sees the conflict.
        """
        statement = _claim_statement(self._tables.inbox, self.session.get_bind().dialect.name)
        return self.session.execute(statement, {"event_id": event.id, "type": event.type, "handled_at": utcnow()}).first() is not None

    def emit(self, contract: Contract, data: dict[str, Any], *, correlation_id: str, subject: str | None = None,
             time: dt.datetime | None = None) -> CloudEvent:
        schema = contract.schema_instance
        payload = schema.dump(data)
        errors = schema.validate(payload)
        if errors:
            raise ContractViolation(f"{contract.key}: {errors}")
        event = CloudEvent.new(source=self._source, type=contract.type, data=payload, correlationid=str(correlation_id),
                               subject=str(subject or correlation_id), time=time, trace=tracing.current_context())
        self.session.execute(_outbox_statement(self._tables.outbox),
                             {"event_id": event.id, "type": event.type, "envelope": event.to_dict(), "created_at": event.time})
        self.emitted.append(event)
        return event

    def commit(self) -> None:
        self.session.commit()
        if self.emitted and self._on_commit:
            self._on_commit()
