"""Use cases of a verification case: open it from a submission, decide it, book the capture appointment."""
from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from ektp_shared.contracts import CloudEvent
from ektp_shared.contracts.verification import (APPLICATION_REJECTED, APPLICATION_VERIFIED, APPOINTMENT_SCHEDULED,
                                                CORRECTION_REQUESTED)
from ektp_shared.contracts.common import CardHolderSchema
from ektp_shared.db import new_id
from ektp_shared.serialization import jsonable
from ektp_shared.uow import UnitOfWork

from .decisions import CaseState, Decision, decide
from .models import Appointment, AuditEntry, Case
from .offices import Office, first_free_slot, office_for


def open_case(uow: UnitOfWork, event: CloudEvent, now: dt.datetime) -> Case:
    data = event.data
    applicant = jsonable(data["applicant"])
    case = Case(id=new_id(), application_id=str(data["application_id"]), receipt_number=data["receipt_number"],
                kind=data["kind"], state=CaseState.OPEN.value, applicant=applicant,
                documents=[jsonable(d) for d in data["documents"]],
                office_code=office_for(applicant["address"]["village_code"]).code, opened_at=now)
    uow.session.add(case)
    return case


def decide_case(uow: UnitOfWork, case: Case, officer: str, body: dict[str, Any], now: dt.datetime,
                daily_capacity: int) -> Appointment | None:
    decision = Decision(body["decision"])
    before = {"state": case.state}
    case.state = decide(CaseState(case.state), decision).value
    case.decided_at, case.decided_by = now, officer
    case.reason_code, case.message = body.get("reason_code"), body.get("message")
    appointment = None
    if decision is Decision.APPROVE:
        office = office_for(case.applicant["address"]["village_code"])
        uow.emit(APPLICATION_VERIFIED, {"application_id": case.application_id, "receipt_number": case.receipt_number,
                                        "kind": case.kind, "verified_at": now, "card_holder": _card_holder(case.applicant),
                                        "office": office.as_event()}, correlation_id=case.application_id)
        appointment = _book(uow, case, office, now, daily_capacity)
    elif decision is Decision.REQUEST_CORRECTION:
        uow.emit(CORRECTION_REQUESTED, {"application_id": case.application_id, "reason_code": body["reason_code"],
                                        "message": body["message"], "corrections": body.get("corrections", [])},
                 correlation_id=case.application_id)
    else:
        uow.emit(APPLICATION_REJECTED, {"application_id": case.application_id, "reason_code": body["reason_code"],
                                        "message": body["message"]}, correlation_id=case.application_id)
    uow.session.add(AuditEntry(actor=officer, action=f"decision.{decision.value}", case_id=case.id, at=now, before=before,
                               after={"state": case.state, "reason_code": case.reason_code}))
    return appointment


def _book(uow: UnitOfWork, case: Case, office: Office, now: dt.datetime, daily_capacity: int) -> Appointment:
    booked = uow.session.execute(select(Appointment.starts_at).where(Appointment.office_code == office.code,
                                                                    Appointment.starts_at > now)).scalars()
    per_day: dict[dt.date, int] = {}
    zone = ZoneInfo(office.timezone)
    for starts_at in booked:
        day = starts_at.astimezone(zone).date()
        per_day[day] = per_day.get(day, 0) + 1
    appointment = Appointment(id=new_id(), case_id=case.id, application_id=case.application_id, office_code=office.code,
                              starts_at=first_free_slot(office, now, per_day, daily_capacity), created_at=now)
    uow.session.add(appointment)
    uow.emit(APPOINTMENT_SCHEDULED, {"application_id": case.application_id, "appointment_id": appointment.id,
                                     "starts_at": appointment.starts_at, "office": office.as_event()},
             correlation_id=case.application_id)
    return appointment


def appointment_of(uow: UnitOfWork, case: Case) -> Appointment | None:
    return uow.session.scalars(select(Appointment).where(Appointment.case_id == case.id)
                               .order_by(Appointment.created_at.desc())).first()


def count_by_state(uow: UnitOfWork) -> dict[str, int]:
    return dict(uow.session.execute(select(Case.state, func.count()).group_by(Case.state)).all())


def _card_holder(applicant: dict[str, Any]) -> dict[str, Any]:
    return CardHolderSchema().load(applicant)
