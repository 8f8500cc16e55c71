"""The start page (who may apply, what to bring, that it is free) and the language switch."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for

from ektp_shared.reference.application_kinds import application_kinds

from .. import citizen

blp = Blueprint("starting", __name__)


@blp.route("/")
def start():
    return render_template("start.html", kinds=application_kinds())


@blp.route("/bahasa/<language>")
def choose_language(language: str):
    """A link, so it works without JavaScript; it changes only how pages are worded."""
    if language in ("id", "en"):
        session["language"] = language
    return redirect(citizen.safe_next(request.args.get("next"), url_for("starting.start")))
