"""Use cases of notify: remember how to reach an applicant, plan one message per milestone and channel,
send what is due through the providers' failover, and record what happened.

Sending follows the platform's rule for side effects: a sender first claims the messages it will send
(committed: SENDING, held until a deadline), then sends with no transaction open, then records each
outcome. Two senders never take the same message; a message whose sender died is taken again once its
claim lapses (the one case a message may go twice: email keeps its Message-ID, so mail systems see the
same message).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from sqlalchemy import and_, or_, select

from ektp_shared import transitions
from ektp_shared.contracts import CloudEvent, by_type
from ektp_shared.contracts.intake import APPLICATION_SUBMITTED
from ektp_shared.db import new_id
from ektp_shared.identity.phone import InvalidPhoneNumber, normalise
from ektp_shared.serialization import jsonable
from ektp_shared.uow import UnitOfWork

from . import metrics, templates
from .models import Contact, Delivery, ProviderMessage
from .providers import EMAIL, SMS, Email, Sms
from .providers import Delivery as FailoverDelivery
from .rules.ratelimit import next_allowed
from .rules.states import DELIVERY, DeliveryState

PENDING, SENDING, SENT = DeliveryState.PENDING, DeliveryState.SENDING, DeliveryState.SENT
DELIVERED, FAILED = DeliveryState.DELIVERED, DeliveryState.FAILED
RECEIPT_DELIVERED, RECEIPT_FAILED = "delivered", "failed"
PERSONAL = {"applicant", "contact", "documents", "card_holder", "parent", "photo"}

RecipientKey = Callable[[str, str], str]  # (channel, address) -> keyed hash


class ContactUnknown(LookupError):
    """A milestone arrived for an application notify has no contact for (yet): retried, then parked."""


@dataclasses.dataclass(frozen=True)
class RateLimit:
    per_recipient: int
    window: dt.timedelta


def _contact_values(event: CloudEvent) -> tuple[str | None, str | None]:
    given = event.data["contact"]
    try:
        phone = normalise(given["phone"]) if given.get("phone") else None
    except InvalidPhoneNumber:
        phone = None  # intake validated the shape; a number that is not a mobile gets email only
    return given.get("email"), phone


def regency_office(receipt_number: str) -> str | None:
    """The regency office of a receipt number (``KTP-RRRR-...``: RRRR is the applicant's regency)."""
    parts = receipt_number.split("-")
    return f"DISDUKCAPIL-{parts[1]}" if len(parts) > 2 and parts[1].isdigit() else None


def remember_contact(uow: UnitOfWork, event: CloudEvent, now: dt.datetime) -> Contact:
    """The contact from the submission; a resubmission after a correction may change it."""
    application_id = str(event.data["application_id"])
    email, phone = _contact_values(event)
    contact = uow.session.get(Contact, application_id)
    if contact is None:
        contact = Contact(application_id=application_id, receipt_number=event.data["receipt_number"],
                          office_code=regency_office(event.data["receipt_number"]),
                          language=event.data.get("language", "id"), document_type=event.data.get("document_type") or "ektp",
                          email=email, phone=phone, created_at=now)
        uow.session.add(contact)
        uow.session.flush()
    elif event.type != APPLICATION_SUBMITTED.type:
        contact.email, contact.phone = email, phone
        contact.language = event.data.get("language", contact.language)
    return contact


def plan(uow: UnitOfWork, event: CloudEvent, now: dt.datetime, recipient_key: RecipientKey,
         portal_url: str) -> list[Delivery]:
    """One delivery per channel the applicant can be reached on; the unique key absorbs redeliveries. A message
    may link to the application's status page on the portal (its id only: no personal data in the link)."""
    contact = uow.session.get(Contact, str(event.data["application_id"]))
    if contact is None:
        raise ContactUnknown("no contact recorded for this application yet")
    office = event.data.get("office")
    if isinstance(office, dict) and office.get("code"):
        contact.office_code = office["code"]  # the office that approved, booked or printed: the one it is with
    key = by_type(event.type).key
    variables = {k: v for k, v in jsonable(event.data).items() if k not in PERSONAL}
    variables["receipt_number"] = contact.receipt_number
    variables["document_type"] = contact.document_type  # which templates: a child's card's speak to the parent
    variables["status_url"] = f"{portal_url.rstrip('/')}/permohonan/{contact.application_id}"
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
                            application_id=contact.application_id, recipient_hash=recipient_key(channel, address),
                            variables=variables, status=PENDING.value, status_since=now, attempts=0,
                            next_attempt_at=now, created_at=now)
        uow.session.add(delivery)
        planned.append(delivery)
    return planned


def plan_code(uow: UnitOfWork, event: CloudEvent, now: dt.datetime, recipient_key: RecipientKey) -> Delivery | None:
    """A one-time code goes to the one address it was asked for (no contact, no application yet), once."""
    data = event.data
    channel = EMAIL if data["channel"] == "email" else SMS
    if uow.session.scalar(select(Delivery.id).where(Delivery.event_id == event.id, Delivery.channel == channel)):
        return None
    delivery = Delivery(id=new_id(), event_id=event.id, event_key=by_type(event.type).key, channel=channel,
                        application_id=str(data["request_id"]), address=data["address"],
                        recipient_hash=recipient_key(channel, data["address"]),
                        variables={"code": data["code"], "expires_at": jsonable(data["expires_at"]),
                                   "language": data["language"]},
                        status=PENDING.value, status_since=now, attempts=0, next_attempt_at=now, created_at=now)
    uow.session.add(delivery)
    return delivery


def compose(delivery: Delivery, contact: Contact | None) -> Email | Sms:
    """A milestone goes to the application's contact; a one-time code to the address it was asked for."""
    if delivery.address is not None:
        address, language = delivery.address, delivery.variables.get("language", templates.DEFAULT_LANGUAGE)
    else:
        address, language = (contact.email if delivery.channel == EMAIL else contact.phone) or "", contact.language
    if delivery.channel == EMAIL:
        rendered = templates.render_email(delivery.event_key, delivery.variables, language)
        return Email(delivery.id, address, rendered.subject, rendered.body, language)
    return Sms(delivery.id, address, templates.render_sms(delivery.event_key, delivery.variables, language))


def claim(uow: UnitOfWork, now: dt.datetime, batch: int, hold: dt.timedelta, limit: RateLimit) -> list[str]:
    """Take the messages that are due (and those whose sender's claim lapsed) for sending; a message
    over its recipient's rate limit is put off instead. The caller commits."""
    due = list(uow.session.scalars(
        select(Delivery).where(or_(and_(Delivery.status == PENDING.value, Delivery.next_attempt_at <= now),
                                   and_(Delivery.status == SENDING.value, Delivery.claimed_until <= now)))
        .order_by(Delivery.next_attempt_at).limit(batch).with_for_update(skip_locked=True)))
    taken: dict[str, list[dt.datetime]] = {}
    claimed = []
    for delivery in due:
        if delivery.recipient_hash is not None:
            if delivery.recipient_hash not in taken:
                taken[delivery.recipient_hash] = list(uow.session.scalars(
                    select(Delivery.sent_at).where(Delivery.recipient_hash == delivery.recipient_hash,
                                                   Delivery.sent_at > now - limit.window)))
            later = next_allowed(taken[delivery.recipient_hash], now, limit.per_recipient, limit.window)
            if later is not None:
                # A lapsed SENDING claim goes back to PENDING; a PENDING message just waits longer.
                transitions.move(uow.session, DELIVERY, delivery, PENDING, now, next_attempt_at=later, claimed_until=None,
                                 last_error="rate limited: too many messages to this recipient")
                continue
            taken[delivery.recipient_hash].append(now)
        # Rows are locked (FOR UPDATE SKIP LOCKED): the move cannot lose.
        transitions.move(uow.session, DELIVERY, delivery, SENDING, now, claimed_until=now + hold)
        claimed.append(delivery.id)
    return claimed


def message_for(uow: UnitOfWork, delivery_id: str, now: dt.datetime) -> Email | Sms | None:
    """The message of a claimed delivery, or None when there is nothing to send (a message whose
    template cannot be rendered fails for good; the caller commits)."""
    delivery = uow.session.get(Delivery, delivery_id)
    if delivery is None or delivery.status != SENDING.value:
        return None
    try:
        contact = None if delivery.address is not None else uow.session.get(Contact, delivery.application_id)
        return compose(delivery, contact)
    except templates.TemplateError as exc:
        transitions.move(uow.session, DELIVERY, delivery, FAILED, now, claimed_until=None,
                         last_error=f"template: {exc}"[:1000])
        return None


def record_outcome(uow: UnitOfWork, delivery_id: str, outcome: FailoverDelivery, retry_delays: tuple[int, ...],
                   now: dt.datetime) -> None:
    delivery = uow.session.get(Delivery, delivery_id)
    delivery.attempts += 1
    delivery.claimed_until = None
    for attempt in outcome.attempts:
        metrics.MESSAGES.labels(delivery.channel, attempt.provider, attempt.outcome).inc()
    if outcome.ok:
        accepted = outcome.accepted
        transitions.move(uow.session, DELIVERY, delivery, SENT, now, sent_at=now, last_error=None,
                         provider=accepted.provider, parts=accepted.parts or 1,
                         provider_message_ids=",".join(accepted.message_ids))
        for message_id in accepted.message_ids:
            _link(uow, accepted.provider, message_id, delivery.id)
        _settle(uow, delivery, now)
    elif outcome.permanent or delivery.attempts > len(retry_delays):
        transitions.move(uow.session, DELIVERY, delivery, FAILED, now, last_error=outcome.reason[:1000])
    else:
        transitions.move(uow.session, DELIVERY, delivery, PENDING, now, last_error=outcome.reason[:1000],
                         next_attempt_at=now + dt.timedelta(seconds=retry_delays[delivery.attempts - 1]))


def _link(uow: UnitOfWork, provider: str, message_id: str, delivery_id: str) -> None:
    row = uow.session.get(ProviderMessage, (provider, message_id[:100]))
    if row is None:
        uow.session.add(ProviderMessage(provider=provider, message_id=message_id[:100], delivery_id=delivery_id))
    else:
        row.delivery_id = delivery_id  # its receipt came first
    uow.session.flush()


def record_receipt(uow: UnitOfWork, provider: str, message_id: str, delivered: bool, reason: str,
                   now: dt.datetime) -> bool:
    """Apply a delivery receipt. True when it settled a delivery; a receipt for a message not yet
    recorded as sent is kept and applied when it is."""
    row = uow.session.get(ProviderMessage, (provider, message_id[:100]))
    if row is None:
        row = ProviderMessage(provider=provider, message_id=message_id[:100])
        uow.session.add(row)
    row.receipt = RECEIPT_DELIVERED if delivered else RECEIPT_FAILED
    row.reason, row.received_at = (None if delivered else reason[:200]), now
    uow.session.flush()
    delivery = uow.session.get(Delivery, row.delivery_id) if row.delivery_id else None
    return delivery is not None and _settle(uow, delivery, now)


def _settle(uow: UnitOfWork, delivery: Delivery, now: dt.datetime) -> bool:
    """A message is delivered when every part's receipt says so, failed when any part's says it failed."""
    parts = list(uow.session.scalars(select(ProviderMessage).where(ProviderMessage.delivery_id == delivery.id)))
    failed = [part for part in parts if part.receipt == RECEIPT_FAILED]
    if delivery.status != SENT.value:
        return False  # settled already
    if failed:
        return transitions.move(uow.session, DELIVERY, delivery, FAILED, now, delivered_at=None,
                                last_error=failed[0].reason)
    if parts and all(part.receipt == RECEIPT_DELIVERED for part in parts) and len(parts) >= (delivery.parts or 1):
        return transitions.move(uow.session, DELIVERY, delivery, DELIVERED, now, delivered_at=now)
    return False
