"""Intake's refusals on the page: each error that names a field goes beside that field of the form (the error
summary links to it); what names no field of the form becomes a message at the top of the page."""
from __future__ import annotations

from flask_wtf import FlaskForm

from .. import wording
from ..forms import FIELD_OF
from ..intake import IntakeError


def place(form: FlaskForm | None, refused: IntakeError) -> list[str]:
    """Put the refusal's field errors on ``form``; returns the messages for the top of the page."""
    if refused.status == 429:
        return [wording.refusal("too_many_requests")]
    top: list[str] = []
    for error in refused.errors:
        message = wording.refusal(refused.code) if refused.code in wording.REFUSALS else _own_words(error.get("message", ""))
        name = FIELD_OF.get(error.get("field") or "")
        if form is not None and name in form._fields and not refused.findings:
            form._fields[name].errors = [*form._fields[name].errors, message]
        else:
            top.append(message)
    if refused.findings:
        top = [wording.refusal(refused.code), *(wording.finding(f) for f in refused.findings)]
    elif not refused.errors:
        top.append(wording.refusal(refused.code))
    return list(dict.fromkeys(top))


def _own_words(message: str) -> str:
    """A rule the form cannot check: intake's message starts with the rule's code (``nik.regency_unknown: ...``)."""
    code = message.partition(": ")[0]
    return wording.refusal(code) if code in wording.REFUSALS else f"{wording.GENERIC_REFUSAL} ({message})"
