"""Temporary identity letters: one is issued when an applicant's card waits because the office is out
of blank cards, and again only once the previous one has expired."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from ektp_shared.calendar import local_day
from ektp_shared.contracts.printing import CARD_TEMPORARY_LETTER_ISSUED
from ektp_shared.uow import UnitOfWork

from .letter_pdf import LetterContent, render
from .models import Card, TemporaryLetter
from .rules.card_fields import card_fields, issue_place
from .rules.temporary_letter import letter_number, valid_until


def current(uow: UnitOfWork, application_id: str) -> TemporaryLetter | None:
    return uow.session.scalar(select(TemporaryLetter).where(TemporaryLetter.application_id == application_id)
                              .order_by(TemporaryLetter.issued_at.desc()).limit(1))


def ensure(uow: UnitOfWork, card: Card, now: dt.datetime, months: int) -> TemporaryLetter | None:
    """Issue a letter unless the applicant holds one still valid; returns the new letter, if any."""
    today = local_day(now, card.office.get("timezone", "Asia/Jakarta"))
    latest = current(uow, card.application_id)
    if latest is not None and latest.valid_until >= today:
        return None
    sequence = 1 + int(uow.session.scalar(select(func.coalesce(func.max(TemporaryLetter.sequence), 0))
                                          .where(TemporaryLetter.office_code == card.office_code,
                                                 TemporaryLetter.year == today.year)) or 0)
    letter = TemporaryLetter(number=letter_number(sequence, card.office_code, today), application_id=card.application_id,
                             office_code=card.office_code, year=today.year, sequence=sequence, issued_at=now,
                             valid_until=valid_until(today, months))
    uow.session.add(letter)
    uow.emit(CARD_TEMPORARY_LETTER_ISSUED, {"application_id": card.application_id, "letter_number": letter.number,
                                            "issued_at": now, "valid_until": letter.valid_until, "office": card.office},
             correlation_id=card.application_id)
    return letter


def pdf(card: Card, letter: TemporaryLetter, portrait: bytes | None) -> bytes:
    issued = local_day(letter.issued_at, card.office.get("timezone", "Asia/Jakarta"))
    return render(LetterContent(number=letter.number, card=card_fields(card.card_holder), office_name=card.office["name"],
                                office_address=card.office["address"], place=issue_place(card.card_holder),
                                issued=issued, valid_until=letter.valid_until, portrait=portrait))
