"""The holder's face for the card, from the biometrics service by a short-lived signed link; for a child's card
(KIA), which has no capture, the photo uploaded with the application, from intake likewise.

Printing keeps a copy in its own object store (encrypted) from the first print until the card is
collected, so a reprint does not depend on biometrics being up; the copy is deleted at the handover.
"""
from __future__ import annotations

import hashlib

import requests

from ektp_shared.links import LinkSigner
from ektp_shared.objects import ObjectNotFound, ObjectStore

PORTRAIT_PATH = "/v1/enrolments/{application_id}/portrait"


class PortraitUnavailable(RuntimeError):
    pass


def _signed_get(service: str, base_url: str, links: LinkSigner, path: str, what: str, timeout: float) -> bytes:
    try:
        response = requests.get(base_url.rstrip("/") + links.sign(path, ttl_seconds=60), timeout=timeout)
    except requests.RequestException as exc:
        raise PortraitUnavailable(f"{service} did not answer: {type(exc).__name__}") from exc
    if response.status_code != 200:
        raise PortraitUnavailable(f"{service} answered {response.status_code} for the {what}")
    return response.content


def fetch_portrait(biometrics_url: str, links: LinkSigner, application_id: str, timeout: float = 10) -> bytes:
    path = PORTRAIT_PATH.format(application_id=application_id)
    return _signed_get("biometrics", biometrics_url, links, path, "portrait", timeout)


def fetch_photo(intake_url: str, links: LinkSigner, photo: dict, timeout: float = 10) -> bytes:
    """The application's photo (a document reference: id and SHA-256) from intake, checked against its digest."""
    content = _signed_get("intake", intake_url, links, f"/v1/documents/{photo['document_id']}", "photo", timeout)
    if hashlib.sha256(content).hexdigest() != photo["sha256"]:
        raise PortraitUnavailable("intake served a photo other than the one verified")
    return content


def key(application_id: str) -> str:
    return f"portraits/{application_id}"


class Portraits:
    """The holder's face: printing's own copy, else biometrics' (a KIA: intake's photo), then kept."""

    def __init__(self, objects: ObjectStore, biometrics_url: str, links: LinkSigner, intake_url: str = "",
                 intake_links: LinkSigner | None = None):
        self.objects = objects
        self.biometrics_url = biometrics_url
        self.links = links
        self.intake_url = intake_url
        self.intake_links = intake_links

    def of(self, application_id: str, photo: dict | None = None) -> bytes:
        """The capture's token portrait, or with ``photo`` (a KIA) that uploaded photo. Raises PortraitUnavailable
        while the service that has it cannot give it."""
        try:
            return self.objects.get(key(application_id))
        except ObjectNotFound:
            pass
        if photo is not None:
            portrait = fetch_photo(self.intake_url, self.intake_links, photo)
        else:
            portrait = fetch_portrait(self.biometrics_url, self.links, application_id)
        self.keep(application_id, portrait)
        return portrait

    def keep(self, application_id: str, portrait: bytes) -> None:
        self.objects.put(key(application_id), portrait, "application/octet-stream")

    def forget(self, application_id: str) -> None:
        """Once the card is out, the copy is no longer needed."""
        self.objects.delete(key(application_id))
