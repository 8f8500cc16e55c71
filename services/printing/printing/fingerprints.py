"""Biometrics' 1:1 fingerprint verification, as the pickup desk asks it: one finger of the person collecting
against the holder's enrolment (``POST /v1/enrolments/<id>/verify``), with the officer's own token, so
biometrics' roles and office boundary decide as they do for any officer. The image passes through; printing
keeps the result only (pickups.record_fingerprint)."""
from __future__ import annotations

import dataclasses
from typing import Any

import requests

from ektp_shared.refusal import Refused, Why

VERIFY_PATH = "/v1/enrolments/{application_id}/verify"
TIMEOUT_SECONDS = 30  # extraction and matching of one finger take about a second; a loaded matcher longer


class BiometricsUnavailable(RuntimeError):
    """Biometrics did not answer, or failed: the check can be tried again."""


@dataclasses.dataclass(frozen=True)
class Verified:
    match: bool
    evidence: float
    fmr: float
    target_fmr: float


def verify(biometrics_url: str, authorization: str, application_id: str, position: int, image: bytes,
           filename: str) -> Verified:
    """Biometrics' 1:1 decision on one finger. Its refusals of the request (a finger not enrolled, an image
    that is no fingerprint, another office's card) are passed on as they are (``Refused``)."""
    url = biometrics_url.rstrip("/") + VERIFY_PATH.format(application_id=application_id)
    try:
        response = requests.post(url, headers={"Authorization": authorization}, timeout=TIMEOUT_SECONDS,
                                 files={f"finger_{position}": (filename, image, "application/octet-stream")})
    except requests.RequestException as exc:
        raise BiometricsUnavailable(f"biometrics did not answer: {type(exc).__name__}") from exc
    if response.status_code == 200:
        body = response.json()
        return Verified(bool(body["match"]), float(body["evidence"]), float(body["fmr"]), float(body["target_fmr"]))
    if response.status_code in (401, 403, 404, 409, 422):
        raise _refusal(response)
    raise BiometricsUnavailable(f"biometrics answered {response.status_code}")


def _refusal(response: requests.Response) -> Refused:
    try:
        body: dict[str, Any] = response.json()
    except ValueError:
        body = {}
    error = next(iter(body.get("errors") or []), {})
    why = {401: Why.UNAUTHENTICATED, 403: Why.FORBIDDEN, 404: Why.CONFLICT, 409: Why.CONFLICT}.get(response.status_code,
                                                                                                   Why.INVALID)
    message = body.get("message") or f"biometrics refused the fingerprint ({response.status_code})"
    return Refused(body.get("code") or "fingerprint_refused", f"biometrics: {message}",
                   field=error.get("field") or "application_id", location=error.get("location") or "files", why=why)
