"""Use cases of a card before pickup: keep the verified data, queue the first print once the holder is
enrolled, take corrected data after a refusal, the operator's inspection and reprint decisions."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from ektp_shared import transitions
from ektp_shared.calendar import local_day
from ektp_shared.contracts import CloudEvent
from ektp_shared.contracts.documents import DocumentType, Step, skips
from ektp_shared.refusal import Refused, Why, not_found
from ektp_shared.serialization import jsonable
from ektp_shared.uow import UnitOfWork

from . import audit, blank_cards, pickups, print_jobs
from .card_front import Issue, render, render_kia
from .card_front.chip import chip_record
from .context import PrintingContext
from .drivers import PrintDocument
from .models import Card
from .portraits import Portraits
from .rules.card_fields import card_fields, issue_place, kia_fields
from .rules.quality import DEFECTS
from .rules.states import CARD, PRINT_JOB, CardState, JobState

_NO_REPRINT = {
    CardState.QUEUED_FOR_PRINT.value: "a print of this card is queued already",
    CardState.AWAITING_QC.value: "the card waits for inspection: record a defect to reprint it",
    CardState.COLLECTED.value: "the card was handed over: a new card needs a replacement application",
}


def refused(message: str, field: str = "application_id") -> Refused:
    """The action does not fit the card's state (409)."""
    return Refused("card_action_refused", message, field=field, location="path" if field == "application_id" else "json",
                   why=Why.CONFLICT)


def get(uow: UnitOfWork, application_id: str) -> Card:
    card = uow.session.get(Card, application_id)
    if card is None:
        raise not_found("not_found", "no card is known for this application", field="application_id", location="path")
    return card


def by_receipt(uow: UnitOfWork, receipt_number: str, scope: frozenset[str] | None) -> list[Card]:
    """The cards of a receipt number (one, or none) among ``scope``'s offices (None: every office)."""
    chosen = select(Card).where(Card.receipt_number == receipt_number)
    if scope is not None:
        chosen = chosen.where(Card.office_code.in_(sorted(scope)))
    return list(uow.session.scalars(chosen))


def counts_by_document_type(uow: UnitOfWork) -> dict[tuple[str, str], int]:
    """Cards per (document type, state): the e-KTP and the child's card (KIA) side by side."""
    rows = uow.session.execute(select(Card.document_type, Card.state, func.count()).group_by(Card.document_type, Card.state))
    return {(document_type, state): count for document_type, state, count in rows}


def move(uow: UnitOfWork, card: Card, state: CardState, now: dt.datetime, **values: object) -> None:
    transitions.move_or_refuse(uow.session, CARD, card, state, now, field="application_id", **values)


def keep_card_data(uow: UnitOfWork, event: CloudEvent, nik_hash: str, kk_hash: str, now: dt.datetime,
                   parent_hash: str | None = None) -> None:
    """The verified data. A card refused at pickup takes corrected data from a later verification and
    is reprinted; any other repeat of the verification changes nothing. A document type without biometrics
    (the KIA) is queued for print at once: there is no enrolment to wait for."""
    application_id = str(event.data["application_id"])
    card = uow.session.get(Card, application_id)
    if card is None:
        office = jsonable(event.data["office"])
        printable = skips(event.data.get("document_type"), Step.BIOMETRICS)
        card = Card(application_id=application_id, receipt_number=event.data["receipt_number"],
                    kind=event.data["kind"], document_type=event.data.get("document_type") or "ektp", office_code=office["code"],
                    nik_hash=nik_hash, kk_hash=kk_hash, card_holder=jsonable(event.data["card_holder"]), office=office,
                    parent=jsonable(event.data.get("parent")), parent_hash=parent_hash, photo=jsonable(event.data.get("photo")),
                    state=(CardState.QUEUED_FOR_PRINT if printable else CardState.AWAITING_BIOMETRICS).value,
                    state_since=now, verified_at=now, reminders_sent=0)
        uow.session.add(card)
        if printable:
            uow.session.flush()  # the print job refers to the card
            print_jobs.create(uow, card, print_jobs.FIRST, now)
        return
    if card.state != CardState.AWAITING_CORRECTION.value:
        return
    move(uow, card, CardState.QUEUED_FOR_PRINT, now, card_holder=jsonable(event.data["card_holder"]),
         nik_hash=nik_hash, kk_hash=kk_hash, verified_at=now, parent=jsonable(event.data.get("parent")),
         parent_hash=parent_hash, photo=jsonable(event.data.get("photo")))
    print_jobs.create(uow, card, print_jobs.CORRECTION, now,
                      reason="corrected after refusal: " + ",".join(card.refused_fields or []))
    audit.record(uow, "verification", "corrected_data", now, application_id, card.office_code,
                 fields=card.refused_fields or [])


def queue_first_print(uow: UnitOfWork, event: CloudEvent, now: dt.datetime) -> None:
    card = uow.session.get(Card, str(event.data["application_id"]))
    if card is None:
        raise LookupError("enrolled before the verified card data arrived")  # retried until it has
    if card.state != CardState.AWAITING_BIOMETRICS.value:
        return
    move(uow, card, CardState.QUEUED_FOR_PRINT, now, fingerprint_digests=list(event.data.get("fingerprint_digests") or []))
    print_jobs.create(uow, card, print_jobs.FIRST, now)


def portrait_of(card: Card, portraits: Portraits) -> bytes | None:
    """The face printed on the card: the capture's (e-KTP), the uploaded photo (KIA from age 5), or none (KIA
    under 5)."""
    if card.document_type == DocumentType.KIA.value:
        return portraits.of(card.application_id, card.photo) if card.photo else None
    return portraits.of(card.application_id)


def document_for(card: Card, portrait: bytes | None, encode_chip: bool) -> PrintDocument:
    """The card front (and, for a printer with a chip encoder, the chip record) from the card's data; a KIA
    has its own front, with the portrait only when it has one (from age 5), and no chip."""
    issued = local_day(card.verified_at, card.office.get("timezone", "Asia/Jakarta"))
    issue = Issue(issue_place(card.card_holder), issued)
    if card.document_type == DocumentType.KIA.value:
        kia = render_kia(kia_fields(card.card_holder, card.parent or {}, issued), portrait, issue)
        return PrintDocument(png=kia.png, pdf=kia.pdf, chip=None)
    fields = card_fields(card.card_holder)
    front = render(fields, portrait, issue, card.card_holder["full_name"])
    digests = card.fingerprint_digests or []
    chip = chip_record(fields, digests) if encode_chip and len(digests) == 2 else None
    return PrintDocument(png=front.png, pdf=front.pdf, chip=chip)


def quality_check(uow: UnitOfWork, card: Card, passed: bool, defect: str | None, note: str | None, actor: str,
                  now: dt.datetime, context: PrintingContext) -> None:
    """The operator's inspection of a printed card: it passes (pickup is announced), or a defect voids
    its serial and queues one reprint."""
    if card.state != CardState.AWAITING_QC.value:
        raise refused(f"the card is {card.state}, not waiting for inspection")
    if not passed and defect not in DEFECTS:
        raise Refused("validation_failed", f"name the defect among: {', '.join(DEFECTS)}", field="field")
    job = print_jobs.latest(uow, card.application_id)
    job.qc_by, job.qc_at, job.updated_at = actor[:80], now, now
    if passed:
        transitions.move_or_refuse(uow.session, PRINT_JOB, job, JobState.QC_PASSED, now)
        pickups.announce(uow, card, now, context)
        audit.record(uow, actor, "quality_passed", now, card.application_id, card.office_code, serial=card.serial)
        return
    transitions.move_or_refuse(uow.session, PRINT_JOB, job, JobState.QC_FAILED, now, qc_field=defect,
                               qc_note=note)
    serial = card.serial
    blank_cards.void(uow, serial, f"failed inspection: {defect}", now)
    move(uow, card, CardState.QUEUED_FOR_PRINT, now, serial=None)
    print_jobs.create(uow, card, print_jobs.REPRINT, now, requested_by=actor, reason=f"failed inspection: {defect}")
    audit.record(uow, actor, "quality_failed", now, card.application_id, card.office_code, defect=defect, serial=serial)


def reprint(uow: UnitOfWork, card: Card, reason: str, actor: str, now: dt.datetime) -> None:
    """An operator's reprint decision, with its reason. It voids the serial of the card it replaces: a
    card waiting for pickup (damaged or lost in the office), a refused card whose data was right, a job
    that gave up, or an attempt still at a printer that will not deliver."""
    job = print_jobs.latest(uow, card.application_id)
    void = None
    if card.state == CardState.READY_FOR_PICKUP.value:
        void = card.serial
        blank_cards.void(uow, void, f"reprint: {reason}", now)
        card.serial = card.ready_at = card.pickup_from = None
    elif card.state == CardState.QUEUED_FOR_PRINT.value and job is not None and job.state == JobState.SENT.value:
        void = job.serial
        print_jobs.write_off(uow, job, actor, now)
    elif card.state not in (CardState.AWAITING_CORRECTION.value, CardState.PRINT_FAILED.value):
        raise refused(_NO_REPRINT.get(card.state, f"the card is {card.state}: nothing to reprint"))
    move(uow, card, CardState.QUEUED_FOR_PRINT, now)
    print_jobs.create(uow, card, print_jobs.REPRINT, now, requested_by=actor, reason=reason)
    audit.record(uow, actor, "reprint", now, card.application_id, card.office_code, reason=reason, void_serial=void)
