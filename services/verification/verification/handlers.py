"""Events verification consumes: submissions and resubmissions (open or reopen a case, run the checks),
reschedule requests, and biometrics' news (the capture happened, a duplicate is suspected, enrolled)."""
from ektp_shared.contracts import CloudEvent
from ektp_shared.contracts.biometrics import BIOMETRICS_ENROLLED, DUPLICATE_SUSPECTED, FACE_MISMATCH, IDENTIFY_REQUESTED
from ektp_shared.contracts.intake import APPLICATION_RESUBMITTED, APPLICATION_SUBMITTED, RESCHEDULE_REQUESTED
from ektp_shared.db import utcnow
from ektp_shared.handlers import Handlers
from ektp_shared.uow import UnitOfWork

from . import adjudication, appointments, cases
from .context import VerificationContext
from .rules.states import CaseState

handlers = Handlers()


@handlers.on(APPLICATION_SUBMITTED)
def open_case(event: CloudEvent, uow: UnitOfWork, context: VerificationContext) -> None:
    cases.open_case(uow, event, utcnow(), context)


@handlers.on(APPLICATION_RESUBMITTED)
def reopen_case(event: CloudEvent, uow: UnitOfWork, context: VerificationContext) -> None:
    cases.take_resubmission(uow, event, utcnow(), context.registry.current())


@handlers.on(RESCHEDULE_REQUESTED)
def reschedule(event: CloudEvent, uow: UnitOfWork, context: VerificationContext) -> None:
    case = cases.by_application(uow, str(event.data["application_id"]))
    if case is None or CaseState.APPROVED.value not in (case.state, case.resume_state):
        return  # captured, expired or rejected meanwhile: there is no appointment to move
    current = appointments.current(uow, case)
    if current is None or current.id != str(event.data["appointment_id"]):
        return  # asked about an appointment that was already replaced
    now = utcnow()
    booked = appointments.rebook(uow, case, now, context, event.data["not_before"])
    cases.audit(uow, "citizen", "appointment.rescheduled", case, now, {"appointment_id": current.id},
                {"state": case.state, "appointment_id": booked.id, "starts_at": booked.starts_at.isoformat()})


@handlers.on(IDENTIFY_REQUESTED)
def capture_taken(event: CloudEvent, uow: UnitOfWork, context: VerificationContext) -> None:
    case = cases.by_application(uow, str(event.data["application_id"]))
    if case is not None:
        appointments.captured(uow, case, utcnow())


@handlers.on(DUPLICATE_SUSPECTED)
def duplicate_suspected(event: CloudEvent, uow: UnitOfWork, context: VerificationContext) -> None:
    adjudication.suspected(uow, event, utcnow())


@handlers.on(FACE_MISMATCH)
def face_mismatch(event: CloudEvent, uow: UnitOfWork, context: VerificationContext) -> None:
    """The live face did not match the uploaded photo: biometrics holds the enrolment for an officer's review;
    the case shows it, so whoever handles the application sees why it does not move."""
    case = cases.by_application(uow, str(event.data["application_id"]))
    if case is not None:
        cases.flag(uow, case, f"biometrics.face_{event.data['result']}", utcnow())


@handlers.on(BIOMETRICS_ENROLLED)
def enrolled(event: CloudEvent, uow: UnitOfWork, context: VerificationContext) -> None:
    case = cases.by_application(uow, str(event.data["application_id"]))
    if case is None or CaseState.APPROVED.value not in (case.state, case.resume_state):
        return
    now = utcnow()
    appointments.captured(uow, case, now)
    cases.move(uow, case, CaseState.ENROLLED, now)
    cases.audit(uow, "biometrics", "case.enrolled", case, now, {"state": CaseState.APPROVED.value})
