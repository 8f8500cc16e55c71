"""HTTP routes of the intake service: parse → use case → respond."""
from __future__ import annotations

import uuid
from typing import Any

from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema

from ektp_shared import logs
from ektp_shared.db import utcnow
from ektp_shared.reference.application_kinds import document_types
from ektp_shared.service import Runtime
from ektp_shared.web.errors import ApiError

from . import applications
from .documents import check_document
from .schemas import ApplicationIn, ApplicationOut, TrackIn

DOCUMENT_KINDS = tuple(d.code for d in document_types())


class UploadIn(Schema):
    file = Upload(required=True)


def _application_id(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError as exc:
        raise ApiError(404, "not_found", "no application has this id", field="application_id", location="path") from exc


def _load(uow: Any, application_id: str):
    try:
        application = applications.get(uow, _application_id(application_id))
    except applications.ApplicationNotFound as exc:
        raise ApiError(404, "not_found", "no application has this id", field="application_id", location="path") from exc
    logs.correlation_id.set(application.id)
    return application


def blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("applications", __name__, url_prefix="/v1/applications",
                    description="Citizen applications for an e-KTP: draft, documents, submission, status.")

    @blp.route("", methods=["POST"])
    @blp.arguments(ApplicationIn)
    @blp.response(201, ApplicationOut)
    @blp.doc(summary="Create a draft application with the applicant's data and contact.")
    def create(body: dict[str, Any]):
        now = utcnow()
        with runtime.uow() as uow:
            application = applications.create(uow, runtime.cipher.lookup_hash(body["applicant"]["nik"]), body, now)
            uow.commit()
            logs.correlation_id.set(application.id)
            return applications.view(application, now)

    @blp.route("/<application_id>", methods=["GET"])
    @blp.response(200, ApplicationOut)
    @blp.doc(summary="Status, timeline and documents of an application (the entered data while it is a draft).")
    def read(application_id: str):
        with runtime.uow() as uow:
            return applications.view(_load(uow, application_id), utcnow())

    @blp.route("/<application_id>/documents/<kind>", methods=["PUT"])
    @blp.arguments(UploadIn, location="files")
    @blp.response(201, ApplicationOut)
    @blp.doc(summary="Upload (or replace) one document; recognised by its content, stored encrypted.")
    def upload(files: dict[str, Any], application_id: str, kind: str):
        if kind not in DOCUMENT_KINDS:
            raise ApiError(404, "unknown_document_kind", f"unknown document kind; expected one of {', '.join(DOCUMENT_KINDS)}",
                           field="kind", location="path")
        data = files["file"].read()
        checked = check_document(data, max_bytes=runtime.settings.max_upload_bytes)
        if not checked.ok:
            raise ApiError(422, "document_rejected", "; ".join(f.english for f in checked.errors), field="file",
                           location="files", details={"findings": [f.as_dict() for f in checked.errors]})
        now = utcnow()
        with runtime.uow() as uow:
            application = _load(uow, application_id)
            applications.attach_document(uow, runtime.objects, application, kind, data, checked.media_type, now)
            uow.commit()
            return applications.view(application, now)

    @blp.route("/<application_id>/submit", methods=["POST"])
    @blp.response(200, ApplicationOut)
    @blp.doc(summary="Submit a complete draft; returns the receipt number (tanda terima).")
    def submit(application_id: str):
        now = utcnow()
        with runtime.uow() as uow:
            application = _load(uow, application_id)
            region = application.applicant["address"]["village_code"]
            applications.submit(uow, application, now, region)
            uow.commit()
            return applications.view(application, now)

    @blp.route("/track", methods=["POST"])
    @blp.arguments(TrackIn)
    @blp.response(200, ApplicationOut)
    @blp.doc(summary="Track an application without an account: receipt number and NIK (in the body, never the URL).")
    def track(body: dict[str, Any]):
        with runtime.uow() as uow:
            application = applications.by_receipt(uow, body["receipt_number"], runtime.cipher.lookup_hash(body["nik"]))
            if application is None:
                raise ApiError(404, "not_found", "no application matches this receipt number and NIK",
                               field="receipt_number")
            logs.correlation_id.set(application.id)
            return applications.view(application, utcnow())

    return blp
