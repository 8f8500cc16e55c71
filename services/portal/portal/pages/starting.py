"""The start page (who may apply, what to bring, that it is free) and the language switch."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for

from .. import citizen
from ..forms import PORTAL_KINDS

blp = Blueprint("starting", __name__)


@blp.route("/")
def start():
    return render_template("start.html", kinds=PORTAL_KINDS)


@blp.route("/bahasa/<language>")
def choose_language(language: str):
    """A link, so it works without JavaScript; it changes only how pages are worded."""
    if language in ("id", "en"):
        session["language"] = language
    return redirect(citizen.safe_next(request.args.get("next"), url_for("starting.start")))
