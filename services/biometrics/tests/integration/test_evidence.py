"""What officers judge by eye: the capture desk sees each finger's quality and the images it captured, the face
review the live face beside the application's photo, and the adjudicator a suspected duplicate finger by finger
with both people's images. Every look is in the audit log."""
from __future__ import annotations

from ..conftest import BIDEN, OBAMA, fixture

PNG, JPEG = b"\x89PNG", b"\xff\xd8"


def test_the_capture_desk_sees_each_finger_s_quality_and_the_images_it_captured(service):
    application_id = service.apply(OBAMA)
    assert service.capture(application_id, OBAMA).status_code == 202
    quality = service.enrolment(application_id)["finger_quality"]
    assert set(quality) == {"finger_2", "finger_7"} and all(0 <= q <= 100 for q in quality.values())
    face = service.client.get(f"/v1/enrolments/{application_id}/images/face", headers=service.operator)
    assert face.status_code == 200 and face.data == fixture(OBAMA.face) and face.mimetype == "image/jpeg"
    assert face.headers["Cache-Control"] == "no-store"
    finger = service.client.get(f"/v1/enrolments/{application_id}/images/finger_7", headers=service.operator)
    assert finger.data.startswith(PNG) and finger.mimetype == "image/png"
    photo = service.client.get(f"/v1/enrolments/{application_id}/images/photo", headers=service.operator)
    assert photo.status_code == 200 and photo.data == fixture(OBAMA.photo), "the application's photo, from intake"
    missing = service.client.get(f"/v1/enrolments/{application_id}/images/finger_1", headers=service.operator)
    assert missing.status_code == 404 and missing.get_json()["errors"][0]["field"] == "name"
    unknown = service.client.get(f"/v1/enrolments/{application_id}/images/passport", headers=service.operator)
    assert unknown.status_code == 404 and "finger_10" in unknown.get_json()["message"]
    supervisor = service.token("sri", "supervisor")
    actions = [e["action"] for e in service.client.get(f"/v1/enrolments/{application_id}/audit",
                                                        headers=supervisor).get_json()["entries"]]
    assert actions.count("image.read") == 3


def test_the_adjudicator_compares_a_suspected_duplicate_finger_by_finger_with_both_people_s_images(service):
    first = service.capture_and_decide(OBAMA, impression=1)
    stranger = service.capture_and_decide(BIDEN)
    again = service.capture_and_decide(OBAMA, impression=2)
    adjudicator = service.token("adi", "biometric_adjudicator")
    compared = service.client.get(f"/v1/enrolments/{again}/candidates/{first}", headers=adjudicator)
    assert compared.status_code == 200, compared.get_json()
    body = compared.get_json()
    assert [f["position"] for f in body["finger_scores"]] == [2, 7]
    assert body["evidence"] > 0 and body["score"] == service.enrolment(again)["candidates"][0]["score"]
    image = service.client.get(f"/v1/enrolments/{again}/candidates/{first}/images/finger_2", headers=adjudicator)
    assert image.status_code == 200 and image.data == OBAMA.fingers(1)[2], "the candidate's own capture"
    face = service.client.get(f"/v1/enrolments/{again}/candidates/{first}/images/face", headers=adjudicator)
    assert face.data.startswith(JPEG)
    refused = service.client.get(f"/v1/enrolments/{again}/candidates/{stranger}/images/face", headers=adjudicator)
    assert refused.status_code == 404 and refused.get_json()["errors"][0]["field"] == "candidate_id", \
        "only a candidate of the enrolment is shown through it"
