"""The tables of fees and payments, on intake's metadata (a migration of their own)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ektp_shared.db import UTCDateTime

from ..models import Application, Base


class Fee(Base):
    """A regency's fee for one application kind; a missing row is Rp0."""

    __tablename__ = "fees"

    regency_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    rupiah: Mapped[int] = mapped_column(Integer)
    basis: Mapped[str | None] = mapped_column(Text)  # the regional regulation the fee rests on
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(120))


class FeeChange(Base):
    """Append-only: who set which fee, from what to what, when."""

    __tablename__ = "fee_changes"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    regency_code: Mapped[str] = mapped_column(String(5), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    before: Mapped[int] = mapped_column(Integer)
    after: Mapped[int] = mapped_column(Integer)
    basis: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(120))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Payment(Base):
    """One attempt to pay an application's fee. Its id is the gateway's order_id (no personal data in it)."""

    __tablename__ = "payments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    rupiah: Mapped[int] = mapped_column(Integer)
    basis: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    pay_url: Mapped[str | None] = mapped_column(Text)  # the gateway's page where the citizen pays
    transaction_status: Mapped[str | None] = mapped_column(String(20))  # the gateway's last confirmed status
    transaction_id: Mapped[str | None] = mapped_column(String(64))
    payment_type: Mapped[str | None] = mapped_column(String(40))
    paid_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # A payment that came after its application ended is given back (rules.RefundState); None: nothing to refund.
    refund_state: Mapped[str | None] = mapped_column(String(20), index=True)
    refund_attempts: Mapped[int] = mapped_column(Integer, default=0)
    refund_error: Mapped[str | None] = mapped_column(Text)  # the gateway's last answer when it did not refund
    refunded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    # Application.payments: its attempts, oldest first (the newest counts).
    application: Mapped[Application] = relationship(backref=backref("payments", order_by="Payment.created_at"))
