"""Tables the printing service owns: the verified card data, print jobs, the printer fleet, blank-card
stock, temporary letters, powers of attorney, office policies and the audit trail of officer actions."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ektp_shared.db import EncryptedJSON, EncryptedText, UTCDateTime, new_metadata
from ektp_shared.messaging import add_messaging_tables

metadata = new_metadata()
messaging = add_messaging_tables(metadata)


class Base(DeclarativeBase):
    metadata = metadata


class Card(Base):
    """One applicant's card through printing, pickup and handover. `serial` is the serial of the card
    currently in existence (a reprint replaces it; the old one is void in `blank_cards`)."""

    __tablename__ = "cards"

    application_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    receipt_number: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(30), server_default="new")
    # ektp, or kia: the child's card (its own front, no biometrics, the parent collects it).
    document_type: Mapped[str] = mapped_column(String(10), server_default="ektp")
    office_code: Mapped[str] = mapped_column(String(40), index=True, server_default="")
    nik_hash: Mapped[str] = mapped_column(String(64))
    kk_hash: Mapped[str | None] = mapped_column(String(64))
    card_holder: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    office: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    fingerprint_digests: Mapped[list[str] | None] = mapped_column(EncryptedJSON)
    # KIA only: the applying parent (NIK, name; the name is printed), found by NIK at the handover, and the
    # child's photo at intake (document id and SHA-256; none under 5), the card's portrait.
    parent: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    parent_hash: Mapped[str | None] = mapped_column(String(64))
    photo: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(30), index=True)
    state_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    serial: Mapped[str | None] = mapped_column(String(40), unique=True)
    verified_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    printed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ready_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    pickup_from: Mapped[dt.date | None] = mapped_column(Date)
    reminders_sent: Mapped[int] = mapped_column(Integer, server_default="0")
    last_reminder_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reported_uncollected_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    refused_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    refused_fields: Mapped[list[str] | None] = mapped_column(JSON)
    collected_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    collected_by: Mapped[str | None] = mapped_column(String(20))
    collector_relation: Mapped[str | None] = mapped_column(String(20))
    collector_nik_hash: Mapped[str | None] = mapped_column(String(64))
    # A replacement: what became of the old card (handed_in, reported_lost); on the old card, when it was withdrawn.
    old_card: Mapped[str | None] = mapped_column(String(20))
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The fingerprint at the handover (rules/pickup.fingerprint): verified, overridden or not_checked, and the
    # officer's reason for handing over a card whose fingerprint did not match.
    fingerprint: Mapped[str | None] = mapped_column(String(20))
    fingerprint_override: Mapped[str | None] = mapped_column(EncryptedText)


class Printer(Base):
    """A printer of an office (`office_code` "*" is the shared fleet), with what it last reported."""

    __tablename__ = "printers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    office_code: Mapped[str] = mapped_column(String(40), index=True)
    uri: Mapped[str] = mapped_column(String(300))
    in_rotation: Mapped[bool] = mapped_column(Boolean)
    held_by_operator: Mapped[bool] = mapped_column(Boolean)
    out_reason: Mapped[str | None] = mapped_column(String(200))
    online: Mapped[bool | None] = mapped_column(Boolean)
    conditions: Mapped[str | None] = mapped_column(String(200))
    ribbon_remaining: Mapped[int | None] = mapped_column(Integer)
    cards_in_feeder: Mapped[int | None] = mapped_column(Integer)
    polled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class PrintJob(Base):
    """queued → sent → printed → qc_passed | qc_failed, or failed (see print_jobs.py). Each physical
    attempt has its own device job id; a job in `sent` after a crash is asked of its printer, never
    blindly printed again."""

    __tablename__ = "print_jobs"
    __table_args__ = (Index("ix_print_jobs_due", "state", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("cards.application_id"), index=True)
    office_code: Mapped[str] = mapped_column(String(40), server_default="")
    priority: Mapped[int] = mapped_column(Integer, server_default="0")
    purpose: Mapped[str] = mapped_column(String(20), server_default="first")
    requested_by: Mapped[str | None] = mapped_column(String(80))
    request_reason: Mapped[str | None] = mapped_column(EncryptedText)  # free text: may name people
    printer_id: Mapped[str | None] = mapped_column(ForeignKey("printers.id"))
    state: Mapped[str] = mapped_column(String(20), index=True)
    state_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    retries: Mapped[int] = mapped_column(Integer, server_default="0")
    spoiled: Mapped[int] = mapped_column(Integer, server_default="0")
    serial: Mapped[str | None] = mapped_column(String(40))
    outcome_unknown: Mapped[bool] = mapped_column(Boolean, server_default=false())
    chip_verified: Mapped[bool | None] = mapped_column(Boolean)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    printed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    qc_field: Mapped[str | None] = mapped_column(String(40))
    qc_note: Mapped[str | None] = mapped_column(EncryptedText)
    qc_by: Mapped[str | None] = mapped_column(String(80))
    qc_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    traceparent: Mapped[str | None] = mapped_column(String(512))  # the trace that queued the job: printing continues it
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class StockBatch(Base):
    """A delivery of blank cards (blanko) to an office: a consecutive range of serials."""

    __tablename__ = "stock_batches"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    office_code: Mapped[str] = mapped_column(String(40), index=True)
    reference: Mapped[str] = mapped_column(String(80))
    first_serial: Mapped[str] = mapped_column(String(40))
    last_serial: Mapped[str] = mapped_column(String(40))
    count: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    received_by: Mapped[str] = mapped_column(String(80))


class BlankCard(Base):
    """One blank card: available → reserved (fed to a printer) → issued (a good card), or void."""

    __tablename__ = "blank_cards"
    __table_args__ = (Index("ix_blank_cards_office_state", "office_code", "state"),)

    serial: Mapped[str] = mapped_column(String(40), primary_key=True)
    office_code: Mapped[str] = mapped_column(String(40))
    batch_id: Mapped[str] = mapped_column(ForeignKey("stock_batches.id"), index=True)
    state: Mapped[str] = mapped_column(String(10))
    application_id: Mapped[str | None] = mapped_column(String(36))
    job_id: Mapped[str | None] = mapped_column(String(36))
    void_reason: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class OfficePolicy(Base):
    __tablename__ = "office_policies"

    office_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    representative: Mapped[str] = mapped_column(String(20))
    low_stock_threshold: Mapped[int] = mapped_column(Integer)
    qc_by_operator: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(80))


class TemporaryLetter(Base):
    """A Surat Keterangan issued while the office had no blank card for the applicant."""

    __tablename__ = "temporary_letters"

    number: Mapped[str] = mapped_column(String(80), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("cards.application_id"), index=True)
    office_code: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    valid_until: Mapped[dt.date] = mapped_column(Date)


class PowerOfAttorney(Base):
    """A surat kuasa uploaded for a card; the document itself is in the object store, encrypted."""

    __tablename__ = "powers_of_attorney"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("cards.application_id"), index=True)
    object_key: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[str] = mapped_column(String(80))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # The representative the letter names: their NIK as a keyed hash, their name encrypted ({"name": ...}).
    representative_nik_hash: Mapped[str | None] = mapped_column(String(64))
    representative: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)


class FingerprintCheck(Base):
    """One finger of the person at the pickup desk verified 1:1 by biometrics against the holder's enrolment:
    the result only (no image, no template is kept here)."""

    __tablename__ = "fingerprint_checks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("cards.application_id"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # ISO finger position 1-10
    match: Mapped[bool] = mapped_column(Boolean)
    evidence: Mapped[float] = mapped_column(Float)  # the 1:1 score: -log10(fmr)
    fmr: Mapped[float] = mapped_column(Float)
    target_fmr: Mapped[float] = mapped_column(Float)
    checked_by: Mapped[str] = mapped_column(String(80))
    checked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    """Who did what to which card, and why (officer actions)."""

    __tablename__ = "audit_log"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    application_id: Mapped[str | None] = mapped_column(String(36), index=True)
    office_code: Mapped[str | None] = mapped_column(String(40), index=True)  # the office the action was for
    details: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)  # reasons are free text
