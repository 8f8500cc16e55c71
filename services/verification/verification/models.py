"""Tables the verification service owns: cases, appointments and the officers' audit log."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ektp_shared.db import EncryptedJSON, UTCDateTime, new_metadata
from ektp_shared.messaging import add_messaging_tables

metadata = new_metadata()
messaging = add_messaging_tables(metadata)


class Base(DeclarativeBase):
    metadata = metadata


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    application_id: Mapped[str] = mapped_column(String(36), unique=True)
    receipt_number: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(40), index=True)
    applicant: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    documents: Mapped[list[dict[str, Any]]] = mapped_column(EncryptedJSON)
    office_code: Mapped[str] = mapped_column(String(40), index=True)
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    reason_code: Mapped[str | None] = mapped_column(String(60))
    message: Mapped[str | None] = mapped_column(Text)


class Appointment(Base):
    __tablename__ = "appointments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    application_id: Mapped[str] = mapped_column(String(36), index=True)
    office_code: Mapped[str] = mapped_column(String(40))
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    """Append-only: who did what to which case, when, with the state before and after."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(60))
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    before: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
