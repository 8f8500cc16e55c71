"""HTTP routes of printing for print operators: a card's state and jobs, its rendered front, the temporary
letter, inspection, reprint decisions, the surat kuasa, handover and refusal at pickup."""
from __future__ import annotations

import uuid
from typing import Any

from flask import Response, g, request
from flask_smorest import Blueprint
from marshmallow import ValidationError

from ektp_shared import logs
from ektp_shared.auth import office_scope, require_office, requires
from ektp_shared.db import utcnow
from ektp_shared.service import Runtime
from ektp_shared.web.errors import RETRY_AFTER_SECONDS, ApiError
from ektp_shared.web.paths import path_uuid

from .. import cards, fingerprints, pickups, policies, temporary_letters, views
from ..context import PrintingContext
from ..models import Card
from ..portraits import PortraitUnavailable
from ..rules import attorney, pickup
from .schemas import (
    ATTORNEY_FORM,
    AttorneyIn,
    AttorneyOut,
    CardOut,
    CardQuery,
    FingerprintCheckOut,
    HandoverIn,
    QualityIn,
    RefusalIn,
    ReprintIn,
)

BEARER = [{"bearerAuth": []}]
FINGER_FIELDS = {f"finger_{position}": position for position in range(1, 11)}


def card_or_404(uow: Any, application_id: str) -> Card:
    """The card, if it is of an office the operator works for (403 otherwise)."""
    card = cards.get(uow, path_uuid(application_id, "application_id", "no card is known for this application"))
    require_office(card.office_code, field="application_id")
    logs.correlation_id.set(card.application_id)
    return card


def blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("cards", __name__, url_prefix="/v1/cards", description="Cards: printing, inspection and handover.")

    def context() -> PrintingContext:
        return runtime.context

    def face_of(card: Card) -> bytes | None:
        try:
            return cards.portrait_of(card, context().portraits)
        except PortraitUnavailable as exc:
            raise ApiError(409, "portrait_missing", "the holder's face is not available from biometrics (a KIA: "
                           "the photo from intake)", field="application_id", location="path") from exc

    @blp.route("", methods=["GET"])
    @requires("print_operator", "supervisor")
    @blp.arguments(CardQuery, location="query")
    @blp.response(200, CardOut(many=True))
    @blp.doc(summary="Find a card by its receipt number, at the pickup desk: the cards of your offices only (an "
                     "empty list when none is here).", security=BEARER)
    def find(query: dict[str, Any]):
        with runtime.uow() as uow:
            return [views.card(uow, card) for card in cards.by_receipt(uow, query["receipt_number"].strip(),
                                                                       office_scope())]

    @blp.route("/<application_id>", methods=["GET"])
    @requires("print_operator", "supervisor")
    @blp.response(200, CardOut)
    @blp.doc(summary="The card's state, serial (and void ones), print jobs, pickup date and letter.", security=BEARER)
    def read(application_id: str):
        with runtime.uow() as uow:
            return views.card(uow, card_or_404(uow, application_id))

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
            letter = temporary_letters.current(uow, card.application_id)
        if letter is None:
            raise ApiError(404, "not_found", "no temporary letter was issued for this card", field="application_id",
                           location="path")
        try:
            face = cards.portrait_of(card, context().portraits)
        except PortraitUnavailable:
            face = None  # the letter leaves room for a glued-on photo
        return Response(temporary_letters.pdf(card, letter, face), mimetype="application/pdf",
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
            cards.quality_check(uow, card, body["result"] == "passed", body["field"], body["note"], g.principal.subject,
                                utcnow(), context())
            uow.commit()
            return views.card(uow, card)

    @blp.route("/<application_id>/reprint", methods=["POST"])
    @requires("print_operator")
    @blp.arguments(ReprintIn)
    @blp.response(202, CardOut)
    @blp.doc(summary="Decide a reprint, with the reason; the card it replaces has its serial voided.", security=BEARER)
    def reprint(body: dict[str, Any], application_id: str):
        with runtime.uow() as uow:
            card = card_or_404(uow, application_id)
            cards.reprint(uow, card, body["reason"], g.principal.subject, utcnow())
            uow.commit()
            return views.card(uow, card)

    @blp.route("/<application_id>/surat-kuasa", methods=["PUT"])
    @requires("print_operator")
    @blp.response(201, AttorneyOut)
    @blp.doc(summary="Upload the power of attorney (surat kuasa) a representative brings (multipart `file`: PDF, "
                     "JPEG or PNG; `representative_nik` and `representative_name`: the person it names, who alone "
                     "may then collect the card).", security=BEARER)
    def surat_kuasa(application_id: str):
        unknown = sorted((set(request.files) - {"file"}) | (set(request.form) - set(ATTORNEY_FORM)))
        if unknown:
            raise ApiError(422, "unknown_field", f"unknown upload field {unknown[0]}; expected file, "
                                                 f"{', '.join(ATTORNEY_FORM)}", field=unknown[0], location="files")
        try:
            named = AttorneyIn().load(request.form)
        except ValidationError as exc:
            field, messages = next(iter(exc.normalized_messages().items()))
            raise ApiError(422, "validation_failed", f"{field}: {' '.join(map(str, messages))}", field=field,
                           location="form") from exc
        upload = request.files.get("file")
        if upload is None:
            raise ApiError(422, "validation_failed", "the surat kuasa is required", field="file", location="files")
        data = upload.read()
        content_type = attorney.check(data)
        with runtime.uow() as uow:
            card = card_or_404(uow, application_id)
            key = f"surat-kuasa/{card.application_id}/{uuid.uuid4()}"
            stored = runtime.objects.put(key, data, content_type)
            try:
                letter = pickups.attach_power_of_attorney(
                    uow, card, key, stored.sha256, content_type, stored.size,
                    (context().lookup_hash(named["representative_nik"]), named["representative_name"]),
                    g.principal.subject, utcnow())
            except pickups.HandoverRefused:
                runtime.objects.delete(key)
                raise
            uow.commit()
            return {"sha256": letter.sha256, "content_type": letter.content_type, "size": letter.size,
                    "uploaded_at": letter.uploaded_at}

    @blp.route("/<application_id>/fingerprint", methods=["POST"])
    @requires("print_operator")
    @blp.response(201, FingerprintCheckOut)
    @blp.doc(summary="Verify one finger of the person collecting (multipart: one file finger_1..finger_10 by ISO "
                     "position) against the holder's enrolment, by biometrics with your token. The result is kept "
                     "with the card (not the image); a handover after fingers that all failed needs "
                     "fingerprint_override.", security=BEARER)
    def fingerprint(application_id: str):
        uploaded = sorted(request.files)
        unknown = [name for name in uploaded if name not in FINGER_FIELDS]
        if unknown or len(uploaded) != 1:
            raise ApiError(422, "validation_failed", "send exactly one finger image, as finger_1..finger_10 (its ISO "
                                                     "position)", field=unknown[0] if unknown else "finger_2",
                           location="files")
        name = uploaded[0]
        image = request.files[name].read()
        if not image:
            raise ApiError(422, "validation_failed", f"{name} is empty", field=name, location="files")
        with runtime.uow() as uow:
            pickups.require_ready(card_or_404(uow, application_id))
        try:
            verified = fingerprints.verify(runtime.settings.biometrics_url, request.headers["Authorization"],
                                           application_id, FINGER_FIELDS[name], image, name)
        except fingerprints.BiometricsUnavailable as exc:
            raise ApiError(503, "biometrics_unavailable", "biometrics cannot verify the finger now; try again",
                           field="application_id", location="path",
                           headers={"Retry-After": str(RETRY_AFTER_SECONDS)}) from exc
        with runtime.uow() as uow:
            card = card_or_404(uow, application_id)
            check = pickups.record_fingerprint(uow, card, FINGER_FIELDS[name], verified, g.principal.subject, utcnow())
            uow.commit()
            return views.fingerprint_check(check)

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
        lookup = context().lookup_hash
        request_ = pickups.Handover(
            receipt_number=body["receipt_number"], nik_hash=lookup(body["nik"]), collected_by=body["collected_by"],
            representative_nik_hash=lookup(representative["nik"]) if representative else None,
            representative_kk_hash=lookup(representative["kk_number"])
            if representative and representative["kk_number"] else None,
            representative_name=representative["name"] if representative else None, old_card=body["old_card"],
            fingerprint_override=body["fingerprint_override"])
        with runtime.uow() as uow:
            card = card_or_404(uow, application_id)
            policy = policies.policy_of(uow, card.office_code, runtime.settings)
            pickups.hand_over(uow, card, request_, policy, g.principal.subject, utcnow())
            uow.commit()
            view = views.card(uow, card)
        context().portraits.forget(card.application_id)  # no longer needed once the card is out
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
            pickups.refuse(uow, card, body["receipt_number"], context().lookup_hash(body["nik"]), body["fields_"],
                           g.principal.subject, utcnow())
            uow.commit()
            return views.card(uow, card)

    return blp
