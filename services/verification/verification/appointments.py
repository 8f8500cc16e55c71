"""Biometric-capture appointments (perekaman): book the earliest free slot at the applicant's office (the one
serving the address, or for outside_domicile the regency office the citizen chose),
move it when the citizen asks, free it on a no-show, and expire the application when no new one is booked.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ektp_shared import transitions
from ektp_shared.contracts.verification import APPLICATION_EXPIRED, APPOINTMENT_SCHEDULED
from ektp_shared.db import new_id
from ektp_shared.refusal import conflict
from ektp_shared.uow import UnitOfWork

from .context import VerificationContext
from .models import Appointment, AppointmentSlot, Case
from .models import Office as OfficeRow
from .rules.offices import Office, default_office, first_free_slot, office_for, parse_hours
from .rules.states import APPOINTMENT, CASE, AppointmentState, CaseState
from .settings import VerificationSettings

BOOKING_ATTEMPTS = 5


def as_office(row: OfficeRow) -> Office:
    return Office(code=row.code, name=row.name, address=row.address, timezone=row.timezone, kind=row.kind,
                  serves=row.serves, daily_capacity=row.daily_capacity, opens=dt.time.fromisoformat(row.opens),
                  closes=dt.time.fromisoformat(row.closes))


def served_region(case: Case) -> str:
    """The region whose office serves the case: the chosen regency (outside_domicile), else the address's village."""
    return case.office_regency or case.applicant["address"]["village_code"]


def office_of(uow: UnitOfWork, region_code: str, settings: VerificationSettings) -> Office:
    opens, closes = parse_hours(settings.office_hours)
    default = default_office(region_code, settings.office_daily_capacity, opens, closes)
    configured = [as_office(r) for r in uow.session.scalars(select(OfficeRow))]
    return office_for(region_code, configured, default)


def office_by_code(uow: UnitOfWork, code: str, region_code: str, settings: VerificationSettings) -> Office:
    """The office an appointment was booked at (its configuration may have changed since)."""
    row = uow.session.get(OfficeRow, code)
    if row is not None:
        return as_office(row)
    office = office_of(uow, region_code, settings)
    if office.code != code:  # a configured office was removed: its defaults are the regency's
        opens, closes = parse_hours(settings.office_hours)
        return default_office(region_code, settings.office_daily_capacity, opens, closes)
    return office


def current(uow: UnitOfWork, case: Case) -> Appointment | None:
    return uow.session.scalars(select(Appointment).where(Appointment.case_id == case.id)
                               .order_by(Appointment.created_at.desc(), Appointment.id)).first()


def _taken(uow: UnitOfWork, office: Office, after: dt.date) -> dict[dt.date, set[int]]:
    taken: dict[dt.date, set[int]] = {}
    rows = uow.session.execute(select(AppointmentSlot.day, AppointmentSlot.position)
                               .where(AppointmentSlot.office_code == office.code, AppointmentSlot.day > after))
    for day, position in rows:
        taken.setdefault(day, set()).add(position)
    return taken


def book(uow: UnitOfWork, case: Case, office: Office, now: dt.datetime, context: VerificationContext,
         not_before: dt.date | None = None, replaces: str | None = None) -> Appointment:
    """The earliest free slot; a slot another booking took at the same moment is skipped (its key exists)."""
    for _ in range(BOOKING_ATTEMPTS):
        day, position = first_free_slot(office, now, _taken(uow, office, office.local_day(now)), context.working_days,
                                        not_before, context.settings.appointment_search_days)
        appointment = Appointment(id=new_id(), case_id=case.id, application_id=case.application_id,
                                  office_code=office.code, starts_at=office.slot_start(day, position),
                                  state=AppointmentState.SCHEDULED.value, state_since=now, replaces=replaces,
                                  created_at=now)
        try:
            with uow.session.begin_nested():
                uow.session.add(AppointmentSlot(office_code=office.code, day=day, position=position,
                                                appointment_id=appointment.id))
                uow.session.add(appointment)
        except IntegrityError:
            continue
        uow.emit(APPOINTMENT_SCHEDULED, {"application_id": case.application_id, "appointment_id": appointment.id,
                                         "starts_at": appointment.starts_at, "office": office.as_event(),
                                         "replaces": replaces}, correlation_id=case.application_id)
        return appointment
    raise conflict("no_free_slot", f"could not book a slot at {office.code}: every free slot was taken meanwhile",
                   field="office")


def free(uow: UnitOfWork, appointment: Appointment, state: AppointmentState, now: dt.datetime) -> None:
    transitions.move_or_refuse(uow.session, APPOINTMENT, appointment, state, now, field="appointment_id")
    slot = uow.session.scalars(select(AppointmentSlot).where(AppointmentSlot.appointment_id == appointment.id)).first()
    if slot is not None:
        uow.session.delete(slot)


def rebook(uow: UnitOfWork, case: Case, now: dt.datetime, context: VerificationContext,
           not_before: dt.date | None = None) -> Appointment:
    """Free the current appointment (if still booked) and book the earliest slot from `not_before` on."""
    previous = current(uow, case)
    if previous is not None and previous.state == AppointmentState.SCHEDULED.value:
        free(uow, previous, AppointmentState.RESCHEDULED, now)
    case.expires_at = None
    office = office_of(uow, served_region(case), context.settings)
    case.office_code = office.code
    return book(uow, case, office, now, context, not_before, previous.id if previous else None)


def captured(uow: UnitOfWork, case: Case, now: dt.datetime) -> None:
    """Biometrics captured the applicant: the appointment was kept."""
    appointment = current(uow, case)
    if appointment is not None and appointment.state == AppointmentState.SCHEDULED.value:
        transitions.move(uow.session, APPOINTMENT, appointment, AppointmentState.ATTENDED, now)
    case.expires_at = None


def mark_no_shows(uow: UnitOfWork, now: dt.datetime, settings: VerificationSettings) -> list[Case]:
    """Appointments whose office day ended (plus the grace) without a capture: free the slot and start the
    countdown to expiry. Returns the cases concerned."""
    grace = dt.timedelta(minutes=settings.no_show_grace_minutes)
    missed = []
    rows = uow.session.execute(select(Appointment, Case).join(Case, Case.id == Appointment.case_id)
                               .where(Appointment.state == AppointmentState.SCHEDULED.value, Appointment.starts_at < now,
                                      Case.state == CaseState.APPROVED.value)).all()
    for appointment, case in rows:
        office = office_by_code(uow, appointment.office_code, served_region(case), settings)
        if office.closing(office.local_day(appointment.starts_at)) + grace > now:
            continue
        free(uow, appointment, AppointmentState.NO_SHOW, now)
        case.expires_at = now + dt.timedelta(days=settings.no_show_expiry_days)
        missed.append(case)
    return missed


def expire_due(uow: UnitOfWork, now: dt.datetime) -> list[Case]:
    """Cases whose countdown after a no-show ran out with no new appointment: the application expires."""
    expired = []
    for case in uow.session.scalars(select(Case).where(Case.expires_at < now, Case.state == CaseState.APPROVED.value)).all():
        booked = current(uow, case)
        if booked is not None and booked.state == AppointmentState.SCHEDULED.value:
            continue
        if not transitions.move(uow.session, CASE, case, CaseState.EXPIRED, now, expires_at=None):
            continue  # moved meanwhile (captured, paused)
        uow.emit(APPLICATION_EXPIRED, {"application_id": case.application_id, "expired_at": now, "reason": "no_show"},
                 correlation_id=case.application_id)
        expired.append(case)
    return expired


def of_day(uow: UnitOfWork, day: dt.date, timezone: dt.tzinfo, office: str | None,
           scope: frozenset[str] | None) -> list[tuple[Appointment, Case]]:
    """An office day's capture appointments in time order (every state: the desk shows who came and who
    did not), limited to ``scope`` (None: every office)."""
    start = dt.datetime.combine(day, dt.time(), timezone)
    chosen = (select(Appointment, Case).join(Case, Case.id == Appointment.case_id)
              .where(Appointment.starts_at >= start, Appointment.starts_at < start + dt.timedelta(days=1),
                     Appointment.state != AppointmentState.RESCHEDULED.value))
    if office is not None:
        chosen = chosen.where(Appointment.office_code == office)
    if scope is not None:
        chosen = chosen.where(Appointment.office_code.in_(sorted(scope)))
    return [(row[0], row[1]) for row in uow.session.execute(chosen.order_by(Appointment.starts_at, Appointment.id))]
