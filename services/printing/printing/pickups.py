"""Pickup: announcing where and from when a card can be collected, the handover under the office's
representative policy, refusal of a wrong card at the counter, reminders and the uncollected report."""
from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select

from ektp_shared import transitions
from ektp_shared.calendar import local_day
from ektp_shared.contracts.documents import DocumentType
from ektp_shared.contracts.printing import CARD_COLLECTED, CARD_PICKUP_REMINDER, CARD_READY_FOR_PICKUP, CARD_REFUSED_AT_PICKUP
from ektp_shared.db import new_id
from ektp_shared.refusal import Refused, Why
from ektp_shared.uow import UnitOfWork

from . import audit, blank_cards
from .context import PrintingContext
from .fingerprints import Verified
from .models import Card, FingerprintCheck, PowerOfAttorney
from .policies import Policy
from .rules import pickup
from .rules.quality import fields_of
from .rules.states import CARD, CardState


class HandoverRefused(Refused):
    """`field` names the input at fault; `conflict` when the card is not in a state for it (409)."""

    def __init__(self, field: str, message: str, conflict: bool = False):
        super().__init__("handover_refused", message, field=field,
                         location="path" if field == "application_id" else "json",
                         why=Why.CONFLICT if conflict else Why.INVALID)


@dataclasses.dataclass(frozen=True)
class Handover:
    receipt_number: str
    nik_hash: str  # the applicant's NIK, as the collector states it
    collected_by: str  # pickup.APPLICANT or pickup.REPRESENTATIVE
    representative_nik_hash: str | None = None
    representative_kk_hash: str | None = None
    representative_name: str | None = None
    old_card: str | None = None  # what the operator says of the old card (pickup.HANDED_IN)
    fingerprint_override: str | None = None  # why the card goes although the fingerprint did not match


def office_zone(card: Card) -> str:
    return card.office.get("timezone", "Asia/Jakarta")


def announce(uow: UnitOfWork, card: Card, now: dt.datetime, context: PrintingContext) -> None:
    pickup_from = pickup.pickup_from(now, context.settings.pickup_after_days, office_zone(card), context.working_days)
    transitions.move_or_refuse(uow.session, CARD, card, CardState.READY_FOR_PICKUP, now, field="application_id",
                               ready_at=now, pickup_from=pickup_from, reminders_sent=0, last_reminder_at=None,
                               reported_uncollected_at=None)
    uow.emit(CARD_READY_FOR_PICKUP, {"application_id": card.application_id, "pickup_from": card.pickup_from,
                                     "office": card.office}, correlation_id=card.application_id)


def require_ready(card: Card) -> None:
    if card.state != CardState.READY_FOR_PICKUP.value:
        raise HandoverRefused("application_id", f"the card is {card.state}, not ready for pickup", conflict=True)


def _identify(card: Card, receipt_number: str, nik_hash: str) -> None:
    require_ready(card)
    if receipt_number.strip().upper() != card.receipt_number:
        raise HandoverRefused("receipt_number", "the receipt number does not belong to this card")
    # A child's card is collected by the parent who applied for it, who shows their own NIK.
    if nik_hash != (card.parent_hash if card.document_type == DocumentType.KIA.value else card.nik_hash):
        raise HandoverRefused("nik", "the NIK does not match the card" if card.document_type != DocumentType.KIA.value
                              else "a child's card (KIA) is collected with the NIK of the parent who applied")


def fingerprint_checks(uow: UnitOfWork, application_id: str) -> list[FingerprintCheck]:
    return list(uow.session.scalars(select(FingerprintCheck).where(FingerprintCheck.application_id == application_id)
                                    .order_by(FingerprintCheck.checked_at, FingerprintCheck.id)))


def record_fingerprint(uow: UnitOfWork, card: Card, position: int, verified: Verified, actor: str,
                       now: dt.datetime) -> FingerprintCheck:
    """Keep the result of a finger verified at the desk (not the image): the handover then counts it."""
    require_ready(card)
    check = FingerprintCheck(id=new_id(), application_id=card.application_id, position=position,
                             match=verified.match, evidence=verified.evidence, fmr=verified.fmr,
                             target_fmr=verified.target_fmr, checked_by=actor[:80], checked_at=now)
    uow.session.add(check)
    audit.record(uow, actor, "fingerprint_verified", now, card.application_id, card.office_code, position=position,
                 match=verified.match, evidence=verified.evidence)
    return check


def power_of_attorney(uow: UnitOfWork, application_id: str) -> PowerOfAttorney | None:
    return uow.session.scalar(select(PowerOfAttorney).where(PowerOfAttorney.application_id == application_id)
                              .order_by(PowerOfAttorney.uploaded_at.desc()).limit(1))


def attach_power_of_attorney(uow: UnitOfWork, card: Card, object_key: str, sha256: str, content_type: str, size: int,
                             named: tuple[str, str], actor: str, now: dt.datetime) -> PowerOfAttorney:
    """`named`: the representative the letter names, as (NIK hash, name)."""
    if card.state != CardState.READY_FOR_PICKUP.value:
        raise HandoverRefused("application_id", f"the card is {card.state}, not ready for pickup", conflict=True)
    if named[0] == card.nik_hash:
        raise HandoverRefused("representative_nik", "the surat kuasa names the applicant's own NIK")
    letter = PowerOfAttorney(id=new_id(), application_id=card.application_id, object_key=object_key, sha256=sha256,
                             content_type=content_type, size=size, uploaded_by=actor[:80], uploaded_at=now,
                             representative_nik_hash=named[0], representative={"name": named[1]})
    uow.session.add(letter)
    audit.record(uow, actor, "surat_kuasa_uploaded", now, card.application_id, card.office_code, sha256=sha256)
    return letter


def hand_over(uow: UnitOfWork, card: Card, request: Handover, policy: Policy, actor: str, now: dt.datetime) -> str:
    """Record the handover after the checks; returns the collector's relation to the applicant."""
    _identify(card, request.receipt_number, request.nik_hash)
    if not pickup.collectable(card.pickup_from, local_day(now, office_zone(card))):
        raise HandoverRefused("application_id", f"the card can be collected from {card.pickup_from.isoformat()} "
                                                "(the office's day), not before", conflict=True)
    if request.collected_by == pickup.REPRESENTATIVE and request.representative_nik_hash == card.nik_hash:
        raise HandoverRefused("representative.nik", "the representative's NIK is the applicant's own")
    letter = power_of_attorney(uow, card.application_id)
    collector = pickup.Collector(
        kind=request.collected_by,
        same_kk=request.representative_kk_hash is not None and request.representative_kk_hash == card.kk_hash,
        power_of_attorney=letter is not None,
        attorney_mismatch=None if letter is None else pickup.attorney_mismatch(
            letter.representative_nik_hash, (letter.representative or {}).get("name"),
            request.representative_nik_hash, request.representative_name))
    try:
        relation = pickup.authorise(policy.representative, collector)
        old_card = pickup.old_card(card.kind, request.old_card)
        fingerprint = pickup.fingerprint([c.match for c in fingerprint_checks(uow, card.application_id)],
                                         request.fingerprint_override)
    except pickup.PickupRefused as exc:
        raise HandoverRefused(exc.field, str(exc)) from exc
    override = request.fingerprint_override.strip() if fingerprint == pickup.OVERRIDDEN else None
    transitions.move_or_refuse(
        uow.session, CARD, card, CardState.COLLECTED, now, field="application_id", collected_at=now,
        collected_by=request.collected_by, collector_relation=relation, old_card=old_card,
        collector_nik_hash=request.representative_nik_hash if request.collected_by == pickup.REPRESENTATIVE else None,
        fingerprint=fingerprint, fingerprint_override=override)
    voided = _withdraw_earlier_cards(uow, card, old_card, now) if old_card else []
    uow.emit(CARD_COLLECTED, {"application_id": card.application_id, "collected_at": now,
                              "collected_by": request.collected_by, "old_card": old_card, "old_card_serials": voided},
             correlation_id=card.application_id)
    audit.record(uow, actor, "handover", now, card.application_id, card.office_code, relation=relation,
                 policy=policy.representative, serial=card.serial, old_card=old_card, old_card_serials=voided,
                 fingerprint=fingerprint, fingerprint_override=override)
    return relation


def _withdraw_earlier_cards(uow: UnitOfWork, card: Card, old_card: str, now: dt.datetime) -> list[str]:
    """The holder's earlier cards printed here leave circulation: withdrawn, and their serials void. A card issued
    before this platform has no record here; the disposition on the new card still says what became of it."""
    earlier = uow.session.scalars(select(Card).where(Card.nik_hash == card.nik_hash, Card.state == CardState.COLLECTED.value,
                                                     Card.application_id != card.application_id)).all()
    voided = []
    for old in earlier:
        transitions.move_or_refuse(uow.session, CARD, old, CardState.WITHDRAWN, now, field="application_id",
                                   withdrawn_at=now)
        if old.serial:
            blank_cards.void(uow, old.serial, f"withdrawn: {old_card} for replacement {card.receipt_number}", now)
            voided.append(old.serial)
    return voided


def refuse(uow: UnitOfWork, card: Card, receipt_number: str, nik_hash: str, fields: list[str], actor: str,
           now: dt.datetime) -> str:
    """The citizen refused the card for wrong fields: its serial is void and the card waits for the
    corrected data (or an operator's reprint, if the data was right). Returns the void serial."""
    _identify(card, receipt_number, nik_hash)
    printed = fields_of(card.document_type)
    unknown = sorted(set(fields) - set(printed))
    if unknown or not fields:
        raise HandoverRefused("fields", f"name the wrong fields among: {', '.join(printed)}")
    serial = card.serial
    blank_cards.void(uow, serial, "refused at pickup: " + ",".join(sorted(set(fields))), now)
    transitions.move_or_refuse(uow.session, CARD, card, CardState.AWAITING_CORRECTION, now, field="application_id",
                               serial=None, refused_at=now, refused_fields=sorted(set(fields)), pickup_from=None,
                               ready_at=None)
    uow.emit(CARD_REFUSED_AT_PICKUP, {"application_id": card.application_id, "fields": sorted(set(fields)),
                                      "refused_at": now, "card_serial": serial}, correlation_id=card.application_id)
    audit.record(uow, actor, "refused_at_pickup", now, card.application_id, card.office_code, fields=sorted(set(fields)), serial=serial)
    return serial


def remind_and_report(uow: UnitOfWork, now: dt.datetime, settings) -> tuple[int, int]:
    """Remind the holders of uncollected cards and flag those uncollected too long; (reminded, reported)."""
    earliest = min(settings.reminder_after_days, settings.uncollected_report_days)
    horizon = now.date() - dt.timedelta(days=earliest - 1)
    reminded = reported = 0
    for card in uow.session.scalars(select(Card).where(Card.state == CardState.READY_FOR_PICKUP.value,
                                                       Card.pickup_from <= horizon)):
        today = local_day(now, office_zone(card))
        last = local_day(card.last_reminder_at, office_zone(card)) if card.last_reminder_at else None
        if pickup.reminder_due(card.pickup_from, today, card.reminders_sent, last, settings.reminder_after_days,
                               settings.reminder_every_days, settings.reminders_max):
            card.reminders_sent += 1
            card.last_reminder_at = now
            uow.emit(CARD_PICKUP_REMINDER, {"application_id": card.application_id, "reminder_number": card.reminders_sent,
                                            "pickup_from": card.pickup_from, "office": card.office},
                     correlation_id=card.application_id)
            reminded += 1
        if card.reported_uncollected_at is None and pickup.overdue(card.pickup_from, today,
                                                                   settings.uncollected_report_days):
            card.reported_uncollected_at = now
            reported += 1
    return reminded, reported


def uncollected(uow: UnitOfWork, office_code: str | None, scope: frozenset[str] | None = None) -> list[Card]:
    query = select(Card).where(Card.state == CardState.READY_FOR_PICKUP.value, Card.reported_uncollected_at.is_not(None))
    if scope is not None:
        query = query.where(Card.office_code.in_(sorted(scope)))
    if office_code:
        query = query.where(Card.office_code == office_code)
    return list(uow.session.scalars(query.order_by(Card.pickup_from, Card.application_id)))
