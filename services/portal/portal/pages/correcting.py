"""Answering a correction request: the officer's words, and a form where only the fields the officer named
(and the citizen's own contact) can be changed; the documents asked for are replaced on the documents page.
Then the citizen checks and submits again."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from .. import citizen, wording
from ..forms import FIELD_OF, REGION_LEVELS, ApplicationForm
from ..intake import IntakeError, SignedOut
from .applying import offer_regions
from .refusals import place

blp = Blueprint("correcting", __name__)

ALWAYS_EDITABLE = ("phone", "email")


def editable_fields(corrections: list[dict]) -> set[str]:
    """The form fields a correction opens: the named ones, a group's members, the address's region levels."""
    named = [c["field"] for c in corrections]
    fields = {name for path, name in FIELD_OF.items() if any(path == n or path.startswith(n + ".") for n in named)}
    if "village" in fields:
        fields.update(REGION_LEVELS)
    return fields | set(ALWAYS_EDITABLE)


@blp.route("/permohonan/<uuid:application_id>/perbaikan", methods=["GET", "POST"])
@citizen.required
def correct(application_id):
    calls = citizen.intake()
    application = calls.read(str(application_id))
    if application["status"] != "CORRECTION_REQUESTED":
        return redirect(url_for("status.show", application_id=application_id))
    current = {**application, "contact": calls.review(str(application_id))["contact"]}
    editable = editable_fields(application["corrections"])
    asked_documents = [c for c in application["corrections"] if c["field"].startswith("documents.")]
    asked_fields = [c for c in application["corrections"] if not c["field"].startswith("documents.")]

    form = ApplicationForm(formdata=None)
    form.use_kind(application["kind"])
    form.fill(current)
    problems: list[str] = []
    if request.method == "POST":
        # What was shown stays as it was; only the opened fields take what was posted.
        merged = MultiDict({name: field._value() if hasattr(field, "_value") else field.data
                            for name, field in form._fields.items()
                            if name not in editable and name not in ("changes", "csrf_token")})
        merged.setlist("changes", form.changes.data if "changes" in form._fields else [])
        for name in editable:
            merged.setlist(name, request.form.getlist(name))
        merged["csrf_token"] = request.form.get("csrf_token", "")
        form = ApplicationForm(formdata=merged)
        form.use_kind(application["kind"])
    offer_regions(form)
    if request.method == "POST" and "region_step" not in request.form and form.validate():
        try:
            calls.update(str(application_id), form.body(application["kind"], wording.language()))
            flash(_l("Perbaikan tersimpan. Periksa, lalu kirim ulang permohonan."), "success")
            return redirect(url_for("reviewing.show", application_id=application_id))
        except SignedOut:
            raise
        except IntakeError as refused:
            problems = place(form, refused)
    status = 422 if request.method == "POST" and "region_step" not in request.form and (form.errors or problems) else 200
    return render_template("correction.html", form=form, application=application, application_id=str(application_id),
                           editable=editable, asked_fields=asked_fields, asked_documents=asked_documents,
                           problems=problems), status
