"""Intake's HTTP API: the citizen's sign-in (one-time codes), their applications, tracking without signing
in, NIK checks, and documents for officers by signed link. Routes parse, call a use case and respond; a use
case's refusal becomes its 4xx in ektp_shared.web."""
from flask_smorest import Blueprint

from ektp_shared.service import Runtime

from ..payment import api as payments
from . import applications, citizens, documents, nik


def blueprints(runtime: Runtime) -> list[Blueprint]:
    return [citizens.blueprint(runtime), applications.blueprint(runtime), documents.blueprint(runtime),
            nik.blueprint(runtime), payments.blueprint(runtime)]
