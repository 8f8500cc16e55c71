"""Events biometrics consumes: submissions (which document is the photo), approvals (who may be
captured), its own ABIS requests (IDENTIFY, INSERT) and adjudicators' decisions on suspected duplicates.
Applications for a document type that skips biometrics (the child's card, KIA) are left alone: no photo is
noted, no enrolment is opened."""
from ektp_shared.contracts import CloudEvent
from ektp_shared.contracts.biometrics import IDENTIFY_REQUESTED, INSERT_REQUESTED
from ektp_shared.contracts.documents import Step, skips
from ektp_shared.contracts.intake import APPLICATION_RESUBMITTED, APPLICATION_SUBMITTED
from ektp_shared.contracts.verification import ADJUDICATION_DECIDED, APPLICATION_VERIFIED
from ektp_shared.db import utcnow
from ektp_shared.handlers import Handlers
from ektp_shared.uow import UnitOfWork

from . import enrolments
from .context import BiometricsContext

handlers = Handlers()


@handlers.on(APPLICATION_SUBMITTED)
def note_photo(event: CloudEvent, uow: UnitOfWork, context: BiometricsContext) -> None:
    if skips(event.data.get("document_type"), Step.BIOMETRICS):
        return
    enrolments.note_photo(uow, event, 0, utcnow())


@handlers.on(APPLICATION_RESUBMITTED)
def note_corrected_photo(event: CloudEvent, uow: UnitOfWork, context: BiometricsContext) -> None:
    if skips(event.data.get("document_type"), Step.BIOMETRICS):
        return
    enrolments.note_photo(uow, event, event.data["round"], utcnow())


@handlers.on(APPLICATION_VERIFIED)
def make_eligible(event: CloudEvent, uow: UnitOfWork, context: BiometricsContext) -> None:
    if skips(event.data.get("document_type"), Step.BIOMETRICS):
        return
    enrolments.make_eligible(uow, event, context.lookup_hash(event.data["card_holder"]["nik"]), utcnow())


@handlers.on(IDENTIFY_REQUESTED)
def identify(event: CloudEvent, uow: UnitOfWork, context: BiometricsContext) -> None:
    enrolments.process_capture(uow, context, event, utcnow())


@handlers.on(ADJUDICATION_DECIDED)
def adjudicated(event: CloudEvent, uow: UnitOfWork, context: BiometricsContext) -> None:
    enrolments.adjudicated(uow, event, utcnow())


@handlers.on(INSERT_REQUESTED)
def insert(event: CloudEvent, uow: UnitOfWork, context: BiometricsContext) -> None:
    enrolments.insert(uow, context, event, utcnow())
