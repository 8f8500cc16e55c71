"""Tables the biometrics service owns. Templates are encrypted; raw images live (encrypted) in the bucket.

An enrolment is known to the matcher only by its pseudonymous ``reference_id``; the link to the
application stays in this service's database.
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


class Capture(Base):
    __tablename__ = "captures"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("enrolments.application_id"), index=True)
    captured_by: Mapped[str] = mapped_column(String(120))
    captured_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    image_keys: Mapped[dict[str, str]] = mapped_column(EncryptedJSON)  # "face" / "finger_<n>" -> object key


class Template(Base):
    __tablename__ = "templates"
    __table_args__ = (UniqueConstraint("reference_id", "modality", "position"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    reference_id: Mapped[str] = mapped_column(String(36), index=True)
    modality: Mapped[str] = mapped_column(String(10))  # face | finger
    position: Mapped[int] = mapped_column(Integer)  # ISO finger position 1-10; 0 for the face
    data: Mapped[bytes] = mapped_column(EncryptedBytes)
    quality: Mapped[float | None] = mapped_column(Float)
