"""Tracking without signing in: the receipt number and NIK (sent in the form, never in the address bar) show the
status, the date of each stage and the office; nothing else."""
from __future__ import annotations

from flask import Blueprint, render_template

from .. import citizen
from ..forms import TrackForm
from ..intake import IntakeError
from .refusals import place

blp = Blueprint("tracking", __name__)


@blp.route("/lacak", methods=["GET", "POST"])
def track():
    form, problems, found = TrackForm(), [], None
    if form.validate_on_submit():
        try:
            found = citizen.intake().track(form.receipt_number.data, form.nik.data)
        except IntakeError as refused:
            problems = place(form, refused)
    status = 422 if form.errors or problems else 200
    return render_template("track.html", form=form, problems=problems, found=found), status
