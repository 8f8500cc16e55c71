"""Events notify consumes: every milestone the citizen must know about."""
from ektp_shared.contracts import CloudEvent
from ektp_shared.contracts.intake import APPLICATION_SUBMITTED
from ektp_shared.contracts.printing import CARD_COLLECTED, CARD_READY_FOR_PICKUP
from ektp_shared.contracts.verification import APPLICATION_REJECTED, APPOINTMENT_SCHEDULED, CORRECTION_REQUESTED
from ektp_shared.db import utcnow
from ektp_shared.handlers import Handlers
from ektp_shared.uow import UnitOfWork

from . import deliveries

handlers = Handlers()


@handlers.on(APPLICATION_SUBMITTED)
def submitted(event: CloudEvent, uow: UnitOfWork) -> None:
    deliveries.remember_contact(uow, event, utcnow())
    deliveries.plan(uow, event, utcnow())


def milestone(event: CloudEvent, uow: UnitOfWork) -> None:
    deliveries.plan(uow, event, utcnow())


for contract in (CORRECTION_REQUESTED, APPLICATION_REJECTED, APPOINTMENT_SCHEDULED, CARD_READY_FOR_PICKUP, CARD_COLLECTED):
    handlers.on(contract)(milestone)
