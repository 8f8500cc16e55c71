"""Applying: the citizen's applications, the choice of kind, and the form of the applicant's data (a draft is
saved on every step, so a citizen who comes back tomorrow continues where they stopped). The address's region
is picked one level at a time: with JavaScript the next list fills in at once; without it, a button shows it."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import SelectChoice

from ektp_shared.identity.contact import EMAIL, SMS
from ektp_shared.reference.regions import children

from .. import citizen, wording
from ..forms import PORTAL_KINDS, REGION_LEVELS, ApplicationForm, KindForm
from ..intake import IntakeError, SignedOut
from .refusals import place
from .signing_in import ask_code

blp = Blueprint("applying", __name__)

FINAL = frozenset({"REJECTED", "COLLECTED", "EXPIRED"})
EDITABLE = frozenset({"DRAFT", "CORRECTION_REQUESTED"})


@blp.route("/permohonan")
@citizen.required
def mine():
    applications = citizen.intake().mine()
    in_progress = [a for a in applications if a["status"] not in FINAL]
    return render_template("applications.html", applications=applications, in_progress=in_progress)


@blp.route("/permohonan/baru", methods=["GET", "POST"])
@citizen.required
def choose_kind():
    form = KindForm(kind=session.get("kind"))
    if form.validate_on_submit():
        session["kind"] = form.kind.data
        return redirect(url_for("applying.new_draft"))
    return render_template("kind.html", form=form, kinds=PORTAL_KINDS), 422 if form.errors else 200


@blp.route("/permohonan/baru/data", methods=["GET", "POST"])
@citizen.required
def new_draft():
    kind = session.get("kind")
    if kind is None:
        return redirect(url_for("applying.choose_kind"))
    return _data_page(kind, None, None)


@blp.route("/permohonan/<uuid:application_id>/data", methods=["GET", "POST"])
@citizen.required
def edit_draft(application_id):
    application = citizen.intake().read(str(application_id))
    if application["status"] == "CORRECTION_REQUESTED":
        return redirect(url_for("correcting.correct", application_id=application_id))
    if application["status"] != "DRAFT":
        return redirect(url_for("status.show", application_id=application_id))
    return _data_page(application["kind"], str(application_id), application)


def _data_page(kind: str, application_id: str | None, application: dict | None):
    pending = session.pop("pending_form", None) if request.method == "GET" else None
    form = ApplicationForm(formdata=MultiDict(pending)) if pending else ApplicationForm()
    form.use_kind(kind)
    if request.method == "GET" and not pending:
        if application is not None:
            form.fill({**application, "contact": citizen.intake().review(application_id)["contact"]})
        else:
            _prefill_contact(form)
    if form.parent_nik is not None:  # a child's card: the signed-in citizen is the parent applying
        form.parent_nik.data = citizen.nik()
    else:  # one's own card: always for the signed-in NIK
        form.nik.data = citizen.nik()
    offer_regions(form)
    problems: list[str] = []
    if request.method == "POST" and "region_step" in request.form:
        return render_template("form.html", form=form, kind=kind, application_id=application_id, problems=problems)
    if form.validate_on_submit():
        unproven = _first_unproven(form)
        if unproven is not None:
            return _prove_first(form, kind, application_id, *unproven)
        try:
            body = form.body(kind, wording.language())
            calls = citizen.intake()
            saved = calls.update(application_id, body) if application_id else calls.create(body)
            session.pop("kind", None)
            flash(_l("Data tersimpan. Sekarang unggah dokumen."), "success")
            return redirect(url_for("documents.show", application_id=saved["id"]))
        except SignedOut:
            raise
        except IntakeError as refused:
            problems = place(form, refused)
    elif pending:
        flash(_l("Alamat sudah dibuktikan. Periksa isian Anda, lalu simpan."), "success")
    status = 422 if request.method == "POST" and (form.errors or problems) else 200
    return render_template("form.html", form=form, kind=kind, application_id=application_id, problems=problems), status


def _prefill_contact(form: ApplicationForm) -> None:
    for channel, address in citizen.addresses().items():
        (form.phone if channel == SMS else form.email).data = address


def _first_unproven(form: ApplicationForm) -> tuple[str, str] | None:
    for channel, address in ((SMS, form.phone.data), (EMAIL, form.email.data)):
        if address and not citizen.proven(channel, address):
            return channel, address
    return None


def _prove_first(form: ApplicationForm, kind: str, application_id: str | None, channel: str, address: str):
    """An address the sign-in has not proven: its code first, then back to the form as it was filled in."""
    session["pending_form"] = {k: v for k, v in request.form.lists() if k != "csrf_token"}
    try:
        ask_code(citizen.nik(), channel, address, citizen.ADD_ADDRESS, request.path)
    except SignedOut:
        raise
    except IntakeError as refused:
        session.pop("pending_form", None)
        problems = place(form, refused)
        return render_template("form.html", form=form, kind=kind, application_id=application_id, problems=problems), 422
    return redirect(url_for("signing_in.code"))


def offer_regions(form: ApplicationForm) -> None:
    """Each level lists the regions of the level above; a choice that no longer fits its parent is dropped."""
    parent = None
    pick = [SelectChoice("", str(_l("Pilih")))]
    for level in REGION_LEVELS:
        field = getattr(form, level)
        options = [SelectChoice(r.code, r.name) for r in children(parent)] if parent is not None or level == "province" else []
        field.choices = pick + options if options else [SelectChoice("", str(_l("Pilih tingkat di atasnya dulu")))]
        if field.data not in {option.value for option in options}:
            field.data = ""
        parent = field.data or None
        if parent is None:
            for lower in REGION_LEVELS[REGION_LEVELS.index(level) + 1:]:
                getattr(form, lower).choices = [SelectChoice("", str(_l("Pilih tingkat di atasnya dulu")))]
                getattr(form, lower).data = ""
            return


@blp.route("/wilayah")
def regions():
    """The regions under a code, for the page's script (public reference data)."""
    parent = request.args.get("induk") or None
    if parent is not None and len(parent) > 13:
        abort(404)
    return jsonify({"regions": [{"code": r.code, "name": r.name} for r in children(parent)]})


@blp.route("/nik", methods=["POST"])
def decode_nik():
    """What a NIK says (region, birth date, sex), for the page's script as the citizen types: intake decodes it."""
    entered = (request.get_json(silent=True) or {}).get("nik", "")
    if not isinstance(entered, str) or len(entered) != 16 or not entered.isdigit():
        return jsonify({"valid": False, "errors": [str(_l("NIK harus 16 angka."))]})
    decoded = citizen.intake().validate_nik(entered)
    place_names = [part["name"] for part in (decoded.get("district"), decoded.get("regency"), decoded.get("province"))
                   if part]
    gender = {"LAKI-LAKI": str(_l("Laki-laki")), "PEREMPUAN": str(_l("Perempuan"))}.get(decoded.get("gender") or "")
    return jsonify({"valid": decoded["valid"], "region": ", ".join(place_names), "birth_date":
                    wording.day(decoded.get("birth_date")) if decoded.get("birth_date") else "", "gender": gender or "",
                    "errors": [wording.finding(f) for f in decoded.get("errors", [])]})
