"""Capture at the office through the HTTP API, with real images: what passes the quality gate is stored
encrypted and handed to the matcher; what does not is refused, naming the finger or face to retake."""
from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, UnidentifiedImageError
from sqlalchemy import select, text

from biometrics.models import Template
from ektp_shared.crypto import MAGIC
from ektp_shared.face_detection import detect_faces

from ..conftest import OBAMA, blank_png, fixture


def test_a_capture_that_passes_quality_is_accepted_and_kept_encrypted(service):
    application_id = service.apply(OBAMA)
    response = service.capture(application_id, OBAMA)
    assert response.status_code == 202, response.get_json()
    body = response.get_json()
    assert (body["state"], body["fingers"], body["face_check"]) == ("IDENTIFYING", [2, 7], None)
    request, = service.emitted("biometrics.identify_requested.v1")
    assert request["application_id"] == application_id

    with service.runtime.engine.connect() as connection:
        rows = connection.execute(text("SELECT modality, position, data FROM templates ORDER BY position")).all()
    assert [(r.modality, r.position) for r in rows] == [("face", 0), ("finger", 2), ("finger", 7)]
    for row in rows:
        raw = bytes(row.data)
        assert raw.startswith(MAGIC), "templates are encrypted at rest"
        assert b"FMR\x00" not in raw and b"EKF1" not in raw, "no ISO/IEC 19794-2 or face template in the clear"

    root = service.runtime.objects.backend.root
    objects = sorted(p for p in root.rglob("*") if p.is_file())
    assert sorted(p.name for p in objects) == ["face", "finger_2", "finger_7"]
    for path in objects:
        raw = path.read_bytes()
        assert raw.startswith(MAGIC) and b"JFIF" not in raw and b"PNG" not in raw[:16]
        with pytest.raises(UnidentifiedImageError):
            Image.open(io.BytesIO(raw))
    face_key = next(str(p.relative_to(root)) for p in objects if p.name == "face")
    assert service.runtime.objects.get(face_key) == fixture(OBAMA.face), "kept for re-extraction, decryptable"


@pytest.mark.parametrize("images, field, code", [
    ({"finger_2": fixture("not_a_finger_face.jpeg")}, "finger_2", "finger_too_few_minutiae"),
    ({"finger_7": blank_png()}, "finger_7", "finger_blank"),
    ({"face": fixture("two_people.jpg")}, "face", "face_multiple"),
    ({"face": fixture("tiny_face_240p.jpg")}, "face", "face_too_small"),
], ids=["not-a-fingerprint", "blank", "two-faces", "tiny-face"])
def test_a_capture_that_fails_quality_names_what_to_retake_and_why(service, images, field, code):
    application_id = service.apply(OBAMA)
    fingers = OBAMA.fingers()
    fingers.update({int(name.removeprefix("finger_")): image for name, image in images.items() if name != "face"})
    response = service.capture(application_id, OBAMA, face=images.get("face"), fingers=fingers)
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "recapture_required"
    assert {e["field"] for e in body["errors"]} == {field}, "only the bad image is named"
    assert code in [e["code"] for e in body["errors"]]
    named = {"finger_2": "right index", "finger_7": "left index", "face": "face"}[field]
    assert all(named in e["message"].lower() for e in body["errors"])
    assert service.enrolment(application_id)["state"] == "AWAITING_CAPTURE", "nothing was accepted"
    assert service.emitted("biometrics.identify_requested.v1") == []
    metrics = service.client.get("/metrics").get_data(as_text=True)
    assert f'ektp_biometric_capture_rejections_total{{reason="{code}"}}' in metrics


def test_every_bad_image_of_a_capture_is_named_at_once(service):
    application_id = service.apply(OBAMA)
    response = service.capture(application_id, OBAMA, face=fixture("two_people.jpg"),
                               fingers={2: blank_png(), 7: fixture("not_a_finger_landscape.jpg")})
    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} == {"face", "finger_2", "finger_7"}


def test_a_capture_is_taken_once(service):
    application_id = service.apply(OBAMA)
    assert service.capture(application_id, OBAMA).status_code == 202
    again = service.capture(application_id, OBAMA)
    assert again.status_code == 409
    assert again.get_json()["state"] == "IDENTIFYING" and again.get_json()["errors"][0]["field"] == "application_id"
    assert len(service.emitted("biometrics.identify_requested.v1")) == 1


def test_a_capture_needs_an_approved_application_a_face_and_enough_fingers(service):
    unknown = service.capture("8d5e3c4b-2a19-4f08-9e7d-6c5b4a392817", OBAMA)
    assert unknown.status_code == 404 and unknown.get_json()["errors"][0]["field"] == "application_id"
    application_id = service.apply(OBAMA)
    one_finger = service.capture(application_id, OBAMA, fingers={2: OBAMA.fingers()[2]})
    assert one_finger.status_code == 422 and one_finger.get_json()["errors"][0]["field"] == "finger_1"
    no_face = service.client.post(f"/v1/enrolments/{application_id}/capture", content_type="multipart/form-data",
                                  data={"finger_2": (io.BytesIO(b"x"), "f.png")}, headers=service.operator)
    assert no_face.status_code == 422 and no_face.get_json()["errors"][0]["field"] == "face"
    verifier = service.token("ana", "verifier")
    assert service.client.post(f"/v1/enrolments/{application_id}/capture", headers=verifier).status_code == 403


def test_a_pool_of_extraction_processes_gives_the_same_verdicts_and_templates(make_biometrics):
    pooled, inline = make_biometrics(extract_processes=2), make_biometrics()
    references = []
    for service in (pooled, inline):
        application_id = service.apply(OBAMA)
        assert service.capture(application_id, OBAMA).status_code == 202
        references.append(service.emitted("biometrics.identify_requested.v1", application_id)[0]["reference_id"])
    with pooled.runtime.uow() as uow:
        stored = [sorted((t.position, t.data) for t in uow.session.scalars(
            select(Template).where(Template.reference_id == reference))) for reference in references]
    assert stored[0] == stored[1] and len(stored[0]) == 3

    refused = pooled.capture(pooled.apply(OBAMA), OBAMA, fingers={2: OBAMA.fingers()[2], 7: blank_png()})
    assert refused.status_code == 422
    assert [(e["field"], e["code"]) for e in refused.get_json()["errors"]] == [("finger_7", "finger_blank")]


def test_the_card_portrait_is_a_token_image_with_the_eyes_where_iso_19794_5_puts_them(service):
    application_id = service.apply(OBAMA)
    assert service.capture(application_id, OBAMA).status_code == 202
    path = f"/v1/enrolments/{application_id}/portrait"
    assert service.client.get(path).status_code == 403, "only with a signed link"
    response = service.client.get(service.runtime.links.sign(path, ttl_seconds=60))
    assert response.status_code == 200 and response.mimetype == "image/png"
    token = Image.open(io.BytesIO(response.data)).convert("RGB")
    assert token.size == (480, 640)  # 3:4, the card's photo box
    [face] = detect_faces(np.asarray(token))  # found again, as a reader of the card would
    left, right = sorted((face.landmarks[0], face.landmarks[1]), key=lambda eye: eye[0])
    middle, apart = (left + right) / 2, right - left
    # Within what a second detection of the same face moves its landmarks by (a few pixels at this size):
    assert abs(middle[0] - 240) < 8 and abs(middle[1] - 288) < 8, middle  # (0.5 W, 0.6 W)
    assert abs(apart[0] - 120) < 8, apart  # 0.25 W apart
    assert abs(np.degrees(np.arctan2(apart[1], apart[0]))) < 3, apart  # level
