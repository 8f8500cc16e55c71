"""HTTP routes of notify: the delivery log of an application, for officers."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ektp_shared import logs
from ektp_shared.auth import require_office, requires
from ektp_shared.service import Runtime
from ektp_shared.web.paths import path_uuid

from . import views
from .models import Contact


class DeliveryOut(Schema):
    id = fields.String()
    event = fields.String()
    channel = fields.String()
    status = fields.String(metadata={"description": "PENDING, SENDING, SENT, DELIVERED (SMSC receipt) or FAILED."})
    attempts = fields.Integer()
    provider = fields.String(allow_none=True, metadata={"description": "The provider that took the message."})
    parts = fields.Integer(allow_none=True, metadata={"description": "SMS parts the message went out in."})
    last_error = fields.String(allow_none=True, metadata={"description": "Why it failed, or why it waits."})
    created_at = fields.AwareDateTime()
    next_attempt_at = fields.AwareDateTime(allow_none=True, metadata={"description": "When a waiting message is tried again."})
    sent_at = fields.AwareDateTime(allow_none=True)
    delivered_at = fields.AwareDateTime(allow_none=True)


def blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("notifications", __name__, url_prefix="/v1/applications", description="Notifications sent to applicants.")

    @blp.route("/<application_id>/notifications", methods=["GET"])
    @requires("verifier", "supervisor", "print_operator")
    @blp.response(200, DeliveryOut(many=True))
    @blp.doc(summary="Every message planned or sent for an application, with its delivery status (an application "
                     "of your offices; another office's is refused).",
             security=[{"bearerAuth": []}])
    def log(application_id: str):
        application_id = path_uuid(application_id, "application_id", "no application has this id")
        logs.correlation_id.set(application_id)
        with runtime.uow() as uow:
            contact = uow.session.get(Contact, application_id)
            if contact is not None:
                require_office(contact.office_code, field="application_id")
            return views.log_of(uow, application_id)

    return blp
