"""The application's 4x6 photo, the reference of the 1:1 face check, fetched from intake.

Intake serves a document to whoever holds a short-lived link signed with the platform's link secret
(``GET /v1/documents/<document_id>?expires=..&signature=..``); biometrics signs one for each fetch and
checks that the bytes are the ones the submission declared (its sha256). The photo is used in memory
and never stored here.
"""
from __future__ import annotations

import hashlib

import requests

from ektp_shared.links import LinkSigner


class PhotoUnavailable(Exception):
    """The photo cannot serve as the reference: intake no longer has it, or serves other bytes."""


def fetch_photo(intake_url: str, links: LinkSigner, document_id: str, sha256: str, ttl_seconds: int,
                timeout_seconds: float) -> bytes:
    """Raises PhotoUnavailable, or requests' errors when intake cannot answer now (worth retrying)."""
    path = f"/v1/documents/{document_id}"
    response = requests.get(intake_url.rstrip("/") + links.sign(path, ttl_seconds), timeout=timeout_seconds)
    if response.status_code == 404:
        raise PhotoUnavailable("intake no longer has the application's photo")
    response.raise_for_status()
    if hashlib.sha256(response.content).hexdigest() != sha256:
        raise PhotoUnavailable("intake served a photo other than the one submitted")
    return response.content
