"""Tables the intake service owns. Personal data is encrypted (AES-GCM); the NIK is found by its HMAC."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ektp_shared.db import EncryptedJSON, UTCDateTime, new_metadata
from ektp_shared.messaging import add_messaging_tables

metadata = new_metadata()
messaging = add_messaging_tables(metadata)


class Base(DeclarativeBase):
    metadata = metadata


class Application(Base):
    __tablename__ = "applications"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    changes: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(40), index=True)
    status_since: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status_reason: Mapped[str | None] = mapped_column(Text)
    receipt_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    # The signed-in citizen's NIK (the parent's, for a child's card): whose application it is.
    nik_hash: Mapped[str] = mapped_column(String(64), index=True)
    # The card holder's NIK (the child's, for a KIA; else nik_hash's): one active application per holder.
    holder_hash: Mapped[str] = mapped_column(String(64))
    # The holder's NIK hash while the application is submitted and not final: the unique index makes "one active
    # application per NIK" hold even when two drafts are submitted at the same moment.
    active_nik: Mapped[str | None] = mapped_column(String(64), unique=True)
    applicant: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    residence: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    # KIA only: the applying parent (NIK, name), on the child's KK.
    parent: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    contact: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    language: Mapped[str] = mapped_column(String(2), default="id")
    # outside_domicile only: the regency whose office the citizen chose (e.g. "32.73"); else the address decides.
    office_regency: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    correction_round: Mapped[int] = mapped_column(Integer, default=0)
    # While a correction is requested: what to change, and the data and document digests as they were then.
    corrections: Mapped[list[dict[str, Any]] | None] = mapped_column(EncryptedJSON)
    correction_baseline: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    appointment: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)

    documents_purged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # When the citizen was reminded of the unpaid fee (payment.reminder): once per application.
    payment_reminded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    documents: Mapped[list["Document"]] = relationship(back_populates="application", order_by="Document.kind")
    timeline: Mapped[list["TimelineEntry"]] = relationship(order_by="TimelineEntry.id")


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("application_id", "kind"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    object_key: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship(back_populates="documents")


class TimelineEntry(Base):
    __tablename__ = "timeline"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    stage: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    event_type: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)


class IdempotencyKey(Base):
    """A client's Idempotency-Key for a request that changed state: a retry gets the first answer again."""

    __tablename__ = "idempotency_keys"

    scope: Mapped[str] = mapped_column(String(80), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    application_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


class AccessEntry(Base):
    """Append-only: who read a citizen's record or document, through which door, when."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(String(36), index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(60))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class CitizenCode(Base):
    """A one-time code sent to an address: only its keyed hash is kept, with the tries left."""

    __tablename__ = "citizen_codes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    nik_hash: Mapped[str] = mapped_column(String(64), index=True)
    address_key: Mapped[str] = mapped_column(String(64), index=True)  # keyed hash of channel and address
    channel: Mapped[str] = mapped_column(String(10))
    code_hash: Mapped[str] = mapped_column(String(64))
    session_hash: Mapped[str | None] = mapped_column(String(64))  # adding a contact to this sign-in
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    tries_left: Mapped[int] = mapped_column(Integer)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class CitizenSession(Base):
    """A citizen's sign-in: the NIK and the addresses proven by a code. The token itself is never stored,
    only its keyed hash."""

    __tablename__ = "citizen_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    nik_hash: Mapped[str] = mapped_column(String(64), index=True)
    address_keys: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
