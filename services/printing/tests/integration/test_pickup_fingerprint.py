"""The fingerprint at the pickup desk: printing asks biometrics to verify one finger 1:1 against the holder's
enrolment, with the officer's own token, keeps the result with the card (position, decision, score; never the
image) and lets a card whose fingerprint failed go only with the officer's recorded reason.

Biometrics cannot be imported here (a service never imports another), so `biometrics` is a small HTTP server
speaking biometrics' documented ``POST /v1/enrolments/<id>/verify``: multipart finger_<position>, a bearer token,
and the decision as biometrics answers it. The real matcher's decisions are tested in biometrics' own tests."""
from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from printing import audit

from .test_pickup import handover, ready_card

MATCH = {"match": True, "fmr": 3.2e-9, "target_fmr": 1e-4, "evidence": 8.49, "fingers_compared": [2]}
NO_MATCH = {"match": False, "fmr": 0.21, "target_fmr": 1e-4, "evidence": 0.68, "fingers_compared": [2]}
FINGER = b"\x89PNG\r\n\x1a\n finger image bytes"


class BiometricsVerify:
    """``POST /v1/enrolments/<id>/verify`` over real HTTP: answers ``answer`` (status, body) to a request with a
    bearer token and finger files, and keeps what it was sent."""

    def __init__(self):
        self.answer: tuple[int, dict[str, Any]] = (200, MATCH)
        self.received: list[dict[str, Any]] = []
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def _app(self, environ: dict, start_response: Any) -> Any:
        request = Request(environ)
        self.received.append({"path": request.path, "authorization": request.headers.get("Authorization"),
                              "files": {name: f.read() for name, f in request.files.items()}})
        status, body = self.answer if request.headers.get("Authorization", "").startswith("Bearer ") else \
            (401, {"code": "unauthenticated", "message": "a bearer token is required", "errors": []})
        return Response(json.dumps(body), status=status, mimetype="application/json")(environ, start_response)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()  # refused from now on, as a stopped service is


@pytest.fixture
def biometrics() -> Iterator[BiometricsVerify]:
    server = BiometricsVerify()
    yield server
    server.close()


@pytest.fixture
def desk(world_factory, biometrics):
    created = world_factory(biometrics_url=biometrics.url)
    created.stock(created.office["code"], "3273-2026-000001", 20)
    return created


def verify(world, application_id: str, files: dict[str, bytes] | None = None):
    data = {name: (io.BytesIO(image), f"{name}.png") for name, image in (files or {"finger_2": FINGER}).items()}
    return world.client.post(f"/v1/cards/{application_id}/fingerprint", data=data, content_type="multipart/form-data",
                             headers=world.token())


def test_a_finger_verified_at_the_desk_is_kept_with_the_handover(desk, biometrics):
    application_id, _ = ready_card(desk)
    checked = verify(desk, application_id)
    assert checked.status_code == 201, checked.json
    assert (checked.json["position"], checked.json["match"], checked.json["evidence"]) == (2, True, 8.49)
    sent, = biometrics.received
    assert sent["path"] == f"/v1/enrolments/{application_id}/verify"
    assert sent["authorization"] == desk.token()["Authorization"], "biometrics decides with the officer's own token"
    assert sent["files"] == {"finger_2": FINGER}

    handed = handover(desk, application_id)
    assert handed.status_code == 200, handed.json
    card = desk.card(application_id)
    assert (card["state"], card["fingerprint"], card["fingerprint_override"]) == ("COLLECTED", "verified", None)
    kept, = card["fingerprint_checks"]
    assert (kept["position"], kept["match"], kept["evidence"], kept["checked_by"]) == (2, True, 8.49, "operator-7")
    with desk.runtime.uow() as uow:
        entry = next(e for e in audit.of(uow, application_id) if e.action == "handover")
        assert entry.details["fingerprint"] == "verified"


def test_a_failed_fingerprint_refuses_the_handover_until_the_officer_records_why(desk, biometrics):
    application_id, _ = ready_card(desk)
    biometrics.answer = (200, NO_MATCH)
    checked = verify(desk, application_id)
    assert checked.status_code == 201 and checked.json["match"] is False

    refused = handover(desk, application_id)
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "fingerprint_override"
    assert desk.card(application_id)["state"] == "READY_FOR_PICKUP"
    too_short = handover(desk, application_id, fingerprint_override="luka")
    assert too_short.status_code == 422 and too_short.json["errors"][0]["field"] == "fingerprint_override"

    reason = "Jari telunjuk kanan terluka; wajah dan KK lama dicocokkan"
    handed = handover(desk, application_id, fingerprint_override=reason)
    assert handed.status_code == 200, handed.json
    card = desk.card(application_id)
    assert (card["fingerprint"], card["fingerprint_override"]) == ("overridden", reason)
    assert [c["match"] for c in card["fingerprint_checks"]] == [False]


def test_a_second_finger_that_matches_verifies_and_a_card_handed_over_unchecked_says_so(desk, biometrics):
    application_id, _ = ready_card(desk)
    biometrics.answer = (200, NO_MATCH)
    verify(desk, application_id)
    biometrics.answer = (200, {**MATCH, "fingers_compared": [7]})
    assert verify(desk, application_id, {"finger_7": FINGER}).status_code == 201
    assert handover(desk, application_id).status_code == 200
    card = desk.card(application_id)
    assert card["fingerprint"] == "verified"
    assert [(c["position"], c["match"]) for c in card["fingerprint_checks"]] == [(2, False), (7, True)]

    unchecked, _ = ready_card(desk, nik="3273015507900011")
    assert desk.post(f"/v1/cards/{unchecked}/handover", {"receipt_number": f"KTP-{unchecked[:6].upper()}",
                                                          "nik": "3273015507900011"}).status_code == 200
    assert desk.card(unchecked)["fingerprint"] == "not_checked"


def test_biometrics_refusals_are_passed_on_naming_the_field_and_an_outage_is_a_503(desk, biometrics):
    application_id, _ = ready_card(desk)
    biometrics.answer = (422, {"code": "finger_not_enrolled", "message": "finger_5 was not enrolled; compare "
                                                                         "enrolled fingers (finger_2, finger_7)",
                               "errors": [{"field": "finger_5", "location": "files", "message": "..."}]})
    refused = verify(desk, application_id, {"finger_5": FINGER})
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "finger_5"
    assert "finger_2, finger_7" in refused.json["message"]

    two = verify(desk, application_id, {"finger_2": FINGER, "finger_7": FINGER})
    assert two.status_code == 422 and two.json["errors"][0]["field"] == "finger_2"
    unknown = verify(desk, application_id, {"thumb": FINGER})
    assert unknown.status_code == 422 and unknown.json["errors"][0]["field"] == "thumb"
    empty = verify(desk, application_id, {"finger_2": b""})
    assert empty.status_code == 422 and empty.json["errors"][0]["field"] == "finger_2"

    biometrics.close()
    down = verify(desk, application_id)
    assert down.status_code == 503 and down.headers["Retry-After"]
    assert desk.card(application_id)["fingerprint_checks"] == [], "nothing kept of checks that did not happen"
    assert handover(desk, application_id).status_code == 200, "no check, no hold"


def test_a_card_not_ready_for_pickup_is_not_verified(desk, biometrics):
    application_id = desk.new_card()  # not printed yet
    refused = verify(desk, application_id)
    assert refused.status_code == 409 and refused.json["errors"][0]["field"] == "application_id"
    assert biometrics.received == []
