"""Use cases of a card before pickup: keep the verified data, queue the first print once the holder is
enrolled, take corrected data after a refusal, the operator's inspection and reprint decisions."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from ektp_shared.contracts import CloudEvent
from ektp_shared.serialization import jsonable
from ektp_shared.uow import UnitOfWork

from . import audit, blanks, pickups, printjobs, states
from .card import Issue, render
from .card.chip import chip_record
from .card_data import card_fields, issue_place
from .drivers import PrintDocument
from .models import Card
from .quality import DEFECTS

_NO_REPRINT = {
    states.QUEUED_FOR_PRINT: "a print of this card is queued already",
    states.AWAITING_QC: "the card waits for inspection: record a defect to reprint it",
    states.COLLECTED: "the card was handed over: a new card needs a replacement application",
}


class CardActionRefused(ValueError):
    """The action does not fit the card's state (409) or an input is wrong (422, `field`)."""

    def __init__(self, field: str, message: str, conflict: bool = True):
        super().__init__(message)
        self.field = field
        self.conflict = conflict


def keep_card_data(uow: UnitOfWork, event: CloudEvent, nik_hash: str, kk_hash: str, now: dt.datetime) -> None:
    """The verified data. A card refused at pickup takes corrected data from a later verification and
    is reprinted; any other repeat of the verification changes nothing."""
    application_id = str(event.data["application_id"])
    card = uow.session.get(Card, application_id)
    if card is None:
        office = jsonable(event.data["office"])
        uow.session.add(Card(application_id=application_id, receipt_number=event.data["receipt_number"],
                             kind=event.data["kind"], office_code=office["code"], nik_hash=nik_hash, kk_hash=kk_hash,
                             card_holder=jsonable(event.data["card_holder"]), office=office,
                             state=states.AWAITING_BIOMETRICS, verified_at=now, reminders_sent=0))
        return
    if card.state != states.AWAITING_CORRECTION:
        return
    card.card_holder, card.nik_hash, card.kk_hash = jsonable(event.data["card_holder"]), nik_hash, kk_hash
    card.verified_at, card.state = now, states.QUEUED_FOR_PRINT
    printjobs.create(uow, card, printjobs.CORRECTION, now,
                     reason="corrected after refusal: " + ",".join(card.refused_fields or []))
    audit.record(uow, "verification", "corrected_data", now, application_id, fields=card.refused_fields or [])


def queue_first_print(uow: UnitOfWork, event: CloudEvent, now: dt.datetime) -> None:
    card = uow.session.get(Card, str(event.data["application_id"]))
    if card is None:
        raise LookupError("enrolled before the verified card data arrived")  # retried until it has
    if card.state != states.AWAITING_BIOMETRICS:
        return
    card.fingerprint_digests = list(event.data.get("fingerprint_digests") or [])
    card.state = states.QUEUED_FOR_PRINT
    printjobs.create(uow, card, printjobs.FIRST, now)


def document_for(card: Card, portrait: bytes, encode_chip: bool) -> PrintDocument:
    """The card front (and, for a printer with a chip encoder, the chip record) from the card's data."""
    fields = card_fields(card.card_holder)
    issued = card.verified_at.astimezone(ZoneInfo(card.office.get("timezone", "Asia/Jakarta"))).date()
    front = render(fields, portrait, Issue(issue_place(card.card_holder), issued), card.card_holder["full_name"])
    digests = card.fingerprint_digests or []
    chip = chip_record(fields, digests) if encode_chip and len(digests) == 2 else None
    return PrintDocument(png=front.png, pdf=front.pdf, chip=chip)


def quality_check(uow: UnitOfWork, card: Card, passed: bool, defect: str | None, note: str | None, actor: str,
                  now: dt.datetime, settings) -> None:
    """The operator's inspection of a printed card: it passes (pickup is announced), or a defect voids
    its serial and queues one reprint."""
    if card.state != states.AWAITING_QC:
        raise CardActionRefused("application_id", f"the card is {card.state}, not waiting for inspection")
    if not passed and defect not in DEFECTS:
        raise CardActionRefused("field", f"name the defect among: {', '.join(DEFECTS)}", conflict=False)
    job = printjobs.latest(uow, card.application_id)
    job.qc_by, job.qc_at, job.updated_at = actor[:80], now, now
    if passed:
        job.state = printjobs.QC_PASSED
        pickups.announce(uow, card, now, settings)
        audit.record(uow, actor, "quality_passed", now, card.application_id, serial=card.serial)
        return
    job.state, job.qc_field, job.qc_note = printjobs.QC_FAILED, defect, note
    serial = card.serial
    blanks.void(uow, serial, f"failed inspection: {defect}", now)
    card.serial, card.state = None, states.QUEUED_FOR_PRINT
    printjobs.create(uow, card, printjobs.REPRINT, now, requested_by=actor, reason=f"failed inspection: {defect}")
    audit.record(uow, actor, "quality_failed", now, card.application_id, defect=defect, serial=serial)


def reprint(uow: UnitOfWork, card: Card, reason: str, actor: str, now: dt.datetime) -> None:
    """An operator's reprint decision, with its reason. It voids the serial of the card it replaces: a
    card waiting for pickup (damaged or lost in the office), a refused card whose data was right, a job
    that gave up, or an attempt still at a printer that will not deliver."""
    job = printjobs.latest(uow, card.application_id)
    void = None
    if card.state == states.READY_FOR_PICKUP:
        void = card.serial
        blanks.void(uow, void, f"reprint: {reason}", now)
        card.serial = card.ready_at = card.pickup_from = None
    elif card.state == states.QUEUED_FOR_PRINT and job is not None and job.state == printjobs.SENT:
        void = job.serial
        printjobs.write_off(uow, job, actor, now)
    elif card.state not in (states.AWAITING_CORRECTION, states.PRINT_FAILED):
        raise CardActionRefused("application_id", _NO_REPRINT.get(card.state, f"the card is {card.state}: nothing to reprint"))
    card.state = states.QUEUED_FOR_PRINT
    printjobs.create(uow, card, printjobs.REPRINT, now, requested_by=actor, reason=reason)
    audit.record(uow, actor, "reprint", now, card.application_id, reason=reason, void_serial=void)
