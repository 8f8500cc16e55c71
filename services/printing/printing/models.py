"""Tables the printing service owns: the verified card data, print jobs and the handover."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ektp_shared.db import EncryptedJSON, UTCDateTime, new_metadata
from ektp_shared.messaging import add_messaging_tables

metadata = new_metadata()
messaging = add_messaging_tables(metadata)


class Base(DeclarativeBase):
    metadata = metadata


class Card(Base):
    __tablename__ = "cards"

    application_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    receipt_number: Mapped[str] = mapped_column(String(40), index=True)
    nik_hash: Mapped[str] = mapped_column(String(64))
    card_holder: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    office: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    fingerprint_digests: Mapped[list[str] | None] = mapped_column(EncryptedJSON)
    state: Mapped[str] = mapped_column(String(30), index=True)
    serial: Mapped[str | None] = mapped_column(String(40), unique=True)
    verified_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    printed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    pickup_from: Mapped[dt.date | None] = mapped_column(Date)
    collected_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    collected_by: Mapped[str | None] = mapped_column(String(20))


class PrintJob(Base):
    """queued → sent → printed, or failed; a job in ``sent`` after a crash is asked of the printer, never
    blindly printed again (the driver is idempotent by job id)."""

    __tablename__ = "print_jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("cards.application_id"), index=True)
    printer_uri: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(20), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
