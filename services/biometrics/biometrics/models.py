"""Tables the biometrics service owns. Templates are encrypted; raw images live (encrypted) in the bucket.

Two sides share the database. The enrolment side (enrolments, captures, photos) knows which application
a capture belongs to. The matcher side (templates, gallery) knows only the pseudonymous
``reference_id``: it never sees an application, a NIK or a name.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ektp_shared.db import EncryptedBytes, EncryptedJSON, UTCDateTime, new_metadata
from ektp_shared.messaging import add_messaging_tables

metadata = new_metadata()
messaging = add_messaging_tables(metadata)


class Base(DeclarativeBase):
    metadata = metadata


class Enrolment(Base):
    __tablename__ = "enrolments"

    application_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    reference_id: Mapped[str] = mapped_column(String(36), unique=True)
    state: Mapped[str] = mapped_column(String(40), index=True)
    office_code: Mapped[str] = mapped_column(String(40))
    eligible_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    captured_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    candidates: Mapped[list[dict[str, Any]] | None] = mapped_column(EncryptedJSON)
    capture_id: Mapped[str | None] = mapped_column(String(36))  # the capture being (or last) decided
    state_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The adjudicator's decision on a suspected duplicate: decision, adjudicator, decided_at.
    adjudication: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    # The applicant's NIK as its keyed hash (never the number) and the application's kind: a replacement or a
    # data change is checked 1:1 against the citizen's own earlier enrolment, found by this hash.
    nik_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    kind: Mapped[str | None] = mapped_column(String(40))


class Capture(Base):
    __tablename__ = "captures"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("enrolments.application_id"), index=True)
    captured_by: Mapped[str] = mapped_column(String(120))
    captured_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    image_keys: Mapped[dict[str, str]] = mapped_column(EncryptedJSON)  # "face" / "finger_<n>" -> object key
    # The live face against the application's photo (face_checks.FaceCheck), and an officer's review of it.
    face_check: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    # A replacement's or data change's fingers against the citizen's own earlier enrolment
    # (rules/holder_checks.HolderCheck), and an officer's review of a mismatch.
    holder_check: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)


class Photo(Base):
    """The 4x6 photo an application was submitted with (latest round): what the live face is compared to.
    A row without a document says the submission had no photo (kinds other than a first card)."""

    __tablename__ = "photos"

    application_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    document_id: Mapped[str | None] = mapped_column(String(36))
    sha256: Mapped[str | None] = mapped_column(String(64))
    round: Mapped[int] = mapped_column(Integer)  # 0 for the submission, n for the n-th resubmission
    noted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Template(Base):
    """A template of a reference, by the model that made it: a face may have one per face model while
    stored faces are migrated to a new model (face_migration.py); comparisons stay within a model."""

    __tablename__ = "templates"
    __table_args__ = (UniqueConstraint("reference_id", "modality", "position", "model"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    reference_id: Mapped[str] = mapped_column(String(36), index=True)
    modality: Mapped[str] = mapped_column(String(10))  # face | finger
    position: Mapped[int] = mapped_column(Integer)  # ISO finger position 1-10; 0 for the face
    model: Mapped[str] = mapped_column(String(40), index=True)  # e.g. sface-2021dec, dlib-resnet-v1, leader-iso19794-2
    data: Mapped[bytes] = mapped_column(EncryptedBytes)
    quality: Mapped[float | None] = mapped_column(Float)


class GalleryEntry(Base):
    """A reference the 1:N search compares against. ``seq`` orders the entries as they were committed
    (assigned under the gallery lock), so each matcher replica loads what is new since its last look."""

    __tablename__ = "gallery"

    reference_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), unique=True)
    inserted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    """Append-only: which officer, at which office, did what to which enrolment, and when (reads included)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    office_code: Mapped[str] = mapped_column(String(40), index=True)
    action: Mapped[str] = mapped_column(String(40))
    application_id: Mapped[str] = mapped_column(String(36), index=True)
    details: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)  # notes are free text


class FaceMigration(Base):
    """A reference's face re-extracted with a newer model from its stored capture: done (the new template
    is in ``templates``) or failed (the new model found no acceptable face; the old template stays)."""

    __tablename__ = "face_migrations"

    reference_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    model: Mapped[str] = mapped_column(String(40), primary_key=True)
    capture_id: Mapped[str] = mapped_column(String(36))
    outcome: Mapped[str] = mapped_column(String(20))  # migrated | failed
    reason: Mapped[str | None] = mapped_column(String(40))  # failed: the capture-rule code
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
