"""The portal's pages, one module per part of the citizen's journey. Routes read the form, call intake
through ``citizen.intake()``, and render; wording.py says things, forms.py checks input."""
from flask import Blueprint

from . import applying, correcting, documents, reviewing, signing_in, starting, status, tracking


def blueprints() -> list[Blueprint]:
    return [starting.blp, signing_in.blp, applying.blp, documents.blp, reviewing.blp, status.blp, correcting.blp,
            tracking.blp]
