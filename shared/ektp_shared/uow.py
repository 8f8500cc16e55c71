"""The unit of work: one database transaction holding a state change, the inbox row of the event that
caused it (if any) and the outbox rows of the events it emits."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from .contracts import CloudEvent, Contract
from .db import utcnow
from .messaging import MessagingTables


class ContractViolation(ValueError):
    """An emitted event's data does not satisfy its own contract: a bug in the producer."""


class UnitOfWork:
    def __init__(self, session: Session, tables: MessagingTables, source: str, on_commit: Callable[[], None] | None = None,
                 runtime: Any = None):
        self.session = session
        self.runtime = runtime  # the service's Runtime, for the rare handler that needs more than the session
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
        inbox = self._tables.inbox
        insert = (pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert)(inbox)
        statement = insert.values(event_id=event.id, type=event.type, handled_at=utcnow()).on_conflict_do_nothing()
        return self.session.execute(statement.returning(inbox.c.event_id)).first() is not None

    def emit(self, contract: Contract, data: dict[str, Any], *, correlation_id: str, subject: str | None = None,
             time: dt.datetime | None = None) -> CloudEvent:
        schema = contract.schema_instance
        payload = schema.dump(data)
        errors = schema.validate(payload)
        if errors:
            raise ContractViolation(f"{contract.key}: {errors}")
        event = CloudEvent.new(source=self._source, type=contract.type, data=payload, correlationid=str(correlation_id),
                               subject=str(subject or correlation_id), time=time)
        self.session.execute(insert(self._tables.outbox).values(event_id=event.id, type=event.type, envelope=event.to_dict(),
                                                                created_at=event.time))
        self.emitted.append(event)
        return event

    def commit(self) -> None:
        self.session.commit()
        if self.emitted and self._on_commit:
            self._on_commit()
