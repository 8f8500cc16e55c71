"""The pickup desk: find the card by its receipt number (typed; read from the receipt's QR code with the
device's camera where the browser can, a progressive enhancement); the identity check against the card as
printed, and one finger verified by biometrics against the holder's enrolment (printing asks, with the officer's
token, and keeps the result); a representative with the surat kuasa (printing holds the NIK and name it gives,
and hands over only to that person); the handover, or the citizen's refusal of a card printed wrong."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l

from .. import apis, officer, wording
from ..forms import AttorneyForm, FingerprintForm, HandoverForm, ReceiptSearchForm, RefusalForm

blp = Blueprint("pickup", __name__, url_prefix="/pengambilan")


@blp.route("", methods=["GET", "POST"])
@officer.required("print_operator", "supervisor")
def search():
    form = ReceiptSearchForm()
    if not form.validate_on_submit():
        return render_template("pickup_search.html", title=_l("Pengambilan kartu"), form=form), \
            422 if form.errors else 200
    found = apis.of("printing").get("/v1/cards", receipt_number=form.receipt_number.data.strip())
    if not found:
        form.receipt_number.errors = [_l("Tidak ada kartu dengan nomor ini di kantor Anda. Periksa nomornya, atau "
                                         "kartu dicetak untuk kantor lain.")]
        return render_template("pickup_search.html", title=_l("Pengambilan kartu"), form=form), 404
    return redirect(url_for("pickup.card", application_id=found[0]["application_id"]))


def _page(application_id: str, handover: HandoverForm | None = None, attorney: AttorneyForm | None = None,
          refusal: RefusalForm | None = None, finger: FingerprintForm | None = None, status: int = 200):
    card = apis.of("printing").get(f"/v1/cards/{application_id}")
    checks = card.get("fingerprint_checks") or []
    return render_template("pickup.html", title=_l("Pengambilan kartu"), card=card,
                           fingerprint_failed=bool(checks) and not any(c["match"] for c in checks),
                           handover=handover or HandoverForm(prefix="serah"),
                           attorney=attorney or AttorneyForm(prefix="kuasa"),
                           refusal=refusal or RefusalForm(prefix="tolak"),
                           finger=finger or FingerprintForm(prefix="jari")), status


@blp.route("/kartu/<application_id>")
@officer.required("print_operator", "supervisor")
def card(application_id: str):
    return _page(application_id)


@blp.route("/kartu/<application_id>/surat-kuasa", methods=["POST"])
@officer.required("print_operator")
def attorney(application_id: str):
    form = AttorneyForm(prefix="kuasa")
    if not form.validate_on_submit():
        return _page(application_id, attorney=form, status=422)
    apis.of("printing").upload(
        f"/v1/cards/{application_id}/surat-kuasa", {"file": (form.file.data.filename or "surat-kuasa", form.file.data.read())},
        {"representative_nik": form.representative_nik.data, "representative_name": form.representative_name.data.strip()},
        method="PUT")
    flash(_l("Surat kuasa disimpan. Hanya penerima kuasa yang disebut di dalamnya yang dapat mengambil kartu."),
          "success")
    return redirect(url_for("pickup.card", application_id=application_id))


@blp.route("/kartu/<application_id>/sidik-jari", methods=["POST"])
@officer.required("print_operator")
def fingerprint(application_id: str):
    form = FingerprintForm(prefix="jari")
    if not form.validate_on_submit():
        return _page(application_id, finger=form, status=422)
    name = f"finger_{form.position.data}"
    try:
        check = apis.of("printing").upload(f"/v1/cards/{application_id}/fingerprint",
                                           {name: (form.file.data.filename or name, form.file.data.read())})
    except apis.Refused as refused:
        if refused.status not in (409, 422):
            raise
        form.file.errors = [refused.message]  # e.g. a finger that was not enrolled: biometrics names the ones that were
        return _page(application_id, finger=form, status=refused.status)
    finger = wording.FINGERS[check["position"]]
    if check["match"]:
        flash(_l("Sidik jari cocok: %(finger)s adalah milik pemegang kartu.", finger=finger), "success")
    else:
        flash(_l("Sidik jari tidak cocok dengan data perekaman (%(finger)s). Coba jari lain; kartu hanya diserahkan "
                 "dengan alasan yang Anda tulis.", finger=finger), "error")
    return redirect(url_for("pickup.card", application_id=application_id))


@blp.route("/kartu/<application_id>/serahkan", methods=["POST"])
@officer.required("print_operator")
def hand_over(application_id: str):
    form = HandoverForm(prefix="serah")
    if not form.validate_on_submit():
        return _page(application_id, handover=form, status=422)
    printing = apis.of("printing")
    card = printing.get(f"/v1/cards/{application_id}")
    body = {"receipt_number": card["receipt_number"], "nik": form.nik.data, "collected_by": form.collected_by.data}
    if form.collected_by.data == "representative":
        body["representative"] = {"nik": form.representative_nik.data, "kk_number": form.representative_kk.data or None,
                                  "name": (form.representative_name.data or "").strip() or None}
    if form.old_card.data:
        body["old_card"] = "handed_in"
    if (form.fingerprint_override.data or "").strip():
        body["fingerprint_override"] = form.fingerprint_override.data.strip()
    try:
        printing.post(f"/v1/cards/{application_id}/handover", body)
    except apis.Refused as refused:
        if refused.status not in (409, 422):
            raise
        flash(_l("Kartu tidak diserahkan: %(why)s", why=wording.handover_refusal(refused.fields, refused.message)),
              "error")
        return _page(application_id, handover=form, status=refused.status)
    flash(_l("Kartu diserahkan dan dicatat."), "success")
    return redirect(url_for("pickup.card", application_id=application_id))


@blp.route("/kartu/<application_id>/tolak", methods=["POST"])
@officer.required("print_operator")
def refuse(application_id: str):
    form = RefusalForm(prefix="tolak")
    if not form.validate_on_submit():
        return _page(application_id, refusal=form, status=422)
    printing = apis.of("printing")
    card = printing.get(f"/v1/cards/{application_id}")
    printing.post(f"/v1/cards/{application_id}/refusal", {"receipt_number": card["receipt_number"],
                                                          "nik": form.nik.data, "fields": form.wrong.data})
    flash(_l("Penolakan dicatat: nomor seri dibatalkan; kartu dicetak ulang setelah data diperbaiki."), "success")
    return redirect(url_for("pickup.card", application_id=application_id))
