"""A suspected biometric duplicate decided both ways, and operators pausing, resuming and retrying an
application — through the HTTP API and real events."""
from __future__ import annotations

import csv
import datetime as dt
import os
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest

from ektp_shared.contracts.biometrics import BIOMETRICS_ENROLLED, DUPLICATE_SUSPECTED
from ektp_shared.contracts.intake import APPLICATION_RESUBMITTED
from ektp_shared.links import LinkSigner
from verification.rules.registry import COLUMNS


def approve(service, token, data) -> dict:
    case = service.case_of(data["application_id"], token)
    service.claim(case["id"], token)
    return service.client.post(f"/v1/cases/{case['id']}/decision", headers=token, json={"decision": "approve"}).get_json()


@pytest.fixture
def suspected(service, people, make_submission):
    return suspect(service, people, make_submission)


def suspect(service, people, make_submission):
    """Two approved applications; the second's capture matches the first's enrolment."""
    ana = service.token("ana", "verifier")
    earlier, later = (service.submit(make_submission(p)) for p in people[:2])
    approve(service, ana, earlier)
    case = approve(service, ana, later)
    reference, candidate = str(uuid.uuid4()), str(uuid.uuid4())
    service.deliver(DUPLICATE_SUSPECTED, {"application_id": later["application_id"], "reference_id": reference,
                                          "candidates": [{"reference_id": candidate, "score": 0.93,
                                                          "application_id": earlier["application_id"]}]})
    return case, earlier, later, reference, candidate


def test_a_suspected_duplicate_waits_for_an_adjudicator_with_both_records_side_by_side(service, suspected):
    case, earlier, later, reference, candidate = suspected
    adjudicator = service.token("eka", "biometric_adjudicator")
    queue = service.client.get("/v1/cases", query_string={"state": "ADJUDICATION"}, headers=adjudicator).get_json()
    assert [c["id"] for c in queue] == [case["id"]]
    view = service.client.get(f"/v1/cases/{case['id']}/adjudication", headers=adjudicator).get_json()
    assert view["reference_id"] == reference
    assert view["applicant"]["applicant"]["nik"] == later["applicant"]["nik"]
    other, = view["candidates"]
    assert (other["reference_id"], other["score"]) == (candidate, 0.93)
    assert other["applicant"]["nik"] == earlier["applicant"]["nik"], "the candidate's data from its own case"
    face = urlsplit(other["face_url"])
    assert (face.netloc, face.path) == ("127.0.0.1:8003", f"/v1/enrolments/{earlier['application_id']}/portrait")
    expires = int(parse_qs(face.query)["expires"][0])
    biometrics_links = LinkSigner(service.runtime.settings.biometrics_link_secret)
    assert biometrics_links.verify(face.path, str(expires), parse_qs(face.query)["signature"][0])
    assert expires - dt.datetime.now(dt.timezone.utc).timestamp() <= 300, "a short-lived link"
    verifier = service.token("ana", "verifier")
    assert service.client.get(f"/v1/cases/{case['id']}/adjudication", headers=verifier).status_code == 403



def test_each_link_is_signed_with_the_key_of_the_service_that_serves_it(make_verification, people, make_submission):
    """Intake's documents and biometrics' face images have a key each: a leaked portrait key forges no document link."""
    service = make_verification(intake_link_secret="i" * 40, biometrics_link_secret="b" * 40)
    case, *_ = suspect(service, people, make_submission)
    adjudicator = service.token("eka", "biometric_adjudicator")
    face = urlsplit(service.client.get(f"/v1/cases/{case['id']}/adjudication", headers=adjudicator)
                    .get_json()["candidates"][0]["face_url"])
    document = urlsplit(service.client.get(f"/v1/cases/{case['id']}", headers=adjudicator).get_json()["documents"][0]["url"])
    intake, biometrics = LinkSigner("i" * 40), LinkSigner("b" * 40)
    for url, right, wrong in ((face, biometrics, intake), (document, intake, biometrics)):
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        assert right.verify(url.path, query["expires"], query["signature"]), url.path
        assert not wrong.verify(url.path, query["expires"], query["signature"]), url.path

def test_different_people_continue_to_enrolment(service, suspected):
    case, _, later, reference, candidate = suspected
    adjudicator = service.token("eka", "biometric_adjudicator")
    service.claim(case["id"], adjudicator)
    decided = service.client.post(f"/v1/cases/{case['id']}/adjudication", headers=adjudicator,
                                  json={"decision": "distinct", "note": "Kembar; sidik jari berbeda."})
    assert decided.get_json()["state"] == "APPROVED"
    event, = service.emitted("adjudication.decided.v1")
    assert (event["decision"], event["reference_id"], event["candidates"], event["adjudicator"]) == (
        "distinct", reference, [candidate], "eka")
    assert service.emitted("application.rejected.v1") == []
    service.deliver(BIOMETRICS_ENROLLED, {"application_id": later["application_id"], "reference_id": reference,
                                          "enrolled_at": dt.datetime.now(dt.timezone.utc), "fingers_enrolled": 2})
    assert service.case_of(later["application_id"], adjudicator)["state"] == "ENROLLED"


def test_the_same_person_is_rejected_as_a_duplicate(service, suspected):
    case, _, later, reference, _ = suspected
    adjudicator = service.token("eka", "biometric_adjudicator")
    service.claim(case["id"], adjudicator)
    silent = service.client.post(f"/v1/cases/{case['id']}/adjudication", headers=adjudicator,
                                 json={"decision": "duplicate"})
    assert silent.status_code == 422 and silent.get_json()["errors"][0]["field"] == "message"
    decided = service.client.post(f"/v1/cases/{case['id']}/adjudication", headers=adjudicator, json={
        "decision": "duplicate", "message": "Anda sudah terdaftar dengan NIK lain; datang ke kantor Disdukcapil."})
    assert decided.get_json()["state"] == "REJECTED"
    assert service.emitted("adjudication.decided.v1")[0]["decision"] == "duplicate"
    rejected, = service.emitted("application.rejected.v1")
    assert (rejected["application_id"], rejected["reason_code"]) == (later["application_id"], "duplicate_identity")


def test_a_paused_case_cannot_be_worked_and_resumes_where_events_took_it(service, people, make_submission):
    admin, ana = service.token("root", "admin"), service.token("ana", "verifier")
    data = service.submit()
    case_id = service.case_of(data["application_id"], ana)["id"]
    service.claim(case_id, ana)
    service.client.post(f"/v1/cases/{case_id}/decision", headers=ana, json={
        "decision": "request_correction", "reason_code": "data_mismatch", "message": "Perbaiki nama.",
        "corrections": [{"field": "applicant.full_name", "message": "Sesuai KK."}]})
    assert service.client.post(f"/v1/admin/cases/{case_id}/pause", headers=ana, json={"reason": "x"}).status_code == 403
    paused = service.client.post(f"/v1/admin/cases/{case_id}/pause", headers=admin,
                                 json={"reason": "Pengaduan dugaan pemalsuan."})
    assert paused.get_json() == {"case_id": case_id, "state": "PAUSED", "resume_state": "CORRECTION_REQUESTED"}

    service.deliver(APPLICATION_RESUBMITTED, {**data, "round": 1, "submitted_at": dt.datetime.now(dt.timezone.utc)})
    case = service.case_of(data["application_id"], ana)
    assert (case["state"], case["resume_state"]) == ("PAUSED", "OPEN"), "the event is kept for after the pause"
    assert service.client.post(f"/v1/cases/{case_id}/claim", headers=ana).status_code == 409
    assert service.client.post(f"/v1/admin/cases/{case_id}/pause", headers=admin, json={"reason": "x"}).status_code == 409

    resumed = service.client.post(f"/v1/admin/cases/{case_id}/resume", headers=admin)
    assert resumed.get_json()["state"] == "OPEN"
    assert service.claim(case_id, ana)["claimed_by"] == "ana"
    log = service.client.get(f"/v1/cases/{case_id}/audit", headers=admin).get_json()["entries"]
    assert [e["action"] for e in log if e["action"].startswith("operations.")] == ["operations.paused",
                                                                                 "operations.resumed"]
    assert all(e["actor"] == "root" for e in log if e["action"].startswith("operations."))


def test_retry_from_a_stage_reruns_it(make_verification, tmp_path, people, make_submission):
    registry = tmp_path / "registry.csv"
    with registry.open("w", newline="") as out:
        csv.writer(out).writerow(COLUMNS)
    service = make_verification(registry_path=str(registry))
    admin, ana = service.token("root", "admin"), service.token("ana", "verifier")
    member = people[0]
    data = service.submit(make_submission(member))
    case_id = service.case_of(data["application_id"], ana)["id"]
    assert service.case_of(data["application_id"], ana)["flags"] == ["registry.kk_not_found"]

    # SIAK's extract arrives with the family; the checks run again on request.
    with registry.open("a", newline="") as out:
        csv.writer(out).writerow([getattr(member, column) for column in COLUMNS])
    os.utime(registry, (registry.stat().st_atime, registry.stat().st_mtime + 5))
    retried = service.client.post(f"/v1/admin/cases/{case_id}/retry", headers=admin, json={"stage": "checks"})
    assert retried.status_code == 200 and service.case_of(data["application_id"], ana)["flags"] == []

    too_early = service.client.post(f"/v1/admin/cases/{case_id}/retry", headers=admin, json={"stage": "appointment"})
    assert too_early.status_code == 409 and "APPROVED" in too_early.get_json()["message"]
    approved = approve(service, ana, data)
    service.client.post(f"/v1/admin/cases/{case_id}/retry", headers=admin, json={"stage": "appointment"})
    rebooked = [e for e in service.emitted("appointment.scheduled.v1") if e["replaces"]]
    assert [e["replaces"] for e in rebooked] == [approved["appointment"]["id"]]
    service.client.post(f"/v1/admin/cases/{case_id}/retry", headers=admin, json={"stage": "verified"})
    assert len(service.emitted("application.verified.v1")) == 2, "the approval is published again"
    wrong = service.client.post(f"/v1/admin/cases/{case_id}/retry", headers=admin, json={"stage": "printing"})
    assert wrong.status_code == 422 and wrong.get_json()["errors"][0]["field"] == "stage"
    log = service.client.get(f"/v1/cases/{case_id}/audit", headers=admin).get_json()["entries"]
    assert [e["action"] for e in log if e["action"].startswith("operations.")] == [
        "operations.retry.checks", "operations.retry.appointment", "operations.retry.verified"]
