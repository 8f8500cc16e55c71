"""Work verification's worker repeats: the appointment sweep and the interview reminders."""
import datetime as dt

from ektp_shared.db import utcnow
from ektp_shared.service import PeriodicTask, Runtime

from . import appointments, cases, interviews

APPOINTMENT_SWEEP_SECONDS = 300
INTERVIEW_REMINDER_SECONDS = 300


def sweep_appointments(runtime: Runtime) -> None:
    """No-shows free their slot and start the countdown; countdowns that ran out expire the application."""
    now = utcnow()
    with runtime.uow() as uow:
        for case in appointments.mark_no_shows(uow, now, runtime.settings):
            cases.audit(uow, cases.SYSTEM, "appointment.no_show", case, now,
                        after={"state": case.state, "expires_at": case.expires_at.isoformat()})
        for case in appointments.expire_due(uow, now):
            cases.audit(uow, cases.SYSTEM, "case.expired", case, now, after={"state": case.state, "reason": "no_show"})
        uow.commit()


def remind_interviews(runtime: Runtime) -> None:
    """Interviews due within a day: the citizen gets a reminder (interview.reminder), once."""
    with runtime.uow() as uow:
        interviews.remind_due(uow, utcnow(), dt.timedelta(hours=runtime.settings.interview_reminder_hours))
        uow.commit()


def tasks(runtime: Runtime) -> list[PeriodicTask]:
    return [PeriodicTask("appointments", APPOINTMENT_SWEEP_SECONDS, sweep_appointments),
            PeriodicTask("interview-reminders", INTERVIEW_REMINDER_SECONDS, remind_interviews)]
