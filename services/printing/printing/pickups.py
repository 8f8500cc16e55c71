"""Pickup: announcing where and from when a card can be collected, the handover under the office's
representative policy, refusal of a wrong card at the counter, reminders and the uncollected report."""
from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ektp_shared.contracts.printing import CARD_COLLECTED, CARD_PICKUP_REMINDER, CARD_READY_FOR_PICKUP, CARD_REFUSED_AT_PICKUP
from ektp_shared.db import new_id
from ektp_shared.uow import UnitOfWork

from . import audit, blanks, pickup, states
from .card_data import pickup_date
from .models import Card, PowerOfAttorney
from .policies import Policy
from .quality import CARD_FIELDS


class HandoverRefused(ValueError):
    """`field` names the input at fault; `conflict` when the card is not in a state for it (409)."""

    def __init__(self, field: str, message: str, conflict: bool = False):
        super().__init__(message)
        self.field = field
        self.conflict = conflict


@dataclasses.dataclass(frozen=True)
class Handover:
    receipt_number: str
    nik_hash: str  # the applicant's NIK, as the collector states it
    collected_by: str  # pickup.APPLICANT or pickup.REPRESENTATIVE
    representative_nik_hash: str | None = None
    representative_kk_hash: str | None = None


def office_today(card: Card, now: dt.datetime) -> dt.date:
    return now.astimezone(ZoneInfo(card.office.get("timezone", "Asia/Jakarta"))).date()


def announce(uow: UnitOfWork, card: Card, now: dt.datetime, settings) -> None:
    card.state, card.ready_at = states.READY_FOR_PICKUP, now
    card.pickup_from = pickup_date(now, settings.pickup_after_days, card.office.get("timezone", "Asia/Jakarta"))
    card.reminders_sent, card.last_reminder_at, card.reported_uncollected_at = 0, None, None
    uow.emit(CARD_READY_FOR_PICKUP, {"application_id": card.application_id, "pickup_from": card.pickup_from,
                                     "office": card.office}, correlation_id=card.application_id)


def _identify(card: Card, receipt_number: str, nik_hash: str) -> None:
    if card.state != states.READY_FOR_PICKUP:
        raise HandoverRefused("application_id", f"the card is {card.state}, not ready for pickup", conflict=True)
    if receipt_number.strip().upper() != card.receipt_number:
        raise HandoverRefused("receipt_number", "the receipt number does not belong to this card")
    if nik_hash != card.nik_hash:
        raise HandoverRefused("nik", "the NIK does not match the card")


def power_of_attorney(uow: UnitOfWork, application_id: str) -> PowerOfAttorney | None:
    return uow.session.scalar(select(PowerOfAttorney).where(PowerOfAttorney.application_id == application_id)
                              .order_by(PowerOfAttorney.uploaded_at.desc()).limit(1))


def attach_power_of_attorney(uow: UnitOfWork, card: Card, object_key: str, sha256: str, content_type: str, size: int,
                             actor: str, now: dt.datetime) -> PowerOfAttorney:
    if card.state != states.READY_FOR_PICKUP:
        raise HandoverRefused("application_id", f"the card is {card.state}, not ready for pickup", conflict=True)
    letter = PowerOfAttorney(id=new_id(), application_id=card.application_id, object_key=object_key, sha256=sha256,
                             content_type=content_type, size=size, uploaded_by=actor[:80], uploaded_at=now)
    uow.session.add(letter)
    audit.record(uow, actor, "surat_kuasa_uploaded", now, card.application_id, sha256=sha256)
    return letter


def hand_over(uow: UnitOfWork, card: Card, request: Handover, policy: Policy, actor: str, now: dt.datetime) -> str:
    """Record the handover after the checks; returns the collector's relation to the applicant."""
    _identify(card, request.receipt_number, request.nik_hash)
    if request.collected_by == pickup.REPRESENTATIVE and request.representative_nik_hash == card.nik_hash:
        raise HandoverRefused("representative.nik", "the representative's NIK is the applicant's own")
    collector = pickup.Collector(
        kind=request.collected_by,
        same_kk=request.representative_kk_hash is not None and request.representative_kk_hash == card.kk_hash,
        power_of_attorney=power_of_attorney(uow, card.application_id) is not None)
    try:
        relation = pickup.authorise(policy.representative, collector)
    except pickup.PickupRefused as exc:
        raise HandoverRefused(exc.field, str(exc)) from exc
    card.state, card.collected_at, card.collected_by = states.COLLECTED, now, request.collected_by
    card.collector_relation = relation
    card.collector_nik_hash = request.representative_nik_hash if request.collected_by == pickup.REPRESENTATIVE else None
    uow.emit(CARD_COLLECTED, {"application_id": card.application_id, "collected_at": now,
                              "collected_by": request.collected_by}, correlation_id=card.application_id)
    audit.record(uow, actor, "handover", now, card.application_id, relation=relation, policy=policy.representative,
                 serial=card.serial)
    return relation


def refuse(uow: UnitOfWork, card: Card, receipt_number: str, nik_hash: str, fields: list[str], actor: str,
           now: dt.datetime) -> str:
    """The citizen refused the card for wrong fields: its serial is void and the card waits for the
    corrected data (or an operator's reprint, if the data was right). Returns the void serial."""
    _identify(card, receipt_number, nik_hash)
    unknown = sorted(set(fields) - set(CARD_FIELDS))
    if unknown or not fields:
        raise HandoverRefused("fields", f"name the wrong fields among: {', '.join(CARD_FIELDS)}")
    serial = card.serial
    blanks.void(uow, serial, "refused at pickup: " + ",".join(sorted(set(fields))), now)
    card.state, card.serial, card.refused_at = states.AWAITING_CORRECTION, None, now
    card.refused_fields = sorted(set(fields))
    card.pickup_from = card.ready_at = None
    uow.emit(CARD_REFUSED_AT_PICKUP, {"application_id": card.application_id, "fields": sorted(set(fields)),
                                      "refused_at": now, "card_serial": serial}, correlation_id=card.application_id)
    audit.record(uow, actor, "refused_at_pickup", now, card.application_id, fields=sorted(set(fields)), serial=serial)
    return serial


def remind_and_report(uow: UnitOfWork, now: dt.datetime, settings) -> tuple[int, int]:
    """Remind the holders of uncollected cards and flag those uncollected too long; (reminded, reported)."""
    earliest = min(settings.reminder_after_days, settings.uncollected_report_days)
    horizon = now.date() - dt.timedelta(days=earliest - 1)
    reminded = reported = 0
    for card in uow.session.scalars(select(Card).where(Card.state == states.READY_FOR_PICKUP,
                                                       Card.pickup_from <= horizon)):
        today = office_today(card, now)
        last = card.last_reminder_at.astimezone(ZoneInfo(card.office.get("timezone", "Asia/Jakarta"))).date() \
            if card.last_reminder_at else None
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


def uncollected(uow: UnitOfWork, office_code: str | None) -> list[Card]:
    query = select(Card).where(Card.state == states.READY_FOR_PICKUP, Card.reported_uncollected_at.is_not(None))
    if office_code:
        query = query.where(Card.office_code == office_code)
    return list(uow.session.scalars(query.order_by(Card.pickup_from, Card.application_id)))
