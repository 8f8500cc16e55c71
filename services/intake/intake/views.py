"""What the citizen (and an officer, through the access log) reads of an application: its status view, the
review before submission, and the receipt's summary. Read models only; nothing here changes state."""
from __future__ import annotations

import datetime as dt
from typing import Any

from ektp_shared.calendar import local_day
from ektp_shared.reference.application_kinds import Fee, application_kind, document_type
from ektp_shared.reference.regions import lineage, region

from .models import Application
from .payment import dues
from .receipt_document import ReceiptSummary
from .rules.review import Review, missing_document_codes, with_region_names
from .rules.states import EDITABLE_STAGES, Stage
from .rules.status import time_in_stage


def _documents(application: Application) -> list[dict[str, Any]]:
    return [{"kind": d.kind, "sha256": d.sha256, "content_type": d.content_type, "size": d.size,
             "uploaded_at": d.uploaded_at} for d in application.documents]


def _regency(code: str | None) -> dict[str, str] | None:
    chosen = region(code) if code else None
    return chosen and {"code": chosen.code, "name": chosen.name}


def view(application: Application, now: dt.datetime, payment_days: int) -> dict[str, Any]:
    editable = Stage(application.status) in EDITABLE_STAGES
    return {
        "id": application.id, "kind": application.kind, "changes": application.changes or [],
        "document_type": application_kind(application.kind).document_type.value, "status": application.status, "status_since": application.status_since,
        "status_reason": application.status_reason, "seconds_in_status": time_in_stage(application.status_since, now),
        "receipt_number": application.receipt_number, "created_at": application.created_at,
        "submitted_at": application.submitted_at, "correction_round": application.correction_round,
        "corrections": application.corrections or [],
        "appointment": application.appointment and {k: application.appointment[k] for k in ("id", "starts_at", "office")},
        "office_regency": _regency(application.office_regency),
        "missing_documents": missing_document_codes(application.kind, application.changes or [], application.applicant,
                                                    [d.kind for d in application.documents], local_day(now)),
        "documents": _documents(application),
        "timeline": [{"stage": t.stage, "occurred_at": t.occurred_at, "detail": t.detail} for t in application.timeline],
        "applicant": application.applicant if editable else None,
        "parent": application.parent if editable else None,
        **dues.shown(application, payment_days),
    }


def review(application: Application, checked: Review, fee: dict[str, Any]) -> dict[str, Any]:
    """Everything entered, with region names, what still blocks submission, the warnings and the fee."""
    kind = application_kind(application.kind)
    return {
        "id": application.id, "kind": {"code": kind.code, "id": kind.indonesian, "en": kind.english,
                                       "fee": kind.fee.as_dict()},
        "document_type": kind.document_type.value, "parent": application.parent,
        "changes": application.changes or [], "applicant": with_region_names(application.applicant),
        "residence": application.residence, "contact": application.contact, "documents": _documents(application),
        "office_regency": _regency(application.office_regency),
        "missing_documents": [f.as_dict() for f in checked.missing_documents],
        "errors": [f.as_dict() for f in checked.errors], "warnings": [f.as_dict() for f in checked.warnings],
        "ready": checked.ready, "fee": fee,
    }


def receipt_summary(application: Application) -> ReceiptSummary:
    places = [r.name for r in reversed(lineage(application.applicant["address"]["village_code"]))]
    return ReceiptSummary(
        receipt_number=application.receipt_number, kind=application_kind(application.kind).indonesian,
        fee=dues.receipt_line(application) or _fee_line(application_kind(application.kind).fee),
        submitted_at=application.submitted_at, full_name=application.applicant["full_name"],
        nik=application.applicant["nik"], region=", ".join(places),
        documents=tuple(document_type(d.kind).indonesian for d in application.documents), parent=application.parent)


def _fee_line(fee: Fee) -> str:
    if fee.rupiah:
        return f"Rp{fee.rupiah:,}".replace(",", ".")
    return "Rp0, tidak dipungut biaya (UU 24/2013 Pasal 79A)"


def tracking(application: Application) -> dict[str, Any]:
    """What tracking without signing in shows: the status, when each stage was reached, and the office. No id
    and no personal data: the receipt number and NIK that asked are all it needs."""
    office = (application.appointment or {}).get("office") or {}
    return {"status": application.status, "status_since": application.status_since,
            "stages": [{"stage": t.stage, "at": t.occurred_at} for t in application.timeline],
            "office": office.get("name")}


def summary(application: Application) -> dict[str, Any]:
    """One of the signed-in citizen's applications, in their list."""
    return {"id": application.id, "kind": application.kind, "status": application.status,
            "status_since": application.status_since, "receipt_number": application.receipt_number,
            "created_at": application.created_at, "submitted_at": application.submitted_at}
