"""HTTP routes of printing for print operators: a card's state and jobs, its rendered front, the
temporary letter, inspection, reprint decisions, the surat kuasa, handover and refusal at pickup."""
from __future__ import annotations

import uuid
from typing import Any

from flask import Response, g, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ektp_shared import logs
from ektp_shared.auth import requires
from ektp_shared.db import utcnow
from ektp_shared.service import Runtime
from ektp_shared.web.errors import ApiError
from ektp_shared.web.paths import get_or_404

from . import attorney, blanks, cards, fleet, letters, office_api, pickup, pickups, policies, portrait, printer_api, printjobs
from .models import Card
from .quality import CARD_FIELDS, DEFECTS

BEARER = [{"bearerAuth": []}]
NIK = validate.Regexp(r"^[0-9]{16}$", error="must be exactly 16 digits")


class RepresentativeIn(Schema):
    nik = fields.String(required=True, validate=NIK, metadata={"description": "The representative's own NIK."})
    kk_number = fields.String(load_default=None, validate=NIK,
                              metadata={"description": "The representative's No. KK (family on the applicant's KK)."})


class HandoverIn(Schema):
    receipt_number = fields.String(required=True, validate=validate.Length(min=4, max=40))
    nik = fields.String(required=True, validate=NIK, metadata={"description": "The applicant's NIK."})
    collected_by = fields.String(load_default=pickup.APPLICANT, validate=validate.OneOf([pickup.APPLICANT,
                                                                                         pickup.REPRESENTATIVE]))
    representative = fields.Nested(RepresentativeIn, load_default=None,
                                   metadata={"description": "Required when collected_by is representative."})


class RefusalIn(Schema):
    receipt_number = fields.String(required=True, validate=validate.Length(min=4, max=40))
    nik = fields.String(required=True, validate=NIK)
    fields_ = fields.List(fields.String(validate=validate.OneOf(CARD_FIELDS)), required=True, data_key="fields",
                          validate=validate.Length(min=1, max=len(CARD_FIELDS)),
                          metadata={"description": "The printed fields the citizen found wrong."})


class QualityIn(Schema):
    result = fields.String(required=True, validate=validate.OneOf(["passed", "defect"]))
    field = fields.String(load_default=None, validate=validate.OneOf(DEFECTS),
                          metadata={"description": "With a defect: which field or part of the card is wrong."})
    note = fields.String(load_default=None, validate=validate.Length(max=500))


class ReprintIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=500))


class JobOut(Schema):
    id = fields.String()
    state = fields.String(metadata={"description": "queued, sent, printed, qc_passed, qc_failed or failed."})
    purpose = fields.String(metadata={"description": "first, reprint or correction."})
    attempts = fields.Integer()
    spoiled = fields.Integer()
    serial = fields.String(allow_none=True)
    printer = fields.String(allow_none=True)
    outcome_unknown = fields.Boolean()
    chip_verified = fields.Boolean(allow_none=True)
    reason = fields.String(allow_none=True)
    next_attempt_at = fields.AwareDateTime()
    printed_at = fields.AwareDateTime(allow_none=True)
    qc_field = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()


class LetterOut(Schema):
    number = fields.String()
    issued_at = fields.AwareDateTime()
    valid_until = fields.Date()


class CardOut(Schema):
    application_id = fields.String()
    state = fields.String()
    kind = fields.String()
    serial = fields.String(allow_none=True)
    void_serials = fields.List(fields.String())
    printed_at = fields.AwareDateTime(allow_none=True)
    pickup_from = fields.Date(allow_none=True)
    office = fields.Dict()
    reminders_sent = fields.Integer()
    refused_fields = fields.List(fields.String(), allow_none=True)
    collected_at = fields.AwareDateTime(allow_none=True)
    collected_by = fields.String(allow_none=True)
    collector_relation = fields.String(allow_none=True,
                                       metadata={"description": "applicant, family (same KK) or attorney (surat kuasa)."})
    surat_kuasa = fields.Boolean(metadata={"description": "A power of attorney was uploaded for this card."})
    temporary_letter = fields.Nested(LetterOut, allow_none=True)
    jobs = fields.List(fields.Nested(JobOut))


class AttorneyOut(Schema):
    sha256 = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    uploaded_at = fields.AwareDateTime()


def card_or_404(uow: Any, application_id: str) -> Card:
    card = get_or_404(uow.session, Card, application_id, "application_id", "no card is known for this application")
    logs.correlation_id.set(card.application_id)
    return card


def _view(uow: Any, card: Card) -> dict[str, Any]:
    names = {p.id: p.name for p in fleet.all_printers(uow)}
    jobs = [{**{name: getattr(job, name) for name in JobOut().fields if name != "printer"},
             "printer": names.get(job.printer_id)} for job in printjobs.of(uow, card.application_id)]
    void = blanks.voided_for(uow, card.application_id)
    letter = letters.current(uow, card.application_id)
    return {**{name: getattr(card, name) for name in ("application_id", "state", "kind", "serial", "printed_at",
                                                      "pickup_from", "office", "reminders_sent", "refused_fields",
                                                      "collected_at", "collected_by", "collector_relation")},
            "void_serials": void, "jobs": jobs,
            "surat_kuasa": pickups.power_of_attorney(uow, card.application_id) is not None,
            "temporary_letter": None if letter is None else {"number": letter.number, "issued_at": letter.issued_at,
                                                             "valid_until": letter.valid_until}}


def _refused(exc: pickups.HandoverRefused | cards.CardActionRefused, code: str) -> ApiError:
    return ApiError(409 if exc.conflict else 422, code, str(exc), field=exc.field,
                    location="path" if exc.field == "application_id" else "json")


def blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("cards", __name__, url_prefix="/v1/cards", description="Cards: printing, inspection and handover.")

    def face_of(card: Card) -> bytes:
        try:
            return portrait.portrait_for(runtime.objects, runtime.settings.biometrics_url, runtime.links,
                                         card.application_id)
        except portrait.PortraitUnavailable as exc:
            raise ApiError(409, "portrait_missing", "the holder's face is not available from biometrics",
                           field="application_id", location="path") from exc

    @blp.route("/<application_id>", methods=["GET"])
    @requires("print_operator", "supervisor")
    @blp.response(200, CardOut)
    @blp.doc(summary="The card's state, serial (and void ones), print jobs, pickup date and letter.", security=BEARER)
    def read(application_id: str):
        with runtime.uow() as uow:
            return _view(uow, card_or_404(uow, application_id))

    @blp.route("/<application_id>/front.<any(png, pdf):extension>", methods=["GET"])
    @requires("print_operator")
    @blp.doc(summary="The card front as rendered for printing (PNG at 300 dpi, or a PDF of ID-1 size).", security=BEARER)
    def front(application_id: str, extension: str):
        with runtime.uow() as uow:
            card = card_or_404(uow, application_id)
        document = cards.document_for(card, face_of(card), encode_chip=False)
        body, mimetype = (document.png, "image/png") if extension == "png" else (document.pdf, "application/pdf")
        return Response(body, mimetype=mimetype, headers={"Cache-Control": "no-store"})

    @blp.route("/<application_id>/temporary-letter.pdf", methods=["GET"])
    @requires("print_operator")
    @blp.doc(summary="The temporary identity letter (Surat Keterangan) issued while the office had no blank card.",
             security=BEARER)
    def temporary_letter(application_id: str):
        with runtime.uow() as uow:
            card = card_or_404(uow, application_id)
            letter = letters.current(uow, card.application_id)
        if letter is None:
            raise ApiError(404, "not_found", "no temporary letter was issued for this card", field="application_id",
                           location="path")
        try:
            face = face_of(card)
        except ApiError:
            face = None  # the letter leaves room for a glued-on photo
        return Response(letters.pdf(card, letter, face), mimetype="application/pdf",
                        headers={"Cache-Control": "no-store"})

    @blp.route("/<application_id>/quality-check", methods=["POST"])
    @requires("print_operator")
    @blp.arguments(QualityIn)
    @blp.response(200, CardOut)
    @blp.doc(summary="Inspect the printed card: passed (pickup is announced) or a defect (serial void, one reprint).",
             security=BEARER)
    def quality_check(body: dict[str, Any], application_id: str):
        if body["result"] == "defect" and body["field"] is None:
            raise ApiError(422, "validation_failed", "name the defective field", field="field")
        with runtime.uow() as uow:
            card = card_or_404(uow, application_id)
            try:
                cards.quality_check(uow, card, body["result"] == "passed", body["field"], body["note"],
                                    g.principal.subject, utcnow(), runtime.settings)
            except cards.CardActionRefused as exc:
                raise _refused(exc, "quality_check_refused") from exc
            uow.commit()
            return _view(uow, card)

    @blp.route("/<application_id>/reprint", methods=["POST"])
    @requires("print_operator")
    @blp.arguments(ReprintIn)
    @blp.response(202, CardOut)
    @blp.doc(summary="Decide a reprint, with the reason; the card it replaces has its serial voided.", security=BEARER)
    def reprint(body: dict[str, Any], application_id: str):
        with runtime.uow() as uow:
            card = card_or_404(uow, application_id)
            try:
                cards.reprint(uow, card, body["reason"], g.principal.subject, utcnow())
            except cards.CardActionRefused as exc:
                raise _refused(exc, "reprint_refused") from exc
            uow.commit()
            return _view(uow, card)

    @blp.route("/<application_id>/surat-kuasa", methods=["PUT"])
    @requires("print_operator")
    @blp.response(201, AttorneyOut)
    @blp.doc(summary="Upload the power of attorney (surat kuasa) a representative brings (multipart `file`: PDF, "
                     "JPEG or PNG).", security=BEARER)
    def surat_kuasa(application_id: str):
        unknown = sorted(set(request.files) - {"file"})
        if unknown:
            raise ApiError(422, "unknown_field", f"unknown upload field {unknown[0]}; expected file", field=unknown[0],
                           location="files")
        upload = request.files.get("file")
        if upload is None:
            raise ApiError(422, "validation_failed", "the surat kuasa is required", field="file", location="files")
        data = upload.read()
        try:
            content_type = attorney.check(data)
        except attorney.UnreadableDocument as exc:
            raise ApiError(422, "document_refused", str(exc), field="file", location="files") from exc
        with runtime.uow() as uow:
            card = card_or_404(uow, application_id)
            key = f"surat-kuasa/{card.application_id}/{uuid.uuid4()}"
            stored = runtime.objects.put(key, data, content_type)
            try:
                letter = pickups.attach_power_of_attorney(uow, card, key, stored.sha256, content_type, stored.size,
                                                          g.principal.subject, utcnow())
            except pickups.HandoverRefused as exc:
                runtime.objects.delete(key)
                raise _refused(exc, "upload_refused") from exc
            uow.commit()
            return {"sha256": letter.sha256, "content_type": letter.content_type, "size": letter.size,
                    "uploaded_at": letter.uploaded_at}

    @blp.route("/<application_id>/handover", methods=["POST"])
    @requires("print_operator")
    @blp.arguments(HandoverIn)
    @blp.response(200, CardOut)
    @blp.doc(summary="Hand the card over after checking the receipt number and NIK, and who collects it under the "
                     "office's representative policy.", security=BEARER)
    def handover(body: dict[str, Any], application_id: str):
        representative = body["representative"]
        if body["collected_by"] == pickup.REPRESENTATIVE and representative is None:
            raise ApiError(422, "validation_failed", "a representative's NIK is required", field="representative.nik")
        if body["collected_by"] == pickup.APPLICANT and representative is not None:
            raise ApiError(422, "validation_failed", "a representative is given but collected_by is applicant",
                           field="representative")
        cipher = runtime.cipher
        request_ = pickups.Handover(
            receipt_number=body["receipt_number"], nik_hash=cipher.lookup_hash(body["nik"]),
            collected_by=body["collected_by"],
            representative_nik_hash=cipher.lookup_hash(representative["nik"]) if representative else None,
            representative_kk_hash=cipher.lookup_hash(representative["kk_number"])
            if representative and representative["kk_number"] else None)
        with runtime.uow() as uow:
            card = card_or_404(uow, application_id)
            policy = policies.policy_of(uow, card.office_code, runtime.settings)
            try:
                pickups.hand_over(uow, card, request_, policy, g.principal.subject, utcnow())
            except pickups.HandoverRefused as exc:
                raise _refused(exc, "handover_refused") from exc
            uow.commit()
            view = _view(uow, card)
        portrait.forget(runtime.objects, card.application_id)  # no longer needed once the card is out
        return view

    @blp.route("/<application_id>/refusal", methods=["POST"])
    @requires("print_operator")
    @blp.arguments(RefusalIn)
    @blp.response(200, CardOut)
    @blp.doc(summary="The citizen refuses the card at the counter for wrong fields: its serial is void and it is "
                     "reprinted once the data is corrected.", security=BEARER)
    def refusal(body: dict[str, Any], application_id: str):
        with runtime.uow() as uow:
            card = card_or_404(uow, application_id)
            try:
                pickups.refuse(uow, card, body["receipt_number"], runtime.cipher.lookup_hash(body["nik"]),
                               body["fields_"], g.principal.subject, utcnow())
            except pickups.HandoverRefused as exc:
                raise _refused(exc, "refusal_refused") from exc
            uow.commit()
            return _view(uow, card)

    return blp



def blueprints(runtime: Runtime) -> list[Blueprint]:
    return [blueprint(runtime), printer_api.blueprint(runtime), office_api.blueprint(runtime)]
