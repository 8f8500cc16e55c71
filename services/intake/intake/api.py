"""HTTP routes of the intake service: parse → use case → respond. A use case's refusal becomes its 4xx in
ektp_shared.web; nothing here decides a rule."""
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
from ektp_shared.identity.nik import check_nik
from ektp_shared.reference.application_kinds import document_types
from ektp_shared.service import Runtime
from ektp_shared.web.errors import ApiError
from ektp_shared.web.paths import path_uuid

from . import applications, idempotency, views
from .models import AccessEntry, Document
from .receipt_document import qr_png, receipt_pdf
from .rules import uploads
from .schemas import ApplicationIn, ApplicationOut, NikValidateIn, NikValidateOut, RescheduleIn, ReviewOut, TrackIn, today

DOCUMENT_KINDS = tuple(d.code for d in document_types())
BEARER = [{"bearerAuth": []}]
IDEMPOTENCY_DOC = {"parameters": [{"in": "header", "name": idempotency.HEADER, "required": False,
                                   "schema": {"type": "string", "maxLength": idempotency.MAX_LENGTH},
                                   "description": "Repeat the request with the same key to get the first answer again."}]}


class UploadIn(Schema):
    file = Upload(required=True)


def _load(uow: Any, application_id: str, for_update: bool = False):
    application = applications.get(uow, path_uuid(application_id, "application_id", applications.NOT_FOUND), for_update)
    logs.correlation_id.set(application.id)
    return application


def _key() -> str | None:
    return idempotency.check_key(request.headers.get(idempotency.HEADER))


def blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("applications", __name__, url_prefix="/v1/applications",
                    description="Citizen applications for an e-KTP: draft, documents, review, submission, status.")
    settings = runtime.settings

    @blp.route("", methods=["POST"])
    @blp.arguments(ApplicationIn)
    @blp.response(201, ApplicationOut)
    @blp.doc(summary="Create a draft application with the applicant's data and contact.", **IDEMPOTENCY_DOC)
    def create(body: dict[str, Any]):
        key, now = _key(), utcnow()
        with runtime.uow() as uow:
            application = applications.create(uow, runtime.cipher.lookup_hash(body["applicant"]["nik"]), body, now, key)
            uow.commit()
            logs.correlation_id.set(application.id)
            return views.view(application, now)

    @blp.route("/<application_id>", methods=["GET"])
    @blp.response(200, ApplicationOut)
    @blp.doc(summary="Status, timeline (\"stuck since\"), corrections asked, appointment and documents.")
    def read(application_id: str):
        now = utcnow()
        with runtime.uow() as uow:
            application = _load(uow, application_id)
            applications.record_access(uow, application.id, "citizen", "read", now)
            uow.commit()
            return views.view(application, now)

    @blp.route("/<application_id>", methods=["PUT"])
    @blp.arguments(ApplicationIn)
    @blp.response(200, ApplicationOut)
    @blp.doc(summary="Replace the entered data: anything in a draft, the named fields during a correction.")
    def update(body: dict[str, Any], application_id: str):
        now = utcnow()
        with runtime.uow() as uow:
            application = _load(uow, application_id, for_update=True)
            applications.update(uow, application, runtime.cipher.lookup_hash(body["applicant"]["nik"]), body)
            uow.commit()
            return views.view(application, now)

    @blp.route("/<application_id>/review", methods=["GET"])
    @blp.response(200, ReviewOut)
    @blp.doc(summary="Everything entered, with region names, what still blocks submission and the warnings.")
    def review(application_id: str):
        now = utcnow()
        with runtime.uow() as uow:
            application = _load(uow, application_id)
            checked = applications.review_of(application, now)
            applications.record_access(uow, application.id, "citizen", "review", now)
            uow.commit()
            return views.review(application, checked)

    @blp.route("/<application_id>/documents/<kind>", methods=["PUT"])
    @blp.arguments(UploadIn, location="files")
    @blp.response(201, ApplicationOut)
    @blp.doc(summary="Upload (or replace) one document; recognised by its content, checked, stored encrypted. "
                     "A 4x6 photo is checked for ratio, size, one face and background colour.")
    def upload(files: dict[str, Any], application_id: str, kind: str):
        if kind not in DOCUMENT_KINDS:
            raise ApiError(404, "unknown_document_kind", f"unknown document kind; expected one of {', '.join(DOCUMENT_KINDS)}",
                           field="kind", location="path")
        data = files["file"].read()
        with runtime.uow() as uow:
            birth_year = applications.birth_year_for_upload(_load(uow, application_id), kind)
        # The content checks decode pictures: no transaction is held while they run.
        checked = uploads.inspect(kind, data, max_bytes=settings.max_upload_bytes, max_pixels=settings.max_image_pixels,
                                  background_policy=settings.photo_background_policy, birth_year=birth_year)
        now = utcnow()
        with runtime.uow() as uow:
            application = _load(uow, application_id, for_update=True)
            applications.attach_document(runtime.objects, application, kind, data, checked.media_type, now)
            uow.commit()
            return views.view(application, now)

    @blp.route("/<application_id>/submit", methods=["POST"])
    @blp.response(200, ApplicationOut)
    @blp.doc(summary="Submit a complete draft (or resubmit after a correction); returns the receipt number. "
                     "The receipt is at ./receipt.pdf and ./receipt.png.", **IDEMPOTENCY_DOC)
    def submit(application_id: str):
        key, now = _key(), utcnow()
        with runtime.uow() as uow:
            application = _load(uow, application_id, for_update=True)
            applications.submit(uow, application, now, key)
            uow.commit()
            return views.view(application, now)

    def _submitted(uow: Any, application_id: str):
        application = _load(uow, application_id)
        if application.receipt_number is None:
            raise ApiError(409, "not_submitted", "the receipt exists once the application is submitted",
                           field="application_id", location="path")
        return application

    @blp.route("/<application_id>/receipt.pdf", methods=["GET"])
    @blp.doc(summary="The one-page receipt (tanda terima) to bring to the office.",
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
    @blp.doc(summary="The receipt number as a QR code (PNG), scanned at the office.",
             responses={200: {"description": "PNG", "content": {"image/png": {}}}})
    def receipt_qr(application_id: str):
        with runtime.uow() as uow:
            application = _submitted(uow, application_id)
            return Response(qr_png(application.receipt_number), mimetype="image/png")

    @blp.route("/<application_id>/appointment/reschedule", methods=["POST"])
    @blp.arguments(RescheduleIn)
    @blp.response(202, ApplicationOut)
    @blp.doc(summary="Ask for another capture appointment; the new one is announced like the first.")
    def reschedule(body: dict[str, Any], application_id: str):
        now = utcnow()
        with runtime.uow() as uow:
            application = _load(uow, application_id, for_update=True)
            applications.request_reschedule(uow, application, body["not_before"], now)
            uow.commit()
            return views.view(application, now)

    @blp.route("/track", methods=["POST"])
    @blp.arguments(TrackIn)
    @blp.response(200, ApplicationOut)
    @blp.doc(summary="Track an application without an account: receipt number and NIK (in the body, never the URL).")
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
            return views.view(application, now)

    @blp.route("/<application_id>/access-log", methods=["GET"])
    @requires("supervisor")
    @blp.doc(summary="Who read this citizen's record or documents, and when (supervisor, admin).", security=BEARER)
    def access_log(application_id: str):
        with runtime.uow() as uow:
            application = _load(uow, application_id)
            entries = uow.session.scalars(select(AccessEntry).where(AccessEntry.application_id == application.id)
                                          .order_by(AccessEntry.id))
            return {"application_id": application.id, "entries": [
                {"actor": e.actor, "action": e.action, "at": e.at.isoformat()} for e in entries]}

    return blp


def documents_blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("documents", __name__, url_prefix="/v1/documents",
                    description="Documents for officers, through short-lived links the verification service signs.")

    @blp.route("/<document_id>", methods=["GET"])
    @blp.doc(summary="A document's content; needs a short-lived signed link (`expires`, `signature`).",
             responses={200: {"description": "The document as uploaded", "content": {"application/octet-stream": {}}}})
    def content(document_id: str):
        if not runtime.links.verify(request.path, request.args.get("expires"), request.args.get("signature")):
            raise ApiError(403, "link_invalid", "the link is missing, expired or not signed", field="signature",
                           location="query")
        now = utcnow()
        with runtime.uow() as uow:
            document = uow.session.get(Document, document_id)
            if document is None:
                raise ApiError(404, "not_found", "no document has this id", field="document_id", location="path")
            logs.correlation_id.set(document.application_id)
            data = runtime.objects.get(document.object_key)
            applications.record_access(uow, document.application_id, "officer-link", f"document:{document.kind}", now)
            uow.commit()
            return Response(data, mimetype=document.content_type, headers={"Cache-Control": "no-store"})

    return blp


def nik_blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("nik", __name__, url_prefix="/v1/nik", description="NIK checks for front ends and other services.")

    @blp.route("/validate", methods=["POST"])
    @blp.arguments(NikValidateIn)
    @blp.response(200, NikValidateOut)
    @blp.doc(summary="Check a NIK: structure, region, date, serial; warnings where it disagrees with the entered "
                     "birth date or gender. An invalid NIK is a 200 with `valid: false`.")
    def validate(body: dict[str, Any]):
        return check_nik(body["nik"], today=today(), birth_date=body["birth_date"], gender=body["gender"]).as_dict()

    return blp
