"""The verifier's desk: the work queue and claiming the next case; the case page with the documents and the 4x6
photo beside the data entered and the automatic checks' findings; decisions with reason codes, corrections
that name fields and documents, interviews and their outcomes, and the second officer's confirmation of a
rejection. Every call goes to verification with the officer's own token (its office boundary applies)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ektp_shared.reference.application_kinds import application_kind

from .. import apis, officer, wording
from ..forms import (
    OTHER_TIME,
    AvailabilityForm,
    ConfirmForm,
    DecisionForm,
    InterviewForm,
    InterviewOutcomeForm,
    RejectionReviewForm,
)

blp = Blueprint("verifier", __name__, url_prefix="/verifikasi")
DESK_ROLES = ("verifier", "supervisor")
# The states in which the officer who claimed a case decides it and may schedule an interview.
DECIDING = ("OPEN", "SUPERVISOR_REVIEW")
WIB = ZoneInfo("Asia/Jakarta")


def verification() -> apis.Api:
    settings = current_app.extensions["console_settings"]
    return apis.Api(settings.verification_url, officer.token(), settings.api_timeout_seconds)


@blp.route("")
@officer.required(*DESK_ROLES)
def queue(availability: AvailabilityForm | None = None, status: int = 200):
    api = verification()
    cases = api.get("/v1/cases", state="OPEN")
    proposed = api.get("/v1/cases", state="REJECTION_PROPOSED") if "supervisor" in officer.current().roles else []
    return render_template("queue.html", title=_l("Antrean verifikasi"), cases=cases, proposed=proposed,
                           form=ConfirmForm(), availability=availability or AvailabilityForm(),
                           slots=_own_free_slots(api)), status


@blp.route("/ketersediaan", methods=["POST"])
@officer.required(*DESK_ROLES)
def offer_slots():
    """The officer's availability for interviews: an interview scheduled without a typed time takes one of these."""
    form = AvailabilityForm()
    if not form.validate_on_submit():
        return queue(availability=form, status=422)
    offered = verification().post("/v1/interview-slots", {
        "starts_at": form.starts_at.data.replace(tzinfo=WIB).isoformat(), "count": form.count.data,
        "minutes": form.minutes.data})
    flash(_l("%(count)d slot wawancara ditawarkan.", count=len(offered)), "success")
    return redirect(url_for("verifier.queue"))


def _own_free_slots(api: apis.Api) -> list[dict[str, Any]]:
    return api.get("/v1/interview-slots", officer=officer.current().subject)


def _interview_form(api: apis.Api) -> InterviewForm:
    """The interview form offering the officer's own free slots, the earliest first, before a time typed in."""
    form = InterviewForm()
    slots = _own_free_slots(api)
    form.slot.choices = [(s["id"], f"{local_time(s['starts_at'])} ({_('%(minutes)d menit', minutes=s['minutes'])})") for s in slots] \
        + form.slot.choices
    if slots and not form.is_submitted():
        form.slot.data = slots[0]["id"]
    return form


@blp.route("/ambil", methods=["POST"])
@officer.required(*DESK_ROLES)
def claim_next():
    try:
        case = verification().post("/v1/cases/claim-next", {"state": "OPEN"})
    except apis.Refused as refused:
        if refused.code != "queue_empty":
            raise
        flash(_l("Antrean kosong: tidak ada kasus yang menunggu."), "info")
        return redirect(url_for("verifier.queue"))
    return redirect(url_for("verifier.case", case_id=case["id"]))


def not_asked(case: dict[str, Any]) -> Mapping[str, str | None]:
    """The holder's fields the case's kind does not ask (a child's card: marital status, occupation): not shown as
    entered, and not offered for correction, which the citizen could not make."""
    return application_kind(case["kind"]).implied_fields


def _correctable(case: dict[str, Any]) -> list[tuple[str, str]]:
    fields = [(f"applicant.{name}", label) for name, label in wording.FIELDS.items()
              if name in (case["applicant"] or {}) and name not in not_asked(case)]
    documents = [(f"documents.{d['kind']}", wording.DOCUMENTS.get(d["kind"], d["kind"])) for d in case["documents"]]
    return fields + documents


def _page(case: dict[str, Any], decision: DecisionForm | None = None, interview: InterviewForm | None = None,
          status: int = 200):
    me = officer.current()
    mine = case["claimed_by"] == me.subject
    deciding = mine and case["state"] in DECIDING
    # The officer's free slots are shown only beside the decision, to the officer who claimed the case.
    if interview is None and deciding:
        interview = _interview_form(verification())
    decision = decision or DecisionForm()
    decision.corrections.choices = _correctable(case)
    return render_template(
        "case.html", title=_l("Kasus %(receipt)s", receipt=case["receipt_number"]), case=case, mine=mine,
        deciding=deciding, not_asked=not_asked(case), decision=decision, interview=interview, outcome=InterviewOutcomeForm(),
        review=RejectionReviewForm(), form=ConfirmForm(), supervisor="supervisor" in me.roles), status


@blp.route("/kasus/<case_id>")
@officer.required(*DESK_ROLES)
def case(case_id: str):
    return _page(verification().get(f"/v1/cases/{case_id}"))


@blp.route("/kasus/<case_id>/klaim", methods=["POST"])
@officer.required(*DESK_ROLES)
def claim(case_id: str):
    verification().post(f"/v1/cases/{case_id}/claim")
    return redirect(url_for("verifier.case", case_id=case_id))


@blp.route("/kasus/<case_id>/lepas", methods=["POST"])
@officer.required(*DESK_ROLES)
def release(case_id: str):
    verification().delete(f"/v1/cases/{case_id}/claim")
    flash(_l("Kasus dikembalikan ke antrean."), "info")
    return redirect(url_for("verifier.queue"))


@blp.route("/kasus/<case_id>/keputusan", methods=["POST"])
@officer.required(*DESK_ROLES)
def decide(case_id: str):
    api = verification()
    form = DecisionForm()
    form.corrections.choices = _correctable(api.get(f"/v1/cases/{case_id}"))
    if not form.validate_on_submit():
        return _page(api.get(f"/v1/cases/{case_id}"), decision=form, status=422)
    body: dict[str, Any] = {"decision": form.decision.data}
    if form.decision.data == "request_correction":
        body.update(reason_code=form.correction_reason.data, message=form.message.data,
                    corrections=[{"field": field, "message": form.message.data} for field in form.corrections.data])
    elif form.decision.data == "reject":
        body.update(reason_code=form.rejection_reason.data, message=form.message.data)
    decided = api.post(f"/v1/cases/{case_id}/decision", body)
    flash({"approve": _l("Disetujui. Jadwal perekaman sudah dibuat dan pemohon diberi tahu."),
           "request_correction": _l("Permintaan perbaikan terkirim ke pemohon."),
           "reject": _l("Penolakan diusulkan; supervisor lain akan mengonfirmasi.")}[form.decision.data], "success")
    return redirect(url_for("verifier.case", case_id=decided["id"]))


@blp.route("/kasus/<case_id>/wawancara", methods=["POST"])
@officer.required(*DESK_ROLES)
def schedule_interview(case_id: str):
    api = verification()
    form = _interview_form(api)
    if not form.validate_on_submit():
        return _page(api.get(f"/v1/cases/{case_id}"), interview=form, status=422)
    body = {"channel": form.channel.data}
    if form.slot.data == OTHER_TIME:
        body["starts_at"] = form.starts_at.data.replace(tzinfo=WIB).isoformat()
    else:
        body["slot_id"] = form.slot.data
    body.update({"phone": form.phone.data} if form.channel.data == "phone" else {"join_url": form.join_url.data})
    api.post(f"/v1/cases/{case_id}/interviews", body)
    flash(_l("Wawancara dijadwalkan; pemohon diberi tahu."), "success")
    return redirect(url_for("verifier.case", case_id=case_id))


@blp.route("/kasus/<case_id>/wawancara/<interview_id>/hasil", methods=["POST"])
@officer.required(*DESK_ROLES)
def interview_outcome(case_id: str, interview_id: str):
    form = InterviewOutcomeForm()
    if not form.validate_on_submit():
        flash(_l("Pilih hasil wawancara."), "error")
        return redirect(url_for("verifier.case", case_id=case_id))
    verification().post(f"/v1/cases/{case_id}/interviews/{interview_id}/outcome",
                        {"outcome": form.outcome.data, "notes": form.notes.data or None})
    flash(_l("Hasil wawancara dicatat. Kasus kembali kepada Anda untuk diputuskan."), "success")
    return redirect(url_for("verifier.case", case_id=case_id))


@blp.route("/kasus/<case_id>/penolakan", methods=["POST"])
@officer.required("supervisor")
def review_rejection(case_id: str):
    form = RejectionReviewForm()
    if not form.validate_on_submit():
        flash(_l("Pilih konfirmasi atau pembatalan."), "error")
        return redirect(url_for("verifier.case", case_id=case_id))
    verification().post(f"/v1/cases/{case_id}/rejection", {"confirm": form.confirm.data == "yes",
                                                           "note": form.note.data or None})
    flash(_l("Keputusan supervisor dicatat."), "success")
    return redirect(url_for("verifier.case", case_id=case_id))


@blp.route("/kasus/<case_id>/dokumen/<int:index>")
@officer.required(*DESK_ROLES)
def document(case_id: str, index: int):
    """A document of the case, fetched by the console with the short-lived link verification gave (so the page
    needs no other origin and the link never reaches the browser's history)."""
    documents = verification().get(f"/v1/cases/{case_id}")["documents"]
    if not 0 <= index < len(documents) or not documents[index].get("url"):
        abort(404)
    fetched = apis.fetch_bytes(documents[index]["url"], current_app.extensions["console_settings"].api_timeout_seconds)
    if fetched is None:
        abort(404)
    body, content_type = fetched
    return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})


@blp.app_template_filter("local_time")
def local_time(value: str | None) -> str:
    if not value:
        return "–"
    return dt.datetime.fromisoformat(value).astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB")
