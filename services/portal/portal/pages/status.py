"""After submitting: the receipt (number, QR code, PDF), the status with its timeline and what happens next,
and asking for another capture appointment."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l

from .. import citizen, wording
from ..forms import RescheduleForm
from ..intake import IntakeError, SignedOut
from .refusals import place

blp = Blueprint("status", __name__)


def zone(application: dict) -> str:
    """Times are shown in the office's zone once there is an appointment, else in that of the citizen's address."""
    office = (application.get("appointment") or {}).get("office") or {}
    if office.get("timezone"):
        return office["timezone"]
    address = (application.get("applicant") or {}).get("address") or {}
    return wording.zone_of(address.get("village_code"))


def parent_of(application_id: str, application: dict) -> dict | None:
    """The parent who applied for a child's card (KIA); intake keeps it on the review once submitted."""
    if application.get("document_type") != "kia":
        return None
    return application.get("parent") or citizen.intake().review(application_id).get("parent")


@blp.route("/permohonan/<uuid:application_id>")
@citizen.required
def show(application_id):
    application = citizen.intake().read(str(application_id))
    if application["status"] == "DRAFT":
        return redirect(url_for("documents.show", application_id=application_id))
    return render_template("status.html", application=application, application_id=str(application_id),
                           zone=zone(application), parent=parent_of(str(application_id), application))


@blp.route("/permohonan/<uuid:application_id>/bayar", methods=["POST"])
@citizen.required
def pay(application_id):
    """A new pay link after the last one expired; the gateway's page is a plain link on the status page."""
    try:
        citizen.intake().pay_link(str(application_id))
    except SignedOut:
        raise
    except IntakeError:
        flash(_l("Tautan pembayaran belum dapat dibuat. Coba lagi sebentar lagi."), "error")
    return redirect(url_for("status.show", application_id=application_id))


@blp.route("/permohonan/<uuid:application_id>/tanda-terima")
@citizen.required
def receipt(application_id):
    application = citizen.intake().read(str(application_id))
    if not application.get("receipt_number"):
        return redirect(url_for("status.show", application_id=application_id))
    return render_template("receipt.html", application=application, application_id=str(application_id),
                           zone=zone(application), parent=parent_of(str(application_id), application))


@blp.route("/permohonan/<uuid:application_id>/tanda-terima.<suffix>")
@citizen.required
def receipt_file(application_id, suffix: str):
    if suffix not in ("pdf", "png"):
        abort(404)
    try:
        found = citizen.intake().receipt(str(application_id), suffix)
    except SignedOut:
        raise
    except IntakeError:
        abort(404)
    headers = {"Cache-Control": "private, no-store"}
    if suffix == "pdf":
        headers["Content-Disposition"] = 'attachment; filename="tanda-terima-ktp-el.pdf"'
    return Response(found.content, content_type=found.content_type, headers=headers)


@blp.route("/permohonan/<uuid:application_id>/jadwal-ulang", methods=["GET", "POST"])
@citizen.required
def reschedule(application_id):
    calls = citizen.intake()
    application = calls.read(str(application_id))
    if not application.get("appointment"):
        return redirect(url_for("status.show", application_id=application_id))
    form, problems = RescheduleForm(), []
    if form.validate_on_submit():
        try:
            calls.reschedule(str(application_id), form.not_before.data.isoformat() if form.not_before.data else None)
            flash(_l("Permintaan jadwal baru terkirim. Jadwal baru dikabarkan lewat SMS dan email."), "success")
            return redirect(url_for("status.show", application_id=application_id))
        except SignedOut:
            raise
        except IntakeError as refused:
            problems = place(form, refused)
    status = 422 if form.errors or problems else 200
    return render_template("reschedule.html", application=application, application_id=str(application_id), form=form,
                           problems=problems, zone=zone(application)), status
