"""The office boundary in biometrics, role × endpoint × office: capture, the enrolment, the face review,
the 1:1 check and the audit log refuse another office (403) and answer the enrolment's own office; the
lists hold only the officer's offices; biometrics' own audit log records the officer and the office."""
from __future__ import annotations

import io

import pytest

from ..conftest import OBAMA, OFFICE, fixture

OWN, OTHER = OFFICE["code"], "DISDUKCAPIL-9999"
NO_ID = "00000000-0000-4000-8000-000000000000"

# (role, method, path, what the enrolment's own office gets: the enrolment is waiting for its capture)
ENDPOINTS = [
    ("biometric_operator", "post", "/v1/enrolments/{id}/capture", 202),
    ("biometric_operator", "get", "/v1/enrolments/{id}", 200),
    ("biometric_adjudicator", "post", "/v1/enrolments/{id}/face-review", 409),
    ("print_operator", "post", "/v1/enrolments/{id}/verify", 409),
    ("supervisor", "get", "/v1/enrolments/{id}/audit", 200),
    ("biometric_operator", "get", "/v1/enrolments/{id}/images/photo", 200),
    ("biometric_adjudicator", "get", f"/v1/enrolments/{{id}}/candidates/{NO_ID}", 404),
    ("biometric_adjudicator", "get", f"/v1/enrolments/{{id}}/candidates/{NO_ID}/images/face", 404),
]


def request_for(path: str) -> dict:
    if path.endswith("/capture"):
        return {"data": {"face": (io.BytesIO(fixture(OBAMA.face)), "face.jpg"),
                         **{f"finger_{p}": (io.BytesIO(image), f"finger_{p}.png") for p, image in OBAMA.fingers(1).items()}},
                "content_type": "multipart/form-data"}
    if path.endswith("/verify"):
        return {"data": {"finger_2": (io.BytesIO(OBAMA.fingers(2)[2]), "finger_2.png")},
                "content_type": "multipart/form-data"}
    if path.endswith("/face-review"):
        return {"json": {"decision": "recapture"}}
    return {}


@pytest.mark.parametrize("role, method, path, own_status", ENDPOINTS, ids=[f"{r}-{p.split('}', 1)[-1] or 'read'}" for r, _, p, _ in ENDPOINTS])
def test_an_enrolment_of_another_office_is_refused_and_its_own_office_gets_the_answer(service, role, method, path,
                                                                                     own_status):
    url = path.format(id=service.apply(OBAMA))
    other = getattr(service.client, method)(url, headers=service.token("eka", role, offices=(OTHER,)), **request_for(path))
    assert other.status_code == 403, other.get_json()
    assert other.get_json()["code"] == "other_office"
    own = getattr(service.client, method)(url, headers=service.token("ana", role, offices=(OWN,)), **request_for(path))
    assert own.status_code == own_status, own.get_json()


@pytest.mark.parametrize("role", ["biometric_operator", "biometric_adjudicator", "supervisor"])
def test_the_lists_hold_only_the_officers_offices(service, role):
    waiting = service.apply(OBAMA)
    query = {"state": "AWAITING_CAPTURE"}
    own = service.client.get("/v1/enrolments", query_string=query, headers=service.token("ana", role, offices=(OWN,)))
    assert [e["application_id"] for e in own.get_json()] == [waiting]
    other = service.client.get("/v1/enrolments", query_string=query, headers=service.token("eka", role, offices=(OTHER,)))
    assert other.get_json() == []
    admin = service.client.get("/v1/enrolments", query_string=query, headers=service.token("root", "admin", offices=()))
    assert [e["application_id"] for e in admin.get_json()] == [waiting]


def test_biometrics_audit_log_records_the_officer_and_the_office(service):
    enrolled = service.capture_and_decide(OBAMA)
    supervisor = service.token("sri", "supervisor", offices=(OWN,))
    entries = service.client.get(f"/v1/enrolments/{enrolled}/audit", headers=supervisor).get_json()["entries"]
    assert [(e["actor"], e["office_code"], e["action"]) for e in entries] == [("operator-1", OWN, "capture.accepted")]
    assert entries[0]["details"]["fingers"] == sorted(OBAMA.fingers(1))
