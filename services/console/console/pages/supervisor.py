"""The supervisor's desk: the office dashboard (verification's funnel with the oldest wait per stage, the
biometric queues, the cases stuck past a threshold), and a case's operations (pause, resume, retry from a
stage) with its audit logs, verification's and biometrics'."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l

from .. import apis, officer
from ..forms import ConfirmForm, PauseForm, RetryForm

blp = Blueprint("supervisor", __name__, url_prefix="/supervisor")
BIOMETRIC_QUEUES = ("AWAITING_CAPTURE", "FACE_REVIEW", "DUPLICATE_SUSPECTED")
STUCK_HOURS = 48


@blp.route("")
@officer.required("supervisor")
def dashboard():
    board = apis.of("verification").get("/v1/dashboard", stuck_hours=STUCK_HOURS)
    biometrics = apis.of("biometrics")
    queues = {state: len(biometrics.get("/v1/enrolments", state=state, limit=200)) for state in BIOMETRIC_QUEUES}
    return render_template("dashboard.html", title=_l("Dasbor kantor"), board=board, queues=queues,
                           stuck_hours=STUCK_HOURS)


def _enrolment_audit(application_id: str) -> list[dict[str, Any]]:
    try:
        return apis.of("biometrics").get(f"/v1/enrolments/{application_id}/audit")["entries"]
    except apis.Refused as refused:
        if refused.status == 404:
            return []  # biometrics has not heard of it (not approved yet)
        raise


def _page(case_id: str, pause: PauseForm | None = None, status: int = 200):
    verification = apis.of("verification")
    case = verification.get(f"/v1/cases/{case_id}")
    audit = verification.get(f"/v1/cases/{case_id}/audit")["entries"]
    return render_template("supervised_case.html", title=_l("Kasus %(receipt)s", receipt=case["receipt_number"]),
                           case=case, audit=audit, enrolment_audit=_enrolment_audit(case["application_id"]),
                           pause=pause or PauseForm(prefix="henti"), retry=RetryForm(prefix="ulang"),
                           resume=ConfirmForm(prefix="lanjut")), status


@blp.route("/kasus/<case_id>")
@officer.required("supervisor")
def case(case_id: str):
    return _page(case_id)


@blp.route("/kasus/<case_id>/henti", methods=["POST"])
@officer.required("supervisor")
def pause(case_id: str):
    form = PauseForm(prefix="henti")
    if not form.validate_on_submit():
        return _page(case_id, pause=form, status=422)
    apis.of("verification").post(f"/v1/admin/cases/{case_id}/pause", {"reason": form.reason.data.strip()})
    flash(_l("Kasus dihentikan sementara: tidak ada klaim, keputusan atau kedaluwarsa sampai dilanjutkan."), "success")
    return redirect(url_for("supervisor.case", case_id=case_id))


@blp.route("/kasus/<case_id>/lanjut", methods=["POST"])
@officer.required("supervisor")
def resume(case_id: str):
    ConfirmForm(prefix="lanjut")  # CSRF is checked by CSRFProtect before this runs
    apis.of("verification").post(f"/v1/admin/cases/{case_id}/resume")
    flash(_l("Kasus dilanjutkan."), "success")
    return redirect(url_for("supervisor.case", case_id=case_id))


@blp.route("/kasus/<case_id>/ulang", methods=["POST"])
@officer.required("supervisor")
def retry(case_id: str):
    form = RetryForm(prefix="ulang")
    if not form.validate_on_submit():
        return redirect(url_for("supervisor.case", case_id=case_id))
    apis.of("verification").post(f"/v1/admin/cases/{case_id}/retry", {"stage": form.stage.data})
    flash(_l("Diulang dari tahap yang dipilih."), "success")
    return redirect(url_for("supervisor.case", case_id=case_id))
