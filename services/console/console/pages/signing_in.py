"""Signing in and out: with the OpenID Connect provider (authorization code + PKCE) or, without one, the
development sign-in that picks a role and an office (refused in production); signing out ends the provider's
session too."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l

from ektp_shared.auth import issue_development_token

from .. import officer
from ..forms import ConfirmForm, DevelopmentSignInForm
from ..oidc import SignInFailed

blp = Blueprint("signing_in", __name__)


def safe_next(target: str | None, default: str = "/") -> str:
    """Only a path of this site (never another site's address) to go back to after signing in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target.rstrip("?") or default
    return default


def _provider():
    return current_app.extensions["console_provider"]


def _settings():
    return current_app.extensions["console_settings"]


def sign_in_first(next_path: str | None):
    """Where a browser without a session goes: the provider's authorization endpoint, or the development form."""
    provider = _provider()
    if provider is None:
        return redirect(url_for("signing_in.start", next=safe_next(next_path)))
    started = provider.start(_settings().base_url + url_for("signing_in.callback"))
    session["oidc"] = {"state": started.state, "nonce": started.nonce, "verifier": started.verifier,
                       "next": safe_next(next_path)}
    return redirect(started.url)


@blp.route("/masuk", methods=["GET", "POST"])
def start():
    next_path = safe_next(request.args.get("next"))
    if _provider() is not None:
        return sign_in_first(next_path)
    settings = _settings()
    if settings.environment == "production":
        abort(404)  # the development sign-in does not exist in production (settings refuse it as well)
    form = DevelopmentSignInForm()
    if form.validate_on_submit():
        offices = [form.office.data] if form.office.data else []
        token = issue_development_token(settings, form.name.data, [form.role.data], offices=offices)
        officer.sign_in(token, None, development=True)
        return redirect(next_path)
    return render_template("sign_in.html", form=form, title=_l("Masuk (pengembangan)"))


@blp.route("/auth/callback")
def callback():
    pending = session.pop("oidc", None)
    if pending is None or request.args.get("state") != pending["state"]:
        flash(_l("Proses masuk sudah kedaluwarsa. Silakan masuk lagi."), "info")
        return sign_in_first("/")
    if "error" in request.args or "code" not in request.args:
        return render_template("error.html", title=_l("Tidak dapat masuk"), message=_l(
            "Penyedia identitas menolak proses masuk. Hubungi admin jika ini berulang.")), 403
    try:
        tokens = _provider().finish(request.args["code"], pending["verifier"], pending["nonce"],
                                    _settings().base_url + url_for("signing_in.callback"))
    except SignInFailed:
        return render_template("error.html", title=_l("Tidak dapat masuk"), message=_l(
            "Jawaban penyedia identitas tidak dapat diperiksa. Coba masuk lagi.")), 403
    officer.sign_in(tokens["access_token"], tokens.get("id_token"), development=False)
    return redirect(pending["next"])


@blp.route("/keluar", methods=["POST"])
def sign_out():
    ConfirmForm()  # CSRF is checked by CSRFProtect before this runs
    id_token = session.get("id_token")
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    done = _settings().base_url + url_for("signing_in.signed_out")
    provider = _provider()
    logout = provider.logout_url(id_token, done) if provider is not None else None
    return redirect(logout or url_for("signing_in.signed_out"))


@blp.route("/keluar/selesai")
def signed_out():
    return render_template("signed_out.html", title=_l("Anda sudah keluar"))


@blp.route("/bahasa/<language>")
def choose_language(language: str):
    if language in ("id", "en"):
        session["language"] = language
    return redirect(safe_next(request.args.get("next")))
