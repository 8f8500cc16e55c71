"""The holder's face for the card, from the biometrics service by a short-lived signed link."""
from __future__ import annotations

import requests

from ektp_shared.links import LinkSigner

PORTRAIT_PATH = "/v1/enrolments/{application_id}/portrait"


class PortraitUnavailable(RuntimeError):
    pass


def fetch_portrait(biometrics_url: str, links: LinkSigner, application_id: str, timeout: float = 10) -> bytes:
    path = PORTRAIT_PATH.format(application_id=application_id)
    response = requests.get(biometrics_url.rstrip("/") + links.sign(path, ttl_seconds=60), timeout=timeout)
    if response.status_code != 200:
        raise PortraitUnavailable(f"biometrics answered {response.status_code} for the portrait")
    return response.content
