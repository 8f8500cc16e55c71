"""What officers read: a case in the queue, a case in full (documents by short-lived links, appointment,
interviews), and a suspected duplicate side by side. Read models only; nothing here changes state."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from ektp_shared.uow import UnitOfWork

from . import appointments, cases
from .models import Appointment, Case, CaseFlag, Interview, InterviewSlot
from .schemas import CaseOut, CaseSummaryOut

SUMMARY_FIELDS = tuple(name for name in CaseSummaryOut().fields if name != "flags")
CASE_FIELDS = tuple(name for name in CaseOut().fields if name not in CaseSummaryOut().fields)
Link = Callable[[str, str], str]  # (service base URL, path) -> a signed, short-lived URL


def flags(uow: UnitOfWork, case: Case) -> list[str]:
    return list(uow.session.scalars(select(CaseFlag.code).where(CaseFlag.case_id == case.id).order_by(CaseFlag.code)))


def summary(uow: UnitOfWork, case: Case) -> dict[str, Any]:
    return {**{name: getattr(case, name) for name in SUMMARY_FIELDS}, "flags": flags(uow, case)}


def case_view(uow: UnitOfWork, case: Case, link: Link, intake_url: str) -> dict[str, Any]:
    out = {**summary(uow, case), **{name: getattr(case, name) for name in CASE_FIELDS if hasattr(case, name)}}
    out["documents"] = [{**d, "url": link(intake_url, f"/v1/documents/{d['document_id']}")} for d in case.documents]
    booked = appointments.current(uow, case)
    out["appointment"] = booked and {"id": booked.id, "office_code": booked.office_code, "starts_at": booked.starts_at,
                                     "state": booked.state}
    out["interviews"] = [{"id": i.id, "starts_at": i.starts_at.isoformat(), "channel": i.channel, "state": i.state,
                          "contact": i.contact, "outcome_notes": i.outcome_notes}
                         for i in uow.session.scalars(select(Interview).where(Interview.case_id == case.id)
                                                      .order_by(Interview.created_at))]
    return out


def adjudication_view(uow: UnitOfWork, case: Case, link: Link, biometrics_url: str) -> dict[str, Any]:
    """This applicant and each candidate: their data, a face image by short-lived link, the match score."""

    def record(application_id: str) -> dict[str, Any]:
        other = cases.by_application(uow, application_id)
        return {"application_id": application_id, "receipt_number": other.receipt_number if other else None,
                "state": other.state if other else None, "applicant": other.applicant if other else None,
                "face_url": link(biometrics_url, f"/v1/enrolments/{application_id}/portrait")}

    return {"case_id": case.id, "state": case.state, "reference_id": case.biometric_reference,
            "applicant": record(case.application_id),
            "candidates": [{**record(c["application_id"]), "reference_id": c["reference_id"], "score": c["score"]}
                           for c in case.candidates or []]}


def slot(found: InterviewSlot) -> dict[str, Any]:
    return {"id": found.id, "officer": found.officer, "starts_at": found.starts_at, "minutes": found.minutes,
            "free": found.interview_id is None}


def appointment(found: Appointment, case: Case) -> dict[str, Any]:
    return {"id": found.id, "case_id": case.id, "application_id": found.application_id,
            "receipt_number": case.receipt_number, "full_name": case.applicant.get("full_name"),
            "office_code": found.office_code, "starts_at": found.starts_at, "state": found.state}
