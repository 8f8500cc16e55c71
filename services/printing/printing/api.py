"""HTTP routes of printing (print operators): the card's state, its rendered front, the handover."""
from __future__ import annotations

import uuid
from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ektp_shared import logs
from ektp_shared.auth import requires
from ektp_shared.db import utcnow
from ektp_shared.service import Runtime
from ektp_shared.web.errors import ApiError

from . import cards
from .models import Card
from .portrait import PortraitUnavailable, fetch_portrait

BEARER = [{"bearerAuth": []}]


class HandoverIn(Schema):
    receipt_number = fields.String(required=True, validate=validate.Length(min=4, max=40))
    nik = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{16}$", error="NIK must be exactly 16 digits"))
    collected_by = fields.String(load_default="applicant", validate=validate.OneOf(["applicant", "representative"]))


class CardOut(Schema):
    application_id = fields.String()
    state = fields.String()
    serial = fields.String(allow_none=True)
    printed_at = fields.AwareDateTime(allow_none=True)
    pickup_from = fields.Date(allow_none=True)
    office = fields.Dict()
    collected_at = fields.AwareDateTime(allow_none=True)
    collected_by = fields.String(allow_none=True)


def _card(uow: Any, application_id: str) -> Card:
    try:
        card = uow.session.get(Card, str(uuid.UUID(application_id)))
    except ValueError:
        card = None
    if card is None:
        raise ApiError(404, "not_found", "no card is known for this application", field="application_id", location="path")
    logs.correlation_id.set(card.application_id)
    return card


def _view(card: Card) -> dict[str, Any]:
    return {name: getattr(card, name) for name in CardOut().fields}


def blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("cards", __name__, url_prefix="/v1/cards", description="Cards: printing and handover.")

    @blp.route("/<application_id>", methods=["GET"])
    @requires("print_operator")
    @blp.response(200, CardOut)
    @blp.doc(summary="The card's state, serial and pickup date.", security=BEARER)
    def read(application_id: str):
        with runtime.uow() as uow:
            return _view(_card(uow, application_id))

    @blp.route("/<application_id>/front.<any(png, pdf):extension>", methods=["GET"])
    @requires("print_operator")
    @blp.doc(summary="The card front as rendered for printing (PNG at 300 dpi, or a PDF of ID-1 size).", security=BEARER)
    def front(application_id: str, extension: str):
        with runtime.uow() as uow:
            card = _card(uow, application_id)
            try:
                portrait = fetch_portrait(runtime.settings.biometrics_url, runtime.links, card.application_id)
            except PortraitUnavailable as exc:
                raise ApiError(409, "portrait_missing", "the holder's face has not been captured yet",
                               field="application_id", location="path") from exc
            document = cards.document_for(card, portrait)
        body, mimetype = (document.png, "image/png") if extension == "png" else (document.pdf, "application/pdf")
        return Response(body, mimetype=mimetype, headers={"Cache-Control": "no-store"})

    @blp.route("/<application_id>/handover", methods=["POST"])
    @requires("print_operator")
    @blp.arguments(HandoverIn)
    @blp.response(200, CardOut)
    @blp.doc(summary="Record that the card was handed over, after checking the receipt number and NIK.", security=BEARER)
    def handover(body: dict[str, Any], application_id: str):
        with runtime.uow() as uow:
            card = _card(uow, application_id)
            try:
                cards.handover(uow, card, body["receipt_number"], runtime.cipher.lookup_hash(body["nik"]),
                               body["collected_by"], utcnow())
            except cards.HandoverRefused as exc:
                raise ApiError(409 if exc.field == "application_id" else 422, "handover_refused", str(exc),
                               field=exc.field) from exc
            uow.commit()
            return _view(card)

    return blp
