"""The print operator's desk: the printer fleet with its ribbon, feeder, hopper and jam states and the hold out
of rotation; the print jobs; the office's blank-card stock (batches received, cards voided); a card with its
jobs, its front as printed, the quality check, reprints and the temporary letter. Every call goes to printing
with the officer's own token (its office boundary applies: the shared fleet is shown, not held)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l

from .. import apis, officer
from ..forms import BatchForm, QualityForm, ReprintForm, RotationForm, VoidForm

blp = Blueprint("printing", __name__, url_prefix="/cetak")
DESK_ROLES = ("print_operator", "supervisor")


def _desk(forms: dict[str, Any] | None = None, status: int = 200):
    api = apis.of("printing")
    me = officer.current()
    printers = api.get("/v1/printers")
    stocks = [api.get(f"/v1/offices/{office}/stock") for office in sorted(me.offices)]
    forms = forms or {}
    return render_template(
        "printing.html", title=_l("Cetak kartu"), printers=printers, jobs=api.get("/v1/print-jobs", limit=50),
        stocks=stocks, rotation=forms.get("rotation") or RotationForm(prefix="rotasi"),
        rotation_of=forms.get("rotation_of"), batch=forms.get("batch") or BatchForm(prefix="terima"),
        void=forms.get("void") or VoidForm(prefix="batal"), stock_office=forms.get("office")), status


@blp.route("")
@officer.required(*DESK_ROLES)
def desk():
    return _desk()


@blp.route("/printer/<name>/rotasi", methods=["POST"])
@officer.required("print_operator")
def rotation(name: str):
    form = RotationForm(prefix="rotasi")
    if not form.validate_on_submit():
        return _desk({"rotation": form, "rotation_of": name}, status=422)
    apis.of("printing").post(f"/v1/printers/{name}/rotation", {"in_rotation": form.in_rotation.data == "yes",
                                                                "reason": form.reason.data.strip()})
    flash(_l("Printer %(name)s: rotasi diubah.", name=name), "success")
    return redirect(url_for("printing.desk"))


@blp.route("/stok/<office>/terima", methods=["POST"])
@officer.required("print_operator")
def receive(office: str):
    form = BatchForm(prefix="terima")
    if not form.validate_on_submit():
        return _desk({"batch": form, "office": office}, status=422)
    apis.of("printing").post(f"/v1/offices/{office}/stock/batches", {
        "reference": form.reference.data.strip(), "first_serial": form.first_serial.data.strip(),
        "count": form.count.data})
    flash(_l("%(count)s blangko dicatat masuk.", count=form.count.data), "success")
    return redirect(url_for("printing.desk"))


@blp.route("/stok/<office>/batal", methods=["POST"])
@officer.required("print_operator")
def void(office: str):
    form = VoidForm(prefix="batal")
    if not form.validate_on_submit():
        return _desk({"void": form, "office": office}, status=422)
    apis.of("printing").post(f"/v1/offices/{office}/stock/void", {"serial": form.serial.data.strip(),
                                                                   "reason": form.reason.data.strip()})
    flash(_l("Blangko %(serial)s dibatalkan.", serial=form.serial.data.strip()), "success")
    return redirect(url_for("printing.desk"))


def _card_page(application_id: str, quality: QualityForm | None = None, reprint: ReprintForm | None = None,
               status: int = 200):
    card = apis.of("printing").get(f"/v1/cards/{application_id}")
    return render_template("card.html", title=_l("Kartu"), card=card, quality=quality or QualityForm(),
                           reprint=reprint or ReprintForm()), status


@blp.route("/kartu/<application_id>")
@officer.required(*DESK_ROLES)
def card(application_id: str):
    return _card_page(application_id)


@blp.route("/kartu/<application_id>/mutu", methods=["POST"])
@officer.required("print_operator")
def quality_check(application_id: str):
    form = QualityForm()
    if not form.validate_on_submit():
        return _card_page(application_id, quality=form, status=422)
    apis.of("printing").post(f"/v1/cards/{application_id}/quality-check", {
        "result": form.result.data, "field": form.field.data or None, "note": (form.note.data or "").strip() or None})
    flash({"passed": _l("Lulus pemeriksaan: pemohon diberi tahu bahwa kartu siap diambil."),
           "defect": _l("Cacat dicatat: nomor seri dibatalkan dan kartu dicetak ulang.")}[form.result.data], "success")
    return redirect(url_for("printing.card", application_id=application_id))


@blp.route("/kartu/<application_id>/cetak-ulang", methods=["POST"])
@officer.required("print_operator")
def reprint(application_id: str):
    form = ReprintForm()
    if not form.validate_on_submit():
        return _card_page(application_id, reprint=form, status=422)
    apis.of("printing").post(f"/v1/cards/{application_id}/reprint", {"reason": form.reason.data.strip()})
    flash(_l("Cetak ulang diputuskan; kartu masuk antrean cetak."), "success")
    return redirect(url_for("printing.card", application_id=application_id))


@blp.route("/kartu/<application_id>/depan.png")
@officer.required("print_operator")
def front(application_id: str):
    return _passed_on(f"/v1/cards/{application_id}/front.png")


@blp.route("/kartu/<application_id>/surat-keterangan.pdf")
@officer.required("print_operator")
def temporary_letter(application_id: str):
    return _passed_on(f"/v1/cards/{application_id}/temporary-letter.pdf")


def _passed_on(path: str) -> Response:
    body, content_type = apis.of("printing").download(path)
    return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})
