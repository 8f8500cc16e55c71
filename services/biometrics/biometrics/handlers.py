"""Events biometrics consumes: approvals (who may be captured) and its own ABIS identify requests."""
from ektp_shared.contracts import CloudEvent
from ektp_shared.contracts.biometrics import IDENTIFY_REQUESTED
from ektp_shared.contracts.verification import APPLICATION_VERIFIED
from ektp_shared.db import utcnow
from ektp_shared.handlers import Handlers
from ektp_shared.uow import UnitOfWork

from . import enrolments

handlers = Handlers()


@handlers.on(APPLICATION_VERIFIED)
def make_eligible(event: CloudEvent, uow: UnitOfWork) -> None:
    enrolments.make_eligible(uow, event, utcnow())


@handlers.on(IDENTIFY_REQUESTED)
def identify(event: CloudEvent, uow: UnitOfWork) -> None:
    runtime = uow.runtime
    enrolments.identify(uow, runtime.deps.gallery, event, runtime.settings.target_fpir, utcnow())
