"""Use cases of an application: draft, documents, review, submit (and resubmit after a correction),
reschedule, and following the other services' events.

Functions take a unit of work (the transaction) and plain values and refuse with ``Refused``; routes and
handlers stay thin. The rules live in rules/ (review, corrections, status, receipt numbers, uploads).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ektp_shared import metrics, transitions
from ektp_shared.calendar import local_day
from ektp_shared.contracts import CloudEvent
from ektp_shared.contracts.common import CardHolderSchema
from ektp_shared.contracts.intake import (
    APPLICATION_RESUBMITTED,
    APPLICATION_SUBMITTED,
    PAYMENT_DUE,
    RESCHEDULE_REQUESTED,
)
from ektp_shared.contracts.verification import APPOINTMENT_SCHEDULED, CORRECTION_REQUESTED
from ektp_shared.db import new_id
from ektp_shared.objects import ObjectStore
from ektp_shared.reference.application_kinds import application_kind, changes_with_values, document_type
from ektp_shared.refusal import Refused, conflict, not_found
from ektp_shared.serialization import jsonable
from ektp_shared.uow import UnitOfWork

from . import idempotency
from .models import AccessEntry, Application, Document, TimelineEntry
from .payment import dues
from .rules import corrections, receipt
from .rules.review import Review, missing_document_codes, review
from .rules.states import APPLICATION, EDITABLE_STAGES, FINAL_STAGES, RESCHEDULABLE_STAGES, Stage
from .rules.status import NOTED_EVENTS, STAGE_OF_EVENT, TIMELINE_DETAIL, moves_status, time_in_stage

RECEIPT_ATTEMPTS = 5
# marshmallow schemas are reusable; building one copies its fields, so it is built once.
CARD_HOLDER = CardHolderSchema()
# How far ahead a citizen may ask for a capture appointment.
RESCHEDULE_HORIZON_DAYS = 90


NOT_FOUND = "no application has this id"


def get(uow: UnitOfWork, application_id: str, for_update: bool = False) -> Application:
    """The application with its documents and timeline, in one query (locked against a concurrent change)."""
    query = (select(Application).where(Application.id == application_id)
             .options(joinedload(Application.documents), joinedload(Application.timeline)))
    if for_update:
        query = query.with_for_update(of=Application)
    application = uow.session.scalars(query).unique().first()
    if application is None:
        raise not_found("not_found", NOT_FOUND, field="application_id", location="path")
    return application


def active_for_nik(uow: UnitOfWork, nik_hash: str, excluding: str | None = None) -> Application | None:
    query = select(Application).where(Application.active_nik == nik_hash)
    if excluding:
        query = query.where(Application.id != excluding)
    return uow.session.scalars(query).first()


Sees = Callable[[Application], bool]  # whether the asking citizen may learn of an application (it is theirs)


def nobody(application: Application) -> bool:
    return False


def _second_active(other: Application, sees: Sees) -> Refused:
    """One active application per NIK. Only its own citizen learns which application is in the way."""
    if sees(other):
        return conflict("active_application_exists",
                        f"this NIK already has an application in progress (receipt {other.receipt_number})",
                        field="applicant.nik", details={"receipt_number": other.receipt_number})
    return conflict("active_application_exists", "this NIK already has an application in progress",
                    field="applicant.nik")


def _refuse_second_active(uow: UnitOfWork, nik_hash: str, sees: Sees, excluding: str | None = None) -> None:
    other = active_for_nik(uow, nik_hash, excluding)
    if other is not None:
        raise _second_active(other, sees)


def flush_or_refuse(uow: UnitOfWork, nik_hash: str, sees: Sees = nobody, excluding: str | None = None) -> None:
    """Write the change now, so a unique key another request took at the same moment is found here: one
    active application per NIK (the other is named by its receipt), else a repeated Idempotency-Key still
    in progress. Either way the transaction is rolled back and the request refused (409)."""
    try:
        uow.session.flush()
    except IntegrityError as exc:
        uow.session.rollback()
        other = active_for_nik(uow, nik_hash, excluding)
        if other is not None:
            raise _second_active(other, sees) from exc
        raise conflict("conflict", "a request with this Idempotency-Key is in progress", field=idempotency.HEADER,
                       location="headers") from exc


def _entered(body: dict[str, Any]) -> dict[str, Any]:
    return {"kind": body["kind"], "changes": list(body["changes"]), "applicant": jsonable(body["applicant"]),
            "residence": jsonable(body["residence"]), "contact": body["contact"], "language": body["language"],
            "office_regency": body["office_regency"], "parent": body["parent"]}


def _data_of(application: Application) -> dict[str, Any]:
    return {"kind": application.kind, "changes": list(application.changes or []), "applicant": application.applicant,
            "residence": application.residence, "contact": application.contact, "language": application.language,
            "office_regency": application.office_regency, "parent": application.parent}


def _apply(application: Application, nik_hash: str, holder_hash: str, data: dict[str, Any]) -> None:
    application.kind, application.changes = data["kind"], data["changes"]
    application.applicant, application.residence = data["applicant"], data["residence"]
    application.contact, application.language = data["contact"], data["language"]
    application.office_regency, application.parent = data["office_regency"], data["parent"]
    application.nik_hash, application.holder_hash = nik_hash, holder_hash


def create(uow: UnitOfWork, nik_hash: str, holder_hash: str, body: dict[str, Any], now: dt.datetime,
           key: str | None = None, sees: Sees = nobody) -> Application:
    """A draft of the signed-in citizen (``nik_hash``) for the card of ``holder_hash`` (theirs, or their child's);
    with an Idempotency-Key, a retry of the same request gets the draft the first one made."""
    fingerprint = idempotency.fingerprint(body)
    earlier = idempotency.remembered(uow, "create", key, fingerprint)
    if earlier is not None:
        return get(uow, earlier)
    _refuse_second_active(uow, holder_hash, sees)
    application = Application(id=new_id(), status=Stage.DRAFT.value, status_since=now, created_at=now,
                              correction_round=0)
    _apply(application, nik_hash, holder_hash, _entered(body))
    application.documents, application.timeline = [], [TimelineEntry(stage=Stage.DRAFT.value, occurred_at=now)]
    uow.session.add(application)
    idempotency.remember(uow, "create", key, fingerprint, application.id, now)
    flush_or_refuse(uow, holder_hash, sees)
    return application


def update(uow: UnitOfWork, application: Application, nik_hash: str, holder_hash: str, body: dict[str, Any],
           sees: Sees = nobody) -> None:
    """Replace the entered data: anything in a draft; during a correction, what the officer named."""
    _require_editable(application)
    data = _entered(body)
    if application.status == Stage.CORRECTION_REQUESTED.value:
        requested = [c["field"] for c in application.corrections or []]
        refused = corrections.unrequested_changes(requested, application.correction_baseline, data,
                                                  application_kind(data["kind"]).implied_fields)
        if refused:
            raise Refused("not_requested",
                          f"the officer did not ask to correct {', '.join(refused)}; only {', '.join(requested)} may change",
                          field=refused[0], details={"requested": requested})
    if holder_hash != application.holder_hash and application.active_nik is not None:
        _refuse_second_active(uow, holder_hash, sees, excluding=application.id)
        application.active_nik = holder_hash
    _apply(application, nik_hash, holder_hash, data)
    flush_or_refuse(uow, holder_hash, sees, excluding=application.id)


def _require_editable(application: Application) -> None:
    if Stage(application.status) not in EDITABLE_STAGES:
        raise conflict("not_editable", f"the application cannot change while it is {application.status}",
                       field="application_id", location="path")


def needed_documents(application: Application, now: dt.datetime) -> set[str]:
    kind = application_kind(application.kind)
    photo = kind.takes_photo(dt.date.fromisoformat(application.applicant["birth_date"]), local_day(now))
    groups = kind.required_documents(changes_with_values(application.changes or [], application.applicant), photo)
    return {code for group in groups for code in group}


def birth_year_for_upload(application: Application, kind: str, now: dt.datetime) -> int:
    """Before the (slow) content checks of an upload: may this document be uploaded now? The birth year
    decides the photo's background under the birth-year-parity policy."""
    check_document_allowed(application, kind, now)
    return int(application.applicant["birth_date"][:4])


def check_document_allowed(application: Application, kind: str, now: dt.datetime) -> None:
    _require_editable(application)
    needed = needed_documents(application, now)
    if kind not in needed:
        if kind == "photo" and application_kind(application.kind).photo_from_age_years is not None:
            years = application_kind(application.kind).photo_from_age_years
            raise Refused("documents.photo_too_young", f"a KIA for a child under {years} carries no photo",
                          field="kind", location="path")
        raise Refused("document_not_needed",
                      f"a {application.kind} application does not take a {document_type(kind).english}; "
                      f"it needs: {', '.join(sorted(needed))}", field="kind", location="path")
    if application.status == Stage.CORRECTION_REQUESTED.value:
        requested = [c["field"] for c in application.corrections or []]
        if not corrections.document_allowed(requested, kind):
            raise Refused("not_requested",
                          f"the officer did not ask for a new {document_type(kind).english}; only {', '.join(requested)}",
                          field="kind", location="path", details={"requested": requested})


def attach_document(objects: ObjectStore, application: Application, kind: str, data: bytes, content_type: str,
                    now: dt.datetime) -> Document:
    check_document_allowed(application, kind, now)  # again: the application may have moved during the checks
    document = next((d for d in application.documents if d.kind == kind), None)
    if document is None:
        document = Document(id=new_id(), application_id=application.id, kind=kind)
        application.documents.append(document)
    # A new object per upload: the version an officer saw stays readable until the new one is committed.
    stored = objects.put(f"documents/{application.id}/{new_id()}", data, content_type)
    document.object_key, document.sha256, document.content_type = stored.key, stored.sha256, content_type
    document.size, document.uploaded_at = stored.size, now
    return document


def review_of(application: Application, now: dt.datetime) -> Review:
    return review(application.kind, application.changes or [], application.applicant,
                  [d.kind for d in application.documents], local_day(now))


def submit(uow: UnitOfWork, application: Application, now: dt.datetime, key: str | None, *, payment_days: int,
           sees: Sees = nobody) -> None:
    """First submission (a draft) or resubmission (after a correction); a retry with the same
    Idempotency-Key gets the first answer again. Where a fee applies, the citizen is told what to pay by when
    (``payment_days``)."""
    scope = f"submit:{application.id}"
    if idempotency.remembered(uow, scope, key, "") is not None:
        return
    resubmission = application.status == Stage.CORRECTION_REQUESTED.value
    if not resubmission and application.status != Stage.DRAFT.value:
        raise conflict("already_submitted", f"the application is already {application.status}",
                       field="application_id", location="path", details={"receipt_number": application.receipt_number})
    checked = review_of(application, now)
    if checked.errors:
        first = checked.errors[0]
        raise Refused(first.code, first.english, field=_field_of(first.code),
                      details={"findings": [f.as_dict() for f in checked.errors]})
    if checked.missing_documents:
        missing = missing_document_codes(application.kind, application.changes or [], application.applicant,
                                          [d.kind for d in application.documents], local_day(now))
        raise Refused("documents_missing", f"documents still missing: {', '.join(missing)}", field="documents",
                      details={"missing_documents": missing, "findings": [f.as_dict() for f in checked.missing_documents]})
    if resubmission:
        requested = [c["field"] for c in application.corrections or []]
        unchanged = corrections.nothing_corrected(requested, application.correction_baseline, _data_of(application),
                                                  {d.kind: d.sha256 for d in application.documents})
        if unchanged:
            raise Refused(unchanged.code, unchanged.english, field=requested[0] if requested else "application_id",
                          details={"findings": [unchanged.as_dict()], "requested": requested})
        application.correction_round += 1
        application.corrections = application.correction_baseline = None
        stage = Stage.RESUBMITTED
    else:
        application.receipt_number = _first_submission(uow, application, now, sees)
        application.active_nik = application.holder_hash
        application.submitted_at = now
        flush_or_refuse(uow, application.holder_hash, sees, excluding=application.id)  # a submission racing this one
        stage = Stage.SUBMITTED
        charge = dues.charge_of(uow, application)
        if charge.rupiah:  # a regional fee: verification hears of the application once it is paid
            dues.open_attempt(uow, application, charge.rupiah, charge.basis, now)
            stage = Stage.AWAITING_PAYMENT
    _move(uow, application, stage, now, None)
    detail: dict[str, Any] = {"receipt_number": application.receipt_number}
    if resubmission:
        detail["round"] = application.correction_round
    if stage == Stage.AWAITING_PAYMENT:
        detail["fee_rupiah"] = charge.rupiah
    application.timeline.append(TimelineEntry(stage=stage.value, occurred_at=now, detail=detail))
    data = _submitted_data(application, checked, now)
    if resubmission:
        uow.emit(APPLICATION_RESUBMITTED, {**data, "round": application.correction_round}, correlation_id=application.id)
    elif stage == Stage.SUBMITTED:
        uow.emit(APPLICATION_SUBMITTED, data, correlation_id=application.id)
    else:
        uow.emit(PAYMENT_DUE, {
            "application_id": application.id, "receipt_number": application.receipt_number,
            "document_type": data["document_type"], "rupiah": charge.rupiah, "basis": charge.basis,
            "pay_by": dues.pay_by(application.status_since, payment_days), "contact": application.contact,
            "language": application.language}, correlation_id=application.id)
    idempotency.remember(uow, scope, key, "", application.id, now)
    flush_or_refuse(uow, application.holder_hash, sees, excluding=application.id)


def _submitted_data(application: Application, checked: Review, at: dt.datetime) -> dict[str, Any]:
    return {
        "application_id": application.id, "receipt_number": application.receipt_number, "kind": application.kind,
        "document_type": application_kind(application.kind).document_type.value, "parent": application.parent,
        "submitted_at": at, "applicant": CARD_HOLDER.load(application.applicant), "contact": application.contact,
        "language": application.language, "changes": list(application.changes or []),
        "residence": application.residence, "warnings": [w.code for w in checked.warnings],
        "office_regency": application.office_regency,
        "documents": [{"kind": d.kind, "document_id": d.id, "sha256": d.sha256, "content_type": d.content_type}
                      for d in application.documents],
    }


def hand_to_verification(uow: UnitOfWork, application: Application, now: dt.datetime, detail: dict[str, Any]) -> None:
    """The fee is paid: the application is submitted as of now, with the data and documents it was submitted with."""
    _move(uow, application, Stage.SUBMITTED, now, None)
    application.timeline.append(TimelineEntry(stage=Stage.SUBMITTED.value, occurred_at=now,
                                              detail={"receipt_number": application.receipt_number, **detail}))
    uow.emit(APPLICATION_SUBMITTED, _submitted_data(application, review_of(application, application.submitted_at), now),
             correlation_id=application.id)


def _field_of(code: str) -> str:
    return {"nik": "applicant.nik", "kk": "applicant.kk_number", "kind": "applicant.birth_date",
            "documents": "documents"}.get(
        code.partition(".")[0], "applicant")


def _first_submission(uow: UnitOfWork, application: Application, now: dt.datetime, sees: Sees) -> str:
    """A receipt number no application has, after making sure the NIK has no other active application;
    one query answers both (a submission is the hot path)."""
    region = application.applicant["address"]["village_code"]
    for _ in range(RECEIPT_ATTEMPTS):
        number = receipt.new_receipt_number(region, local_day(now))
        clashes = uow.session.execute(
            select(Application.receipt_number, Application.active_nik)
            .where(Application.id != application.id,
                   or_(Application.active_nik == application.holder_hash, Application.receipt_number == number))).all()
        other = next((c for c in clashes if c.active_nik == application.holder_hash), None)
        if other is not None:
            raise _second_active(active_for_nik(uow, application.holder_hash, application.id), sees)
        if not clashes:
            return number
    raise RuntimeError("no free receipt number after several attempts")


def request_reschedule(uow: UnitOfWork, application: Application, not_before: dt.date | None, now: dt.datetime) -> None:
    if Stage(application.status) not in RESCHEDULABLE_STAGES or not application.appointment:
        raise conflict("not_reschedulable", f"there is no appointment to move while the application is {application.status}",
                       field="application_id", location="path")
    today = local_day(now)
    if not_before is not None and not today <= not_before <= today + dt.timedelta(days=RESCHEDULE_HORIZON_DAYS):
        raise Refused("reschedule.out_of_range",
                      f"not_before must be between today and {RESCHEDULE_HORIZON_DAYS} days ahead", field="not_before")
    uow.emit(RESCHEDULE_REQUESTED, {"application_id": application.id, "appointment_id": application.appointment["id"],
                                    "requested_at": now, "not_before": not_before}, correlation_id=application.id)
    _move(uow, application, Stage.RESCHEDULE_REQUESTED, now, None)
    application.timeline.append(TimelineEntry(stage=Stage.RESCHEDULE_REQUESTED.value, occurred_at=now,
                                              detail={"not_before": not_before.isoformat()} if not_before else None))


def record_event(uow: UnitOfWork, event: CloudEvent) -> None:
    """Enter an event of another service into the timeline, and move the status if it is the newest."""
    application = get(uow, str(event.data["application_id"]), for_update=True)
    detail = {k: jsonable(v) for k, v in event.data.items() if k in TIMELINE_DETAIL}
    if event.type in NOTED_EVENTS:
        application.timeline.append(TimelineEntry(stage=NOTED_EVENTS[event.type], occurred_at=event.time,
                                                  event_type=event.type, detail=detail or None))
        return
    stage = STAGE_OF_EVENT[event.type]
    application.timeline.append(TimelineEntry(stage=stage.value, occurred_at=event.time, event_type=event.type,
                                              detail=detail or None))
    if event.type == APPOINTMENT_SCHEDULED.type:
        # The newest booking is the one that counts, whatever the order the events arrive in.
        current = application.appointment
        if not current or dt.datetime.fromisoformat(current["booked_at"]) <= event.time:
            application.appointment = {"id": str(event.data["appointment_id"]), "booked_at": event.time.isoformat(),
                                       **jsonable({k: event.data[k] for k in ("starts_at", "office")})}
    if not moves_status(Stage(application.status), application.status_since, event.time):
        return
    reason = event.data.get("message")
    if event.type == CORRECTION_REQUESTED.type:
        application.corrections = jsonable(event.data["corrections"])
        application.correction_baseline = corrections.snapshot(_data_of(application),
                                                               {d.kind: d.sha256 for d in application.documents})
    _move(uow, application, stage, event.time,
          reason if stage in (Stage.CORRECTION_REQUESTED, Stage.REJECTED) else None)


def _move(uow: UnitOfWork, application: Application, stage: Stage, at: dt.datetime, reason: str | None) -> None:
    before, since = application.status, application.status_since
    values: dict[str, Any] = {"status_reason": reason, "status_since": at}  # a repeated stage restarts its clock
    if stage in FINAL_STAGES:
        values["active_nik"] = None  # the citizen may apply again
    # The application is locked by the caller's transaction (get(..., for_update=True)): the move cannot lose.
    transitions.move_or_refuse(uow.session, APPLICATION, application, stage, at, field="application_id", **values)
    if before != stage.value:
        metrics.STAGE_DURATION.labels(before).observe(time_in_stage(since, at))


def record_access(uow: UnitOfWork, application_id: str, actor: str, action: str, now: dt.datetime) -> None:
    uow.session.add(AccessEntry(application_id=application_id, actor=actor, action=action, at=now))


def by_receipt(uow: UnitOfWork, receipt_number: str, nik_hash: str) -> Application | None:
    normalized = receipt.normalize_receipt_number(receipt_number)
    if normalized is None:
        return None
    application = uow.session.scalars(select(Application).where(Application.receipt_number == normalized)).first()
    # The same answer for a wrong NIK as for an unknown receipt: tracking must not confirm either alone. A child's
    # card is tracked with the parent's NIK or the child's.
    found = application is not None and nik_hash in (application.nik_hash, application.holder_hash)
    return application if found else None
