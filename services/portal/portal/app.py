"""The portal's Flask application: pages, language, CSRF, the session cookie, error pages, and the platform's
request metrics at /metrics."""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, flash, redirect, render_template, request, session, url_for
from flask_babel import Babel
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from ektp_shared.web.observe import serve_as_site

from . import citizen, wording
from .intake import Intake, SignedOut, Unavailable
from .pages import blueprints
from .settings import PortalSettings

HERE = Path(__file__).parent
LANGUAGES = ("id", "en")
# A week of browser caching for the stylesheet and script; their URLs change with their content (?v=).
STATIC_MAX_AGE = 7 * 86400


def select_language() -> str:
    chosen = session.get("language")
    return chosen if chosen in LANGUAGES else "id"


def create_app(settings: PortalSettings) -> Flask:
    app = Flask("portal", template_folder=str(HERE / "templates"), static_folder=str(HERE / "static"))
    app.config.update(
        SECRET_KEY=settings.secret_key, SESSION_COOKIE_NAME="ktp_portal", SESSION_COOKIE_SECURE=settings.cookie_secure,
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=settings.session_hours),
        MAX_CONTENT_LENGTH=settings.max_upload_bytes, SEND_FILE_MAX_AGE_DEFAULT=STATIC_MAX_AGE,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session; the session's own lifetime bounds it
        BABEL_DEFAULT_LOCALE="id", BABEL_TRANSLATION_DIRECTORIES=str(HERE / "translations"),
    )
    app.extensions["portal_intake"] = Intake(settings.intake_url, settings.intake_timeout_seconds)
    Babel(app, locale_selector=select_language)
    CSRFProtect(app)
    if settings.trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies)  # type: ignore[method-assign]
    serve_as_site(app, "portal", "default-src 'self'; img-src 'self' blob: data:; object-src 'none'; base-uri 'none'; "
                                 "form-action 'self'", settings)
    for blueprint in blueprints():
        app.register_blueprint(blueprint)
    app.jinja_env.globals.update(w=wording, signed_in=citizen.signed_in, languages=LANGUAGES,
                                 static_version=_static_version())
    app.jinja_env.filters.update(document=wording.document_name)
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.errorhandler(SignedOut)
    def _signed_out(_: SignedOut):
        citizen.forget()
        flash(_l("Sesi Anda sudah berakhir. Masuk lagi dengan kode baru untuk melanjutkan."), "info")
        back = request.path if request.method == "GET" else (request.referrer or "")
        return redirect(url_for("signing_in.start", next=citizen.safe_next(back and _path(back), "/permohonan")))

    @app.errorhandler(Unavailable)
    def _unavailable(_: Unavailable):
        return render_template("error.html", title=_l("Layanan sedang sibuk"), message=_l(
            "Layanan belum dapat menjawab. Data yang sudah tersimpan tidak hilang; coba lagi beberapa menit lagi.")), 503

    @app.errorhandler(CSRFError)
    def _csrf(_: CSRFError):
        return render_template("error.html", title=_l("Halaman sudah kedaluwarsa"), message=_l(
            "Formulir ini sudah terlalu lama terbuka atau sesi berganti. Muat ulang halaman, lalu kirim lagi.")), 400

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        titles = {404: _l("Halaman tidak ditemukan"), 413: _l("Berkas terlalu besar"), 405: _l("Halaman tidak ditemukan")}
        messages = {404: _l("Alamat ini tidak ada. Mulai lagi dari halaman depan."),
                    413: _l("Ukuran berkas paling besar 10 MB. Perkecil foto atau pindai ulang dengan resolusi lebih rendah."),
                    405: _l("Alamat ini tidak ada. Mulai lagi dari halaman depan.")}
        status = exc.code or 500
        return render_template("error.html", title=titles.get(status, _l("Terjadi kesalahan")),
                               message=messages.get(status, _l("Coba lagi beberapa saat lagi."))), status

    return app


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _static_version() -> str:
    """A short digest of the stylesheet and script, so a new release is fetched at once despite the caching."""
    digest = hashlib.sha256()
    for name in ("portal.css", "portal.js"):
        digest.update((HERE / "static" / name).read_bytes())
    return digest.hexdigest()[:10]
