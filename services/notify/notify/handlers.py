"""Events notify consumes: every milestone the citizen must know about, i.e. every event type that has
templates (templates.EVENT_TYPES) and is in the catalogue. Events that carry the applicant's contact
(the submission, a resubmission after a correction) also keep or update it."""
from ektp_shared.contracts import CATALOG, CloudEvent
from ektp_shared.contracts.intake import CITIZEN_CODE_REQUESTED
from ektp_shared.db import utcnow
from ektp_shared.handlers import Handlers
from ektp_shared.uow import UnitOfWork

from . import deliveries, templates
from .context import NotifyContext

handlers = Handlers()
# Events whose data has `contact`; a resubmission may change it. A fee due comes before the submission's event.
CONTACT_EVENTS = ("application.submitted.v1", "application.resubmitted.v1", "payment.due.v1")


def contact_and_milestone(event: CloudEvent, uow: UnitOfWork, context: NotifyContext) -> None:
    deliveries.remember_contact(uow, event, utcnow())
    deliveries.plan(uow, event, utcnow(), context.recipient_key, context.settings.portal_url)


def milestone(event: CloudEvent, uow: UnitOfWork, context: NotifyContext) -> None:
    deliveries.plan(uow, event, utcnow(), context.recipient_key, context.settings.portal_url)


@handlers.on(CITIZEN_CODE_REQUESTED)
def one_time_code(event: CloudEvent, uow: UnitOfWork, context: NotifyContext) -> None:
    deliveries.plan_code(uow, event, utcnow(), context.recipient_key)


# Contracts another team has yet to publish are bound as soon as they are in the catalogue.
for contract in sorted(CATALOG.values(), key=lambda c: c.key):
    if contract.key in templates.EVENT_TYPES:
        handlers.on(contract)(contact_and_milestone if contract.key in CONTACT_EVENTS else milestone)
