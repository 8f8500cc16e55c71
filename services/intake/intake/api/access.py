"""The citizen behind a request: the bearer token of a sign-in (checked before the body is read, like an
officer's token), and the applications it reaches."""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import current_app, g, request

from ektp_shared import logs
from ektp_shared.db import utcnow
from ektp_shared.refusal import not_found
from ektp_shared.web.paths import path_uuid

from .. import applications, citizens
from ..context import IntakeContext
from ..models import Application
from ..rules.citizen_access import Citizen


def bearer() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def citizen_required(view: Callable) -> Callable:
    """Put directly under ``@blp.route``: a request without a live sign-in is a 401 before anything else."""

    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        runtime = current_app.extensions["ektp_runtime"]
        with runtime.uow() as uow:
            session = citizens.authenticate(uow, runtime.context, bearer(), utcnow())
            g.citizen = citizens.citizen(session)
            uow.commit()
        return view(*args, **kwargs)

    return guarded


def citizen() -> Citizen:
    return g.citizen


def mine(uow: Any, context: IntakeContext, application_id: str, for_update: bool = False) -> Application:
    """One of the signed-in citizen's applications. Another citizen's application answers exactly as an id that
    does not exist: 404."""
    application = applications.get(uow, path_uuid(application_id, "application_id", applications.NOT_FOUND), for_update)
    if not citizens.owns(context, citizen(), application):
        raise not_found("not_found", applications.NOT_FOUND, field="application_id", location="path")
    logs.correlation_id.set(application.id)
    return application
