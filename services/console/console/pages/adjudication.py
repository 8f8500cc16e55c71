"""The adjudicator's desk: the suspected duplicates of the office; one of them side by side with each
candidate (the data entered, the faces, the fingerprint images and the matcher's score for each finger); the
claim and the decision. The case and the decision are verification's; images and scores are biometrics'
(a candidate is seen only through the case under adjudication, whatever office enrolled it)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l

from .. import apis, officer
from ..forms import AdjudicationForm, ConfirmForm
from .capture import served_image

blp = Blueprint("adjudication", __name__, url_prefix="/adjudikasi")
ADJUDICATORS = ("biometric_adjudicator", "supervisor")


@blp.route("")
@officer.required(*ADJUDICATORS)
def queue():
    cases = apis.of("verification").get("/v1/cases", state="ADJUDICATION")
    return render_template("adjudication_queue.html", title=_l("Adjudikasi data ganda"), cases=cases)


def _page(case_id: str, form: AdjudicationForm | None = None, status: int = 200):
    verification, biometrics = apis.of("verification"), apis.of("biometrics")
    case = verification.get(f"/v1/cases/{case_id}")
    suspected = verification.get(f"/v1/cases/{case_id}/adjudication")
    application_id = suspected["applicant"]["application_id"]
    comparisons: dict[str, Any] = {}
    for candidate in suspected["candidates"]:
        comparisons[candidate["application_id"]] = biometrics.get(
            f"/v1/enrolments/{application_id}/candidates/{candidate['application_id']}")
    return render_template("adjudication.html", title=_l("Adjudikasi %(receipt)s", receipt=case["receipt_number"]),
                           case=case, suspected=suspected, comparisons=comparisons,
                           mine=case["claimed_by"] == officer.current().subject, form=form or AdjudicationForm(),
                           claim=ConfirmForm()), status


@blp.route("/<case_id>")
@officer.required(*ADJUDICATORS)
def case(case_id: str):
    return _page(case_id)


@blp.route("/<case_id>/klaim", methods=["POST"])
@officer.required("biometric_adjudicator")
def claim(case_id: str):
    apis.of("verification").post(f"/v1/cases/{case_id}/claim")
    return redirect(url_for("adjudication.case", case_id=case_id))


@blp.route("/<case_id>", methods=["POST"])
@officer.required("biometric_adjudicator")
def decide(case_id: str):
    form = AdjudicationForm()
    if not form.validate_on_submit():
        return _page(case_id, form, status=422)
    body = {"decision": form.decision.data, "note": (form.note.data or "").strip() or None}
    if form.decision.data == "duplicate":
        body["message"] = form.message.data.strip()
    apis.of("verification").post(f"/v1/cases/{case_id}/adjudication", body)
    flash({"distinct": _l("Orang yang berbeda: pendaftaran biometrik dilanjutkan."),
           "duplicate": _l("Orang yang sama: permohonan ditolak dan pemohon diberi tahu.")}[form.decision.data],
          "success")
    return redirect(url_for("adjudication.queue"))


@blp.route("/perekaman/<application_id>/kandidat/<candidate_id>/gambar/<name>")
@officer.required(*ADJUDICATORS)
def candidate_image(application_id: str, candidate_id: str, name: str):
    return served_image(name, f"/v1/enrolments/{application_id}/candidates/{candidate_id}/images/{name}")
