"""Use cases of notify: remember how to reach an applicant, plan one message per milestone and channel,
send what is due through the providers' failover, and record what happened."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from ektp_shared.contracts import CloudEvent, by_type
from ektp_shared.db import new_id
from ektp_shared.serialization import jsonable
from ektp_shared.uow import UnitOfWork

from . import metrics, templates
from .models import Contact, Delivery
from .phone import InvalidPhoneNumber, normalise
from .providers import EMAIL, SMS, Email, Failover, Sms

PENDING, SENT, DELIVERED, FAILED = "PENDING", "SENT", "DELIVERED", "FAILED"


class ContactUnknown(LookupError):
    """A milestone arrived for an application notify has no contact for (yet): retried, then parked."""


def remember_contact(uow: UnitOfWork, event: CloudEvent, now: dt.datetime) -> Contact:
    application_id = str(event.data["application_id"])
    contact = uow.session.get(Contact, application_id)
    if contact is None:
        given = event.data["contact"]
        try:
            phone = normalise(given["phone"]) if given.get("phone") else None
        except InvalidPhoneNumber:
            phone = None  # intake validated the shape; a number that is not an Indonesian mobile gets email only
        contact = Contact(application_id=application_id, receipt_number=event.data["receipt_number"],
                          language=event.data.get("language", "id"), email=given.get("email"), phone=phone,
                          created_at=now)
        uow.session.add(contact)
        uow.session.flush()
    return contact


def plan(uow: UnitOfWork, event: CloudEvent, now: dt.datetime) -> list[Delivery]:
    """One delivery per channel the applicant can be reached on; the unique key absorbs redeliveries."""
    contact = uow.session.get(Contact, str(event.data["application_id"]))
    if contact is None:
        raise ContactUnknown("no contact recorded for this application yet")
    key = by_type(event.type).key
    variables = {k: v for k, v in jsonable(event.data).items() if k not in {"applicant", "contact", "documents"}}
    variables["receipt_number"] = contact.receipt_number
    if isinstance(variables.get("office"), dict) and variables["office"].get("timezone"):
        variables["timezone"] = variables["office"]["timezone"]
    planned = []
    for channel, address in ((EMAIL, contact.email), (SMS, contact.phone)):
        if not address:
            continue
        exists = uow.session.scalar(select(Delivery.id).where(Delivery.event_id == event.id, Delivery.channel == channel))
        if exists:
            continue
        delivery = Delivery(id=new_id(), event_id=event.id, event_key=key, channel=channel,
                            application_id=contact.application_id, variables=variables, status=PENDING, attempts=0,
                            next_attempt_at=now, created_at=now)
        uow.session.add(delivery)
        planned.append(delivery)
    return planned


def compose(delivery: Delivery, contact: Contact) -> Email | Sms:
    if delivery.channel == EMAIL:
        rendered = templates.render_email(delivery.event_key, delivery.variables, contact.language)
        return Email(delivery.id, contact.email or "", rendered.subject, rendered.body, contact.language)
    return Sms(delivery.id, contact.phone or "", templates.render_sms(delivery.event_key, delivery.variables, contact.language))


def send_due(uow: UnitOfWork, channels: Mapping[str, Failover], retry_delays: tuple[int, ...], now: dt.datetime,
             batch: int) -> int:
    """Send the deliveries that are due; returns how many were attempted."""
    due = list(uow.session.scalars(select(Delivery).where(Delivery.status == PENDING, Delivery.next_attempt_at <= now)
                                   .order_by(Delivery.next_attempt_at).limit(batch).with_for_update(skip_locked=True)))
    for delivery in due:
        contact = uow.session.get(Contact, delivery.application_id)
        outcome = channels[delivery.channel].send(compose(delivery, contact))
        delivery.attempts += 1
        for attempt in outcome.attempts:
            metrics.MESSAGES.labels(delivery.channel, attempt.provider, attempt.outcome).inc()
        if outcome.ok:
            delivery.status, delivery.sent_at = SENT, now
            delivery.provider = outcome.accepted.provider
            delivery.provider_message_ids = ",".join(outcome.accepted.message_ids)
            delivery.last_error = None
        elif outcome.permanent or delivery.attempts > len(retry_delays):
            delivery.status, delivery.last_error = FAILED, outcome.reason[:1000]
        else:
            delivery.last_error = outcome.reason[:1000]
            delivery.next_attempt_at = now + dt.timedelta(seconds=retry_delays[delivery.attempts - 1])
    return len(due)


def record_receipt(uow: UnitOfWork, message_id: str, delivered: bool, reason: str, now: dt.datetime) -> bool:
    """Apply an SMSC delivery receipt to the delivery that carried ``message_id``."""
    for delivery in uow.session.scalars(select(Delivery).where(Delivery.provider_message_ids.contains(message_id))):
        if message_id in (delivery.provider_message_ids or "").split(","):
            delivery.status = DELIVERED if delivered else FAILED
            delivery.delivered_at = now if delivered else None
            delivery.last_error = None if delivered else reason
            return True
    return False


def log_of(uow: UnitOfWork, application_id: str) -> list[dict[str, Any]]:
    rows = uow.session.scalars(select(Delivery).where(Delivery.application_id == application_id).order_by(Delivery.created_at))
    return [{"id": d.id, "event": d.event_key, "channel": d.channel, "status": d.status, "attempts": d.attempts,
             "provider": d.provider, "last_error": d.last_error, "created_at": d.created_at, "sent_at": d.sent_at,
             "delivered_at": d.delivered_at} for d in rows]

