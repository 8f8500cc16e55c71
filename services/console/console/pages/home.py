"""The start page: who is signed in, for which offices, and the desks their roles open."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

from .. import officer

blp = Blueprint("home", __name__)


@blp.route("/")
@officer.required()
def index():
    return render_template("home.html", title=_l("Meja kerja"))
