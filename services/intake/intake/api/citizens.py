"""HTTP routes of citizen sign-in: a one-time code to a phone number or email address, the sign-in it gives
(a bearer token that renews while used), adding an address to it, signing out, and the citizen's applications."""
from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from ektp_shared.db import utcnow
from ektp_shared.identity.contact import masked, normalised
from ektp_shared.refusal import Refused, Why
from ektp_shared.service import Runtime
from ektp_shared.web.limits import nik_key

from .. import citizens, views
from ..context import IntakeContext
from ..schemas import AddressCodeIn, CodeIn, CodeOut, MineOut, SessionIn, SessionOut, SessionStateOut
from .access import bearer, citizen, citizen_required

CITIZEN = [{"bearerAuth": []}]


def blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("citizen", __name__, url_prefix="/v1/citizen",
                    description="Citizens prove control of a phone number or email address with a one-time code.")
    settings, limiter = runtime.settings, runtime.limiter
    per_nik, without_nik = nik_key(runtime.cipher.lookup_hash, "nik")

    def context() -> IntakeContext:
        return runtime.context

    @blp.route("/codes", methods=["POST"])
    @limiter.limit(settings.limit_code_requests)
    @limiter.limit(settings.limit_code_requests_per_nik, key_func=per_nik, exempt_when=without_nik)
    @blp.arguments(CodeIn)
    @blp.response(202, CodeOut)
    @blp.doc(summary="Send a one-time code (6 digits, 5 minutes, 5 tries) to a mobile number or email address. "
                     "With a citizen's token, the code adds the address to that sign-in instead.", security=CITIZEN)
    def request_code(body: dict[str, Any]):
        now = utcnow()
        with runtime.uow() as uow:
            session = citizens.authenticate(uow, context(), bearer(), now) if bearer() else None
            if session is not None and context().lookup_hash(body["nik"]) != session.nik_hash:
                raise Refused("citizen.other_nik", "you are signed in for another NIK", field="nik", why=Why.FORBIDDEN)
            code = citizens.request_code(uow, context(), body["nik"], body["channel"], body["address"],
                                         body["language"], now, session)
            uow.commit()
            return {"request_id": code.id, "expires_at": code.expires_at,
                    "sent_to": masked(body["channel"], normalised(body["channel"], body["address"]))}

    @blp.route("/sessions", methods=["POST"])
    @limiter.limit(settings.limit_code_checks)
    @limiter.limit(settings.limit_code_checks_per_nik, key_func=per_nik, exempt_when=without_nik)
    @blp.arguments(SessionIn)
    @blp.response(201, SessionOut)
    @blp.doc(summary="Sign in with the code: a bearer token for the NIK's applications that carry the address.")
    def sign_in(body: dict[str, Any]):
        with runtime.uow() as uow:
            token, session = citizens.sign_in(uow, context(), str(body["request_id"]), body["nik"], body["code"], utcnow())
            uow.commit()
            return {"token": token, "expires_at": session.expires_at, "ends_at": session.ends_at}

    @blp.route("/session/addresses", methods=["POST"])
    @citizen_required
    @limiter.limit(settings.limit_code_checks)
    @blp.arguments(AddressCodeIn)
    @blp.response(204)
    @blp.doc(summary="Add the address of a code asked for while signed in (to give an email too, or a new number).",
             security=CITIZEN)
    def add_address(body: dict[str, Any]):
        with runtime.uow() as uow:
            session = citizens.authenticate(uow, context(), bearer(), utcnow())
            citizens.add_address(uow, context(), session, str(body["request_id"]), body["code"], utcnow())
            uow.commit()

    @blp.route("/session", methods=["GET"])
    @blp.response(200, SessionStateOut)
    @blp.doc(summary="The sign-in behind the token, renewed (a page keeps it alive while the citizen works).",
             security=CITIZEN)
    def read_session():
        with runtime.uow() as uow:
            session = citizens.authenticate(uow, context(), bearer(), utcnow())
            uow.commit()
            return {"expires_at": session.expires_at, "ends_at": session.ends_at}

    @blp.route("/session", methods=["DELETE"])
    @blp.response(204)
    @blp.doc(summary="Sign out: the token stops working at once.", security=CITIZEN)
    def sign_out():
        with runtime.uow() as uow:
            citizens.sign_out(citizens.authenticate(uow, context(), bearer(), utcnow()), utcnow())
            uow.commit()

    @blp.route("/applications", methods=["GET"])
    @citizen_required
    @blp.response(200, MineOut(many=True))
    @blp.doc(summary="The signed-in citizen's applications, newest first.", security=CITIZEN)
    def mine():
        with runtime.uow() as uow:
            return [views.summary(a) for a in citizens.applications_of(uow, context(), citizen())]

    return blp
