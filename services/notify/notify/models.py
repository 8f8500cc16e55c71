"""Tables the notify service owns: how to reach each applicant (encrypted), the delivery log, and the
provider message ids that delivery receipts refer to."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ektp_shared.db import EncryptedJSON, EncryptedText, UTCDateTime, new_metadata
from ektp_shared.messaging import add_messaging_tables

metadata = new_metadata()
messaging = add_messaging_tables(metadata)


class Base(DeclarativeBase):
    metadata = metadata


class Contact(Base):
    __tablename__ = "contacts"

    application_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    receipt_number: Mapped[str] = mapped_column(String(40))
    # The office the application is with, for the officers' boundary: the regency's from the receipt number
    # until an event names the office (approval, appointment, card).
    office_code: Mapped[str | None] = mapped_column(String(40), index=True)
    language: Mapped[str] = mapped_column(String(2))
    # ektp, or kia: a child's card, whose messages are addressed to the parent who applied (the contact's owner).
    document_type: Mapped[str] = mapped_column(String(10), server_default="ektp")
    email: Mapped[str | None] = mapped_column(EncryptedText)
    phone: Mapped[str | None] = mapped_column(EncryptedText)  # E.164
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Delivery(Base):
    """One message of one milestone on one channel: unique per (event, channel), so a redelivered event
    never produces a second message. PENDING → SENDING (claimed by a sender) → SENT → DELIVERED, or FAILED."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("event_id", "channel"),
                      Index("ix_deliveries_recipient_sent", "recipient_hash", "sent_at"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(200))
    event_key: Mapped[str] = mapped_column(String(80))
    channel: Mapped[str] = mapped_column(String(10))
    application_id: Mapped[str] = mapped_column(String(36), index=True)
    recipient_hash: Mapped[str | None] = mapped_column(String(64))  # keyed hash of channel and address: the rate limit's key
    # Where a message that is not about an application goes (a one-time code); otherwise the application's contact.
    address: Mapped[str | None] = mapped_column(EncryptedText)
    variables: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    status: Mapped[str] = mapped_column(String(20), index=True)
    status_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    provider: Mapped[str | None] = mapped_column(String(40))
    provider_message_ids: Mapped[str | None] = mapped_column(Text)
    parts: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class ProviderMessage(Base):
    """A message id a provider gave for (a part of) a delivery, and the delivery receipt for it. A
    receipt that arrives before its delivery is recorded as sent waits here without a delivery."""

    __tablename__ = "provider_messages"

    provider: Mapped[str] = mapped_column(String(40), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    delivery_id: Mapped[str | None] = mapped_column(ForeignKey("deliveries.id"), index=True)
    receipt: Mapped[str | None] = mapped_column(String(20))  # delivered | failed
    reason: Mapped[str | None] = mapped_column(String(200))
    received_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
