"""Checking one's answers before submitting ("periksa kembali"), and submitting: the first time, or again after
a correction. A second tap on the button is the same submission (its Idempotency-Key)."""
from __future__ import annotations

import uuid

from flask import Blueprint, redirect, render_template, url_for

from .. import citizen
from ..forms import SubmitForm
from ..intake import IntakeError, SignedOut
from .refusals import place

blp = Blueprint("reviewing", __name__)


def _page(application_id: str, form: SubmitForm, problems: list[str], status: int = 200):
    calls = citizen.intake()
    application, review = calls.read(application_id), calls.review(application_id)
    if application["status"] not in ("DRAFT", "CORRECTION_REQUESTED"):
        return redirect(url_for("status.show", application_id=application_id))
    if not form.key.data:
        form.key.data = str(uuid.uuid4())
    return render_template("review.html", application=application, review=review, form=form, problems=problems,
                           application_id=application_id), status


@blp.route("/permohonan/<uuid:application_id>/periksa")
@citizen.required
def show(application_id):
    return _page(str(application_id), SubmitForm(), [])


@blp.route("/permohonan/<uuid:application_id>/kirim", methods=["POST"])
@citizen.required
def submit(application_id):
    form = SubmitForm()
    if not form.validate_on_submit():
        return _page(str(application_id), SubmitForm(), [], 422)
    try:
        citizen.intake().submit(str(application_id), form.key.data)
    except SignedOut:
        raise
    except IntakeError as refused:
        return _page(str(application_id), form, place(None, refused), 422)
    return redirect(url_for("status.receipt", application_id=application_id))
