"""Uploading the documents a kind needs, one form per document, each with its rules said before the upload, a
preview of what was uploaded, and the check's reasons in the citizen's language when a file is refused."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l

from ektp_shared.reference.application_kinds import application_kind

from .. import citizen, wording
from ..forms import UploadForm
from ..intake import IntakeError, SignedOut
from .refusals import place

blp = Blueprint("documents", __name__)

KINDS_WITH_PREVIEW = ("image/jpeg", "image/png")


def slots(application: dict) -> list[str]:
    """The documents to show: those uploaded and those still missing (during a correction, only those asked)."""
    if application["status"] == "CORRECTION_REQUESTED":
        asked = [c["field"].removeprefix("documents.") for c in application["corrections"]
                 if c["field"].startswith("documents.")]
        return list(dict.fromkeys(asked))
    shown = {*(d["kind"] for d in application["documents"]), *application["missing_documents"]}
    order = [code for group in application_kind(application["kind"]).requires for code in group]
    return sorted(shown, key=lambda code: order.index(code) if code in order else len(order))


def _page(application_id: str, application: dict, failed_kind: str | None = None, form: UploadForm | None = None,
          problems: list[str] | None = None, status: int = 200):
    uploaded = {d["kind"]: d for d in application["documents"]}
    forms = {kind: (form if kind == failed_kind and form is not None else UploadForm(prefix=kind))
             for kind in slots(application)}
    return render_template("documents.html", application=application, application_id=application_id, forms=forms,
                           uploaded=uploaded, failed_kind=failed_kind, problems=problems or [],
                           previewable=KINDS_WITH_PREVIEW), status


@blp.route("/permohonan/<uuid:application_id>/dokumen")
@citizen.required
def show(application_id):
    application = citizen.intake().read(str(application_id))
    if application["status"] not in ("DRAFT", "CORRECTION_REQUESTED"):
        return redirect(url_for("status.show", application_id=application_id))
    return _page(str(application_id), application)


@blp.route("/permohonan/<uuid:application_id>/dokumen/<kind>", methods=["POST"])
@citizen.required
def upload(application_id, kind: str):
    form = UploadForm(prefix=kind)
    calls = citizen.intake()
    if form.validate_on_submit():
        stream = form.file.data
        try:
            calls.upload(str(application_id), kind, stream.stream, stream.filename, stream.mimetype)
            flash(_l("%(document)s terunggah.", document=wording.document_name(kind)), "success")
            return redirect(url_for("documents.show", application_id=application_id) + f"#dokumen-{kind}")
        except SignedOut:
            raise
        except IntakeError as refused:
            return _page(str(application_id), calls.read(str(application_id)), kind, form, place(form, refused), 422)
    return _page(str(application_id), calls.read(str(application_id)), kind, form, [], 422)


@blp.route("/permohonan/<uuid:application_id>/dokumen/<kind>/berkas")
@citizen.required
def preview(application_id, kind: str):
    """The citizen's own uploaded file, shown back to them (never cached)."""
    if not kind.replace("_", "").isalpha():
        abort(404)
    try:
        found = citizen.intake().document(str(application_id), kind)
    except SignedOut:
        raise
    except IntakeError:
        abort(404)
    return Response(found.content, content_type=found.content_type,
                    headers={"Cache-Control": "private, no-store", "Content-Disposition": "inline"})
