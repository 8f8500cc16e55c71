"""Tables the verification service owns: cases and their flags, offices, appointments and their slots,
interviews, and the officers' audit log. Personal data is encrypted (AES-GCM)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Integer, String, Text, UniqueConstraint
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
    kind: Mapped[str] = mapped_column(String(40), index=True)
    changes: Mapped[list[str]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(40), index=True)
    state_since: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # While PAUSED: the state to return to (events that arrive meanwhile move this one).
    resume_state: Mapped[str | None] = mapped_column(String(40))
    applicant: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    residence: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    # KIA only: the applying parent (NIK, name), checked against the child's KK in the registry.
    parent: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    documents: Mapped[list[dict[str, Any]]] = mapped_column(EncryptedJSON)
    # None for cases opened before the checks existed.
    findings: Mapped[list[dict[str, Any]] | None] = mapped_column(EncryptedJSON)
    office_code: Mapped[str] = mapped_column(String(40), index=True)
    # outside_domicile: the regency whose office the citizen chose (the office serves it, not the address).
    office_regency: Mapped[str | None] = mapped_column(String(5))
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # The queue is oldest first within priority; a resubmitted case keeps its place and gains priority.
    queued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    lease_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    correction_rounds: Mapped[int] = mapped_column(Integer, default=0)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    reason_code: Mapped[str | None] = mapped_column(String(60))
    message: Mapped[str | None] = mapped_column(Text)
    # A rejection waiting for a second officer: {by, reason_code, message, at, from_state}.
    proposed_rejection: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    # After a missed appointment: when the application expires unless a new one is booked.
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    # A suspected biometric duplicate: the reference and the candidates with their scores.
    biometric_reference: Mapped[str | None] = mapped_column(String(36))
    candidates: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)


class CaseFlag(Base):
    """The automatic checks' finding codes of a case, for filtering the queue (no personal data)."""

    __tablename__ = "case_flags"

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(60), primary_key=True, index=True)


class Office(Base):
    """An office that captures biometrics: the regency's Disdukcapil or a UPT serving some districts.
    Regencies without a row are served by a Disdukcapil with the default capacity and hours."""

    __tablename__ = "offices"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    serves: Mapped[str] = mapped_column(String(13), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    timezone: Mapped[str] = mapped_column(String(40))
    daily_capacity: Mapped[int] = mapped_column(Integer)
    opens: Mapped[str] = mapped_column(String(5))
    closes: Mapped[str] = mapped_column(String(5))


class Appointment(Base):
    __tablename__ = "appointments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    application_id: Mapped[str] = mapped_column(String(36), index=True)
    office_code: Mapped[str] = mapped_column(String(40))
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    state: Mapped[str] = mapped_column(String(20), index=True, default="SCHEDULED")
    state_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    replaces: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AppointmentSlot(Base):
    """A taken slot: its primary key makes two bookings of one slot impossible, even at the same moment.
    Freeing a slot (reschedule, no-show) deletes the row; the appointment keeps its history."""

    __tablename__ = "appointment_slots"

    office_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    appointment_id: Mapped[str] = mapped_column(String(36), unique=True)


class Interview(Base):
    __tablename__ = "interviews"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(String(10))
    # The number the officer calls or the meeting link: personal data, encrypted.
    contact: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    state: Mapped[str] = mapped_column(String(20), default="SCHEDULED")
    state_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    outcome_notes: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    scheduled_by: Mapped[str] = mapped_column(String(120))
    recorded_by: Mapped[str | None] = mapped_column(String(120))
    # When the citizen was reminded (interview.reminder), once.
    reminded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class InterviewSlot(Base):
    """An officer's availability for interviews: one slot per row, taken by at most one interview."""

    __tablename__ = "interview_slots"
    __table_args__ = (UniqueConstraint("officer", "starts_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    officer: Mapped[str] = mapped_column(String(120), index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    minutes: Mapped[int] = mapped_column(Integer)
    interview_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    """Append-only: who did what to which case, when, with the state before and after."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(60))
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    office_code: Mapped[str | None] = mapped_column(String(40), index=True)  # the case's office when it was done
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    before: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
