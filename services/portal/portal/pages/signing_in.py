"""Signing in with a one-time code (sent by SMS or email), proving a second address the same way, keeping the
sign-in alive while the citizen works, and signing out."""
from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from .. import citizen, wording
from ..forms import CodeForm, ResendForm, SignInForm, SignOutForm
from ..intake import IntakeError, SignedOut
from .refusals import place

blp = Blueprint("signing_in", __name__)


def ask_code(nik: str, channel: str, address: str, purpose: str, next_page: str) -> None:
    """Send a code and remember the request for the code page (raises IntakeError when intake says no)."""
    sent = citizen.intake().request_code(nik, channel, address, wording.language())
    citizen.remember_code(sent["request_id"], nik, channel, address, sent["sent_to"], purpose, next_page)


@blp.route("/masuk", methods=["GET", "POST"])
def start():
    form = SignInForm()
    next_page = citizen.safe_next(request.values.get("next"), url_for("applying.mine"))
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            ask_code(form.nik.data, form.channel.data, form.address.data, citizen.SIGN_IN, next_page)
            return redirect(url_for("signing_in.code"))
        except IntakeError as refused:
            problems = place(form, refused)
    status = 422 if form.errors or problems else 200
    return render_template("sign_in.html", form=form, next_page=next_page, problems=problems), status


@blp.route("/masuk/kode", methods=["GET", "POST"])
def code():
    pending = citizen.pending_code()
    if pending is None:
        return redirect(url_for("signing_in.start"))
    form, problems = CodeForm(), []
    if form.validate_on_submit():
        try:
            return _use_code(pending, form.code.data)
        except SignedOut:
            raise
        except IntakeError as refused:
            problems = place(form, refused)
            tries_left = refused.body.get("tries_left")
            if tries_left is not None:
                form.code.errors = [*form.code.errors, str(_l("Sisa percobaan: %(n)s.", n=tries_left))]
    status = 422 if form.errors or problems else 200
    return render_template("code.html", form=form, resend=ResendForm(), pending=pending, problems=problems), status


def _use_code(pending: dict, entered: str):
    calls = citizen.intake()
    if pending["purpose"] == citizen.ADD_ADDRESS:
        calls.add_address(pending["request_id"], entered)
        citizen.prove(pending["channel"], pending["address"])
        flash(_l("Alamat sudah dibuktikan."), "success")
    else:
        signed = calls.sign_in(pending["request_id"], pending["nik"], entered)
        citizen.start(signed["token"], pending["nik"], pending["channel"], pending["address"], signed["expires_at"])
    citizen.code_used()
    return redirect(citizen.safe_next(pending["next"], url_for("applying.mine")))


@blp.route("/masuk/kode/ulang", methods=["POST"])
def resend():
    pending = citizen.pending_code()
    if pending is None or not ResendForm().validate_on_submit():
        return redirect(url_for("signing_in.start"))
    try:
        ask_code(pending["nik"], pending["channel"], pending["address"], pending["purpose"], pending["next"])
        flash(_l("Kode baru sudah dikirim. Kode lama tidak berlaku lagi."), "success")
    except SignedOut:
        raise
    except IntakeError as refused:
        flash(" ".join(place(None, refused)), "error")
    return redirect(url_for("signing_in.code"))


@blp.route("/keluar", methods=["POST"])
def sign_out():
    if SignOutForm().validate_on_submit() and citizen.signed_in():
        try:
            citizen.intake().sign_out()
        except SignedOut:
            pass  # already over
    citizen.forget()
    flash(_l("Anda sudah keluar. Di perangkat bersama, tutup juga peramban."), "success")
    return redirect(url_for("starting.start"))


@blp.route("/sesi", methods=["POST"])
def keep_alive():
    """The page's script renews the sign-in when the citizen asks to stay (JSON; CSRF in the header)."""
    if not citizen.signed_in():
        return jsonify({"signed_in": False}), 401
    try:
        state = citizen.intake().session_state()
    except SignedOut:
        citizen.forget()
        return jsonify({"signed_in": False}), 401
    citizen.renewed(state["expires_at"])
    return jsonify({"signed_in": True, "expires_at": state["expires_at"]})
