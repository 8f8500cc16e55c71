"""1:1 with real images: the live face against the photo uploaded at intake (fetched by a short-lived
link), and fingerprint verification for later identity checks, each decided at the configured FMR. A
face that does not verify is never accepted silently: it waits for an officer."""
from __future__ import annotations

import io

from ..conftest import BIDEN, HARINGTON, OBAMA, Person, fixture

IMPOSTOR = Person(OBAMA.face, BIDEN.photo, OBAMA.finger)  # Obama at the counter, Biden's photo on the application


def test_the_live_face_is_checked_against_the_application_photo_by_a_short_lived_link(service):
    application_id = service.capture_and_decide(OBAMA)
    fetched, = service.intake.requests
    assert fetched.startswith("/v1/documents/")
    check = service.enrolment(application_id)["face_check"]
    assert check["result"] == "match" and check["target_fmr"] == service.runtime.settings.face_target_fmr
    assert check["fmr"] <= check["target_fmr"]


def test_another_persons_face_waits_for_an_officer_and_is_not_enrolled(service):
    application_id = service.capture_and_decide(IMPOSTOR)
    view = service.enrolment(application_id)
    assert view["state"] == "FACE_REVIEW"
    assert view["face_check"]["result"] == "no_match"
    assert view["face_check"]["fmr"] > service.runtime.settings.face_target_fmr
    mismatch, = service.emitted("biometrics.face_mismatch.v1")
    assert (mismatch["application_id"], mismatch["result"]) == (application_id, "no_match")
    assert service.emitted("biometrics.enrolled.v1") == [] and len(service.runtime.context.abis.gallery) == 0
    adjudicator = service.token("eka", "biometric_adjudicator")
    queue = service.client.get("/v1/enrolments", query_string={"state": "FACE_REVIEW"}, headers=adjudicator)
    assert [e["application_id"] for e in queue.get_json()] == [application_id]


def test_an_officer_who_confirms_the_person_lets_the_search_run_on_the_record(service):
    application_id = service.capture_and_decide(IMPOSTOR)
    adjudicator = service.token("eka", "biometric_adjudicator")
    url = f"/v1/enrolments/{application_id}/face-review"
    silent = service.client.post(url, json={"decision": "same_person"}, headers=adjudicator)
    assert silent.status_code == 422 and silent.get_json()["errors"][0]["field"] == "note"
    assert service.client.post(url, json={"decision": "same_person", "note": "x"},
                               headers=service.operator).status_code == 403, "the operator cannot override"
    confirmed = service.client.post(url, json={"decision": "same_person", "note": "KK and old KTP checked; new "
                                                                               "glasses"}, headers=adjudicator)
    assert confirmed.status_code == 200, confirmed.get_json()
    assert confirmed.get_json()["face_check"]["review"]["officer"] == "eka"
    assert all(d.outcome.value == "handled" for d in service.work())
    assert service.enrolment(application_id)["state"] == "ENROLLED"
    assert len(service.emitted("biometrics.enrolled.v1")) == 1
    assert len(service.intake.requests) == 1, "the face was compared once; the review does not re-run it"
    again = service.client.post(url, json={"decision": "recapture"}, headers=adjudicator)
    assert again.status_code == 409 and again.get_json()["state"] == "ENROLLED"


def test_a_recapture_ordered_by_the_officer_is_taken_and_checked_again(service):
    application_id = service.capture_and_decide(IMPOSTOR)
    adjudicator = service.token("eka", "biometric_adjudicator")
    ordered = service.client.post(f"/v1/enrolments/{application_id}/face-review", json={"decision": "recapture"},
                                  headers=adjudicator)
    assert ordered.get_json()["state"] == "AWAITING_CAPTURE"
    assert service.capture(application_id, IMPOSTOR, face=fixture(BIDEN.face)).status_code == 202
    service.work()
    view = service.enrolment(application_id)
    assert (view["state"], view["face_check"]["result"]) == ("ENROLLED", "match")


def test_a_photo_without_a_usable_face_gone_or_not_the_one_submitted_is_flagged(service):
    reasons = {}
    no_face = service.capture_and_decide(Person(OBAMA.face, "not_a_finger_landscape.jpg", OBAMA.finger))
    reasons["no face"] = service.enrolment(no_face)

    swapped = service.apply(BIDEN)
    document_id = next(reversed(service.intake.documents))
    service.intake.documents[document_id] = fixture(OBAMA.photo)
    service.capture(swapped, BIDEN)
    service.work()
    reasons["swapped"] = service.enrolment(swapped)

    gone = service.apply(HARINGTON)
    service.intake.documents.clear()
    service.capture(gone, HARINGTON)
    service.work()
    reasons["gone"] = service.enrolment(gone)

    assert {k: (v["state"], v["face_check"]["result"]) for k, v in reasons.items()} == {
        k: ("FACE_REVIEW", "photo_unusable") for k in reasons}
    assert reasons["no face"]["face_check"]["reason"] == "the application's photo: No face was found in the photo."
    assert reasons["swapped"]["face_check"]["reason"] == "intake served a photo other than the one submitted"
    assert reasons["gone"]["face_check"]["reason"] == "intake no longer has the application's photo"
    assert service.emitted("biometrics.enrolled.v1") == []


def test_an_application_without_a_photo_is_searched_with_the_gap_on_record(service):
    application_id = service.capture_and_decide(HARINGTON, photo=False)
    view = service.enrolment(application_id)
    assert (view["state"], view["face_check"]["result"]) == ("ENROLLED", "no_photo")
    assert service.intake.requests == []


def test_while_intake_cannot_answer_the_capture_waits_and_is_retried(service):
    application_id = service.apply(OBAMA)
    service.capture(application_id, OBAMA)
    service.intake.down = True
    decision, = service.work()
    assert decision.outcome.value == "failed" and "HTTPError" in decision.reason
    assert service.enrolment(application_id)["state"] == "IDENTIFYING"
    service.intake.down = False
    envelope = next(e for e in service.outbox() if e["type"].endswith("identify_requested.v1"))
    assert service.dispatch(envelope).outcome.value == "handled", "the retry"
    assert service.enrolment(application_id)["state"] == "ENROLLED"


def verify(service, application_id: str, fingers: dict[int, bytes], role: str = "print_operator"):
    files = {f"finger_{p}": (io.BytesIO(image), f"finger_{p}.png") for p, image in fingers.items()}
    return service.client.post(f"/v1/enrolments/{application_id}/verify", data=files,
                               content_type="multipart/form-data", headers=service.token("ina", role))


def test_fingerprint_verification_accepts_the_enrolled_person_and_refuses_another(service):
    application_id = service.capture_and_decide(OBAMA, impression=1)
    target = service.runtime.settings.finger_target_fmr
    genuine = verify(service, application_id, OBAMA.fingers(impression=2))
    assert genuine.status_code == 200, genuine.get_json()
    assert genuine.get_json()["match"] and genuine.get_json()["fmr"] <= target
    assert genuine.get_json()["fingers_compared"] == [2, 7]
    one_finger = verify(service, application_id, {7: OBAMA.fingers(impression=2)[7]})
    assert one_finger.get_json()["match"] and one_finger.get_json()["fingers_compared"] == [7]
    impostor = verify(service, application_id, BIDEN.fingers(impression=2))
    assert not impostor.get_json()["match"] and impostor.get_json()["fmr"] > target
    metrics = service.client.get("/metrics").get_data(as_text=True)
    assert 'ektp_biometric_verifications_total{kind="fingers",outcome="no_match"}' in metrics


def test_fingerprint_verification_needs_an_enrolled_finger_and_a_good_image(service):
    application_id = service.apply(OBAMA)
    assert verify(service, application_id, OBAMA.fingers()).status_code == 409, "not enrolled yet"
    service.capture(application_id, OBAMA)
    service.work()
    absent = verify(service, application_id, {3: OBAMA.fingers()[2]})
    assert absent.status_code == 422 and absent.get_json()["errors"][0]["field"] == "finger_3"
    bad = verify(service, application_id, {2: fixture("not_a_finger_face.jpeg")})
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "finger_2"
    assert verify(service, application_id, OBAMA.fingers(), role="verifier").status_code == 403
