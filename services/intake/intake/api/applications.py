"""HTTP routes of a citizen's applications (draft, documents, review, submission, receipt, reschedule, status),
each for the signed-in citizen whose application it is, and tracking without signing in."""
from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema
from sqlalchemy import select

from ektp_shared import logs
from ektp_shared.auth import requires
from ektp_shared.db import utcnow
from ektp_shared.reference.application_kinds import document_types
from ektp_shared.service import Runtime
from ektp_shared.web.errors import ApiError
from ektp_shared.web.limits import nik_key
from ektp_shared.web.paths import path_uuid

from .. import applications, citizens, idempotency, views
from ..context import IntakeContext
from ..models import AccessEntry, Application
from ..payment import dues, payments
from ..receipt_document import qr_png, receipt_pdf
from ..rules import uploads
from ..rules.states import Stage
from ..schemas import ApplicationIn, ApplicationOut, RescheduleIn, ReviewOut, TrackIn, TrackOut
from .access import citizen, citizen_required, mine

DOCUMENT_KINDS = tuple(d.code for d in document_types())
BEARER = [{"bearerAuth": []}]
CITIZEN = BEARER  # a citizen's sign-in token (POST /v1/citizen/sessions)
IDEMPOTENCY_DOC = {"parameters": [{"in": "header", "name": idempotency.HEADER, "required": False,
                                   "schema": {"type": "string", "maxLength": idempotency.MAX_LENGTH},
                                   "description": "Repeat the request with the same key to get the first answer again."}]}


class UploadIn(Schema):
    file = Upload(required=True)


def _key() -> str | None:
    return idempotency.check_key(request.headers.get(idempotency.HEADER))


def blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("applications", __name__, url_prefix="/v1/applications",
                    description="Citizen applications for an e-KTP: draft, documents, review, submission, status. "
                                "Each needs the citizen's sign-in token, and reaches only their own applications.")
    settings, limiter = runtime.settings, runtime.limiter
    drafts_per_nik, draft_without_nik = nik_key(runtime.cipher.lookup_hash, "applicant", "nik")
    tracking_per_nik, tracking_without_nik = nik_key(runtime.cipher.lookup_hash, "nik")

    def context() -> IntakeContext:
        return runtime.context

    def a_retry() -> bool:
        """A retry whose Idempotency-Key already made a draft gets that draft back and makes none: not counted,
        so a client on a flaky network is not locked out of its own draft for a day."""
        with runtime.uow() as uow:
            return idempotency.seen(uow, "create", request.headers.get(idempotency.HEADER))

    def sees(other: Application) -> bool:
        return citizens.owns(context(), citizen(), other)

    def holder_hash(body: dict[str, Any]) -> str:
        return context().lookup_hash(body["applicant"]["nik"])

    @blp.route("", methods=["POST"])
    @citizen_required
    @limiter.limit(settings.limit_drafts, exempt_when=a_retry)
    @limiter.limit(settings.limit_drafts_per_nik, key_func=drafts_per_nik,
                   exempt_when=lambda: draft_without_nik() or a_retry())
    @blp.arguments(ApplicationIn)
    @blp.response(201, ApplicationOut)
    @blp.doc(summary="Create a draft for the signed-in citizen's NIK; its contact must be addresses they proved.",
             security=CITIZEN, **IDEMPOTENCY_DOC)
    def create(body: dict[str, Any]):
        key, now = _key(), utcnow()
        with runtime.uow() as uow:
            citizens.require_entitled(context(), citizen(), body)
            application = applications.create(uow, citizen().nik_hash, holder_hash(body), body, now, key, sees=sees)
            uow.commit()
            logs.correlation_id.set(application.id)
            return views.view(application, now, runtime.settings.payment_days)

    @blp.route("/<application_id>", methods=["GET"])
    @citizen_required
    @blp.response(200, ApplicationOut)
    @blp.doc(summary="Status, timeline (\"stuck since\"), corrections asked, appointment and documents.",
             security=CITIZEN)
    def read(application_id: str):
        now = utcnow()
        with runtime.uow() as uow:
            application = mine(uow, context(), application_id)
            applications.record_access(uow, application.id, "citizen", "read", now)
            uow.commit()
            return views.view(application, now, runtime.settings.payment_days)

    @blp.route("/<application_id>", methods=["PUT"])
    @citizen_required
    @blp.arguments(ApplicationIn)
    @blp.response(200, ApplicationOut)
    @blp.doc(summary="Replace the entered data: anything in a draft, the named fields during a correction.",
             security=CITIZEN)
    def update(body: dict[str, Any], application_id: str):
        now = utcnow()
        with runtime.uow() as uow:
            application = mine(uow, context(), application_id, for_update=True)
            citizens.require_entitled(context(), citizen(), body)
            applications.update(uow, application, citizen().nik_hash, holder_hash(body), body, sees=sees)
            uow.commit()
            return views.view(application, now, runtime.settings.payment_days)

    @blp.route("/<application_id>/review", methods=["GET"])
    @citizen_required
    @blp.response(200, ReviewOut)
    @blp.doc(summary="Everything entered, with region names, what still blocks submission and the warnings.",
             security=CITIZEN)
    def review(application_id: str):
        now = utcnow()
        with runtime.uow() as uow:
            application = mine(uow, context(), application_id)
            checked = applications.review_of(application, now)
            applications.record_access(uow, application.id, "citizen", "review", now)
            uow.commit()
            return views.review(application, checked, dues.fee_before_submission(uow, application))

    @blp.route("/<application_id>/documents/<kind>", methods=["PUT"])
    @citizen_required
    @blp.arguments(UploadIn, location="files")
    @blp.response(201, ApplicationOut)
    @blp.doc(summary="Upload (or replace) one document; recognised by its content, checked, stored encrypted. "
                     "A 4x6 photo is checked for ratio, size, one face and background colour.", security=CITIZEN)
    def upload(files: dict[str, Any], application_id: str, kind: str):
        if kind not in DOCUMENT_KINDS:
            raise ApiError(404, "unknown_document_kind", f"unknown document kind; expected one of {', '.join(DOCUMENT_KINDS)}",
                           field="kind", location="path")
        data = files["file"].read()
        with runtime.uow() as uow:
            application = mine(uow, context(), application_id)
            birth_year = applications.birth_year_for_upload(application, kind, utcnow())
            uow.commit()
        # The content checks decode pictures: no transaction is held while they run.
        checked = uploads.inspect(kind, data, max_bytes=settings.max_upload_bytes, max_pixels=settings.max_image_pixels,
                                  background_policy=settings.photo_background_policy, birth_year=birth_year)
        now = utcnow()
        with runtime.uow() as uow:
            application = mine(uow, context(), application_id, for_update=True)
            applications.attach_document(runtime.objects, application, kind, data, checked.media_type, now)
            uow.commit()
            return views.view(application, now, runtime.settings.payment_days)

    @blp.route("/<application_id>/submit", methods=["POST"])
    @citizen_required
    @blp.response(200, ApplicationOut)
    @blp.doc(summary="Submit a complete draft (or resubmit after a correction); returns the receipt number. "
                     "The receipt is at ./receipt.pdf and ./receipt.png.", security=CITIZEN, **IDEMPOTENCY_DOC)
    def submit(application_id: str):
        key, now = _key(), utcnow()
        with runtime.uow() as uow:
            application = mine(uow, context(), application_id, for_update=True)
            applications.submit(uow, application, now, key, sees=sees, payment_days=runtime.settings.payment_days)
            uow.commit()
            if application.status != Stage.AWAITING_PAYMENT.value:
                return views.view(application, now, runtime.settings.payment_days)
        payments.ensure_pay_link(runtime, application.id, now)  # the gateway is called outside the transaction
        with runtime.uow() as uow:
            return views.view(mine(uow, context(), application_id), now, runtime.settings.payment_days)

    def _submitted(uow: Any, application_id: str):
        application = mine(uow, context(), application_id)
        if application.receipt_number is None:
            raise ApiError(409, "not_submitted", "the receipt exists once the application is submitted",
                           field="application_id", location="path")
        return application

    @blp.route("/<application_id>/receipt.pdf", methods=["GET"])
    @citizen_required
    @blp.doc(summary="The one-page receipt (tanda terima) to bring to the office.", security=CITIZEN,
             responses={200: {"description": "PDF", "content": {"application/pdf": {}}}})
    def receipt_document(application_id: str):
        now = utcnow()
        with runtime.uow() as uow:
            application = _submitted(uow, application_id)
            applications.record_access(uow, application.id, "citizen", "receipt", now)
            uow.commit()
            return Response(receipt_pdf(views.receipt_summary(application)), mimetype="application/pdf",
                            headers={"Cache-Control": "no-store",
                                     "Content-Disposition": f'inline; filename="{application.receipt_number}.pdf"'})

    @blp.route("/<application_id>/receipt.png", methods=["GET"])
    @citizen_required
    @blp.doc(summary="The receipt number as a QR code (PNG), scanned at the office.", security=CITIZEN,
             responses={200: {"description": "PNG", "content": {"image/png": {}}}})
    def receipt_qr(application_id: str):
        with runtime.uow() as uow:
            application = _submitted(uow, application_id)
            uow.commit()
            return Response(qr_png(application.receipt_number), mimetype="image/png",
                            headers={"Cache-Control": "private, no-store"})

    @blp.route("/<application_id>/appointment/reschedule", methods=["POST"])
    @citizen_required
    @blp.arguments(RescheduleIn)
    @blp.response(202, ApplicationOut)
    @blp.doc(summary="Ask for another capture appointment; the new one is announced like the first.",
             security=CITIZEN)
    def reschedule(body: dict[str, Any], application_id: str):
        now = utcnow()
        with runtime.uow() as uow:
            application = mine(uow, context(), application_id, for_update=True)
            applications.request_reschedule(uow, application, body["not_before"], now)
            uow.commit()
            return views.view(application, now, runtime.settings.payment_days)

    @blp.route("/track", methods=["POST"])
    @limiter.limit(settings.limit_tracking)
    @limiter.limit(settings.limit_tracking_per_nik, key_func=tracking_per_nik, exempt_when=tracking_without_nik)
    @blp.arguments(TrackIn)
    @blp.response(200, TrackOut)
    @blp.doc(summary="Track without signing in: receipt number and NIK (in the body, never the URL) give the status, "
                     "the dates of its stages and the office; nothing else.")
    def track(body: dict[str, Any]):
        now = utcnow()
        with runtime.uow() as uow:
            application = applications.by_receipt(uow, body["receipt_number"], runtime.cipher.lookup_hash(body["nik"]))
            if application is None:
                raise ApiError(404, "not_found", "no application matches this receipt number and NIK",
                               field="receipt_number")
            logs.correlation_id.set(application.id)
            applications.record_access(uow, application.id, "citizen", "track", now)
            uow.commit()
            return views.tracking(application)

    @blp.route("/<application_id>/access-log", methods=["GET"])
    @requires("supervisor")
    @blp.doc(summary="Who read this citizen's record or documents, and when (supervisor, admin).", security=BEARER)
    def access_log(application_id: str):
        with runtime.uow() as uow:
            application = applications.get(uow, path_uuid(application_id, "application_id", applications.NOT_FOUND))
            entries = uow.session.scalars(select(AccessEntry).where(AccessEntry.application_id == application.id)
                                          .order_by(AccessEntry.id))
            return {"application_id": application.id, "entries": [
                {"actor": e.actor, "action": e.action, "at": e.at.isoformat()} for e in entries]}

    @blp.route("/<application_id>/documents/<kind>", methods=["GET"])
    @citizen_required
    @blp.doc(summary="One of the citizen's own documents as uploaded (to show it again before submitting).",
             security=CITIZEN, responses={200: {"description": "The document", "content": {"application/octet-stream": {}}}})
    def document(application_id: str, kind: str):
        now = utcnow()
        with runtime.uow() as uow:
            application = mine(uow, context(), application_id)
            found = next((d for d in application.documents if d.kind == kind), None)
            if found is None:
                raise ApiError(404, "not_found", "this application has no such document", field="kind", location="path")
            applications.record_access(uow, application.id, "citizen", f"document:{kind}", now)
            uow.commit()
            return Response(runtime.objects.get(found.object_key), mimetype=found.content_type,
                            headers={"Cache-Control": "private, no-store"})

    return blp
