"""Events verification consumes."""
from ektp_shared.contracts import CloudEvent
from ektp_shared.contracts.intake import APPLICATION_SUBMITTED
from ektp_shared.db import utcnow
from ektp_shared.handlers import Handlers
from ektp_shared.uow import UnitOfWork

from . import cases

handlers = Handlers()


@handlers.on(APPLICATION_SUBMITTED)
def open_case(event: CloudEvent, uow: UnitOfWork) -> None:
    cases.open_case(uow, event, utcnow())
