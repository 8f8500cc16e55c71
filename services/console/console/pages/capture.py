"""The biometric operator's desk: today's capture appointments at the office; the capture upload with the
quality of each finger and of the face, and retakes of what biometrics refused; the face review of a 1:1
mismatch with the application's photo and the live face side by side. Appointments come from verification,
enrolments and images from biometrics, each called with the officer's own token."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l

from .. import apis, officer, wording
from ..forms import CaptureForm, FaceReviewForm
from .verifier import WIB

blp = Blueprint("capture", __name__)
OPERATORS = ("biometric_operator", "supervisor")
REVIEWERS = ("biometric_adjudicator", "supervisor")
IMAGES = ("face", "photo", *(f"finger_{position}" for position in wording.FINGERS))


def _enrolment(application_id: str) -> dict[str, Any] | None:
    """Biometrics' enrolment, or None while it has not heard of the approval yet."""
    try:
        return apis.of("biometrics").get(f"/v1/enrolments/{application_id}")
    except apis.Refused as refused:
        if refused.status == 404:
            return None
        raise


@blp.route("/perekaman")
@officer.required(*OPERATORS)
def today():
    day = dt.datetime.now(WIB).date()
    appointments = apis.of("verification").get("/v1/appointments", day=day.isoformat())
    states = {a["application_id"]: (_enrolment(a["application_id"]) or {}).get("state") for a in appointments}
    return render_template("capture_today.html", title=_l("Perekaman hari ini"), day=day, appointments=appointments,
                           states=states)


def _capture_page(application_id: str, form: CaptureForm | None = None, problems: list[dict] | None = None,
                  status: int = 200):
    enrolment = _enrolment(application_id)
    if enrolment is None:
        abort(404)
    return render_template("capture.html", title=_l("Perekaman biometrik"), enrolment=enrolment,
                           form=form or CaptureForm(), problems=problems or []), status


@blp.route("/perekaman/<application_id>")
@officer.required(*OPERATORS, *REVIEWERS)
def capture(application_id: str):
    return _capture_page(application_id)


@blp.route("/perekaman/<application_id>", methods=["POST"])
@officer.required("biometric_operator")
def upload(application_id: str):
    form = CaptureForm()
    if not form.validate_on_submit():
        return _capture_page(application_id, form, status=422)
    files = {field.name: (field.data.filename or field.name, field.data.read())
             for field in form if field.type == "FileField" and field.data}
    try:
        apis.of("biometrics").upload(f"/v1/enrolments/{application_id}/capture", files)
    except apis.Refused as refused:
        if refused.status != 422:
            raise
        # What to retake and why, beside each image; the files must be chosen again (browsers keep none).
        return _capture_page(application_id, form, refused.errors or [{"field": "face", "message": refused.message}],
                             status=422)
    flash(_l("Perekaman diterima. Wajah dicocokkan dengan pasfoto dan data dicari di basis data biometrik."), "success")
    return redirect(url_for("capture.capture", application_id=application_id))


def served_image(name: str, path: str) -> Response:
    """An image biometrics serves the officer (``path``), passed on uncached; 404 for a name it has none of."""
    if name not in IMAGES:
        abort(404)
    try:
        body, content_type = apis.of("biometrics").download(path)
    except apis.Refused as refused:
        if refused.status != 404:
            raise
        abort(404)
    return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})


@blp.route("/perekaman/<application_id>/gambar/<name>")
@officer.required(*OPERATORS, *REVIEWERS)
def image(application_id: str, name: str):
    return served_image(name, f"/v1/enrolments/{application_id}/images/{name}")


@blp.route("/tinjauan-wajah")
@officer.required(*REVIEWERS)
def face_reviews():
    waiting = apis.of("biometrics").get("/v1/enrolments", state="FACE_REVIEW")
    return render_template("face_reviews.html", title=_l("Tinjauan wajah"), waiting=waiting)


def _review_page(application_id: str, form: FaceReviewForm | None = None, status: int = 200):
    enrolment = _enrolment(application_id)
    if enrolment is None:
        abort(404)
    return render_template("face_review.html", title=_l("Tinjauan wajah"), enrolment=enrolment,
                           form=form or FaceReviewForm()), status


@blp.route("/tinjauan-wajah/<application_id>")
@officer.required(*REVIEWERS)
def face_review(application_id: str):
    return _review_page(application_id)


@blp.route("/tinjauan-wajah/<application_id>", methods=["POST"])
@officer.required(*REVIEWERS)
def decide_face(application_id: str):
    form = FaceReviewForm()
    if not form.validate_on_submit():
        return _review_page(application_id, form, status=422)
    apis.of("biometrics").post(f"/v1/enrolments/{application_id}/face-review",
                               {"decision": form.decision.data, "note": (form.note.data or "").strip() or None})
    flash({"same_person": _l("Dinyatakan orang yang sama; pencarian data ganda dilanjutkan."),
           "recapture": _l("Wajah harus direkam ulang; pemohon kembali ke meja perekaman.")}[form.decision.data],
          "success")
    return redirect(url_for("capture.face_reviews"))
