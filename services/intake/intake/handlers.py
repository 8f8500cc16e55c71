"""Events intake consumes: the milestones of the other services, to keep the citizen's status and timeline."""
from ektp_shared.contracts import CloudEvent, by_type
from ektp_shared.handlers import Handlers
from ektp_shared.uow import UnitOfWork

from . import applications
from .context import IntakeContext
from .rules.status import NOTED_EVENTS, STAGE_OF_EVENT

handlers = Handlers()


def follow_milestone(event: CloudEvent, uow: UnitOfWork, context: IntakeContext) -> None:
    applications.record_event(uow, event)


for event_type in (*STAGE_OF_EVENT, *NOTED_EVENTS):
    handlers.on(by_type(event_type))(follow_milestone)
