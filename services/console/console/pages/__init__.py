"""The console's pages, one module per desk. Routes read the form, call the service with the officer's own
token (apis.Api), and render; wording.py says things, forms.py checks input."""
from flask import Blueprint

from . import adjudication, capture, home, pickup, printing, signing_in, supervisor, verifier


def blueprints() -> list[Blueprint]:
    return [signing_in.blp, home.blp, verifier.blp, capture.blp, adjudication.blp, printing.blp, pickup.blp, supervisor.blp]
