"""The console's Flask application: pages, language, CSRF, the session cookie, the officer's token checked as
the services check it, error pages, and the platform's request metrics at /metrics."""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from pathlib import Path

from flask import Flask, flash, render_template, request, session
from flask_babel import Babel
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from ektp_shared.auth import TokenVerifier
from ektp_shared.web.observe import serve_as_site

from . import apis, officer, wording
from .oidc import Provider
from .pages import blueprints
from .settings import ConsoleSettings

HERE = Path(__file__).parent
LANGUAGES = ("id", "en")


def select_language() -> str:
    chosen = session.get("language")
    return chosen if chosen in LANGUAGES else "id"


def create_app(settings: ConsoleSettings) -> Flask:
    app = Flask("console", template_folder=str(HERE / "templates"), static_folder=str(HERE / "static"))
    app.config.update(
        SECRET_KEY=settings.secret_key, SESSION_COOKIE_NAME="ktp_console", SESSION_COOKIE_SECURE=settings.cookie_secure,
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=settings.session_hours), WTF_CSRF_TIME_LIMIT=None,
        BABEL_DEFAULT_LOCALE="id", BABEL_TRANSLATION_DIRECTORIES=str(HERE / "translations"),
    )
    provider = (Provider(settings.oidc_issuer, settings.oidc_client_id, settings.oidc_client_secret,
                         settings.api_timeout_seconds) if settings.oidc_issuer else None)
    app.extensions.update(console_settings=settings, console_provider=provider,
                          console_tokens=functools.cache(lambda: _verifier(settings, provider)))
    Babel(app, locale_selector=select_language)
    CSRFProtect(app)
    serve_as_site(app, "console", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'", settings)
    for blueprint in blueprints():
        app.register_blueprint(blueprint)
    app.jinja_env.globals.update(officer=officer.current, may=officer.may, development=officer.development, languages=LANGUAGES,
                                 w=wording, development_mode=provider is None)
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.errorhandler(apis.SignedOut)
    def _signed_out(_: apis.SignedOut):
        session.pop("token", None)
        flash(_l("Sesi Anda sudah berakhir. Masuk lagi untuk melanjutkan."), "info")
        from .pages.signing_in import sign_in_first

        return sign_in_first(request.full_path if request.method == "GET" else None)

    @app.errorhandler(apis.Unavailable)
    def _unavailable(_: apis.Unavailable):
        return render_template("error.html", title=_l("Layanan sedang sibuk"), message=_l(
            "Layanan belum dapat menjawab. Coba lagi beberapa saat lagi.")), 503

    @app.errorhandler(apis.Refused)
    def _refused(refused: apis.Refused):
        if refused.code == "other_office":
            return render_template("error.html", title=_l("Bukan kantor Anda"), message=_l(
                "Ini milik kantor lain. Anda hanya dapat melihat dan mengerjakan permohonan kantor Anda sendiri.")), 403
        return render_template("error.html", title=_l("Tidak dapat dilakukan"), message=refused.message), refused.status

    @app.errorhandler(CSRFError)
    def _csrf(_: CSRFError):
        return render_template("error.html", title=_l("Halaman sudah kedaluwarsa"), message=_l(
            "Formulir ini sudah terlalu lama terbuka atau sesi berganti. Muat ulang halaman, lalu kirim lagi.")), 400

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        titles = {403: _l("Tidak diizinkan"), 404: _l("Halaman tidak ditemukan")}
        messages = {403: _l("Peran Anda tidak membuka halaman ini."), 404: _l("Alamat ini tidak ada.")}
        status = exc.code or 500
        return render_template("error.html", title=titles.get(status, _l("Terjadi kesalahan")),
                               message=messages.get(status, _l("Coba lagi beberapa saat lagi."))), status

    return app


def _verifier(settings: ConsoleSettings, provider: Provider | None) -> TokenVerifier:
    """The services' own token check; with a provider, against its keys and issuer (read from its discovery)."""
    if provider is None:
        return TokenVerifier(settings)
    return TokenVerifier(dataclasses.replace(settings, jwt_jwks_url=provider.metadata["jwks_uri"],
                                             jwt_issuer=provider.metadata["issuer"]))
