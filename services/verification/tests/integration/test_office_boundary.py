"""The office boundary, role × endpoint × office: an officer of another office gets 403 for every case
action and sees nothing of its queue; an officer of the case's office gets the answer the endpoint
gives; the national admin sees every office; the audit log records the officer and the office."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from verification.models import Case

OTHER = "DISDUKCAPIL-9999"
NO_ID = "00000000-0000-4000-8000-000000000000"
WIB = ZoneInfo("Asia/Jakarta")

# (role, method, path, body, the answer for the case's own office: without a claim, a decision is refused)
CASE_ENDPOINTS = [
    ("verifier", "get", "/v1/cases/{case}", None, 200),
    ("verifier", "post", "/v1/cases/{case}/claim", None, 200),
    ("verifier", "delete", "/v1/cases/{case}/claim", None, 204),
    ("verifier", "post", "/v1/cases/{case}/decision", {"decision": "approve"}, 409),
    ("supervisor", "post", "/v1/cases/{case}/rejection", {"confirm": True}, 409),
    ("verifier", "post", "/v1/cases/{case}/interviews",
     {"channel": "phone", "phone": "081234567890", "starts_at": "2030-01-02T10:00:00+07:00"}, 409),
    ("verifier", "post", f"/v1/cases/{{case}}/interviews/{NO_ID}/outcome", {"outcome": "held"}, 404),
    ("biometric_adjudicator", "get", "/v1/cases/{case}/adjudication", None, 404),
    ("biometric_adjudicator", "post", "/v1/cases/{case}/adjudication", {"decision": "distinct", "note": "x"}, 409),
    ("supervisor", "get", "/v1/cases/{case}/audit", None, 200),
    ("supervisor", "post", "/v1/admin/cases/{case}/pause", {"reason": "berkas diperiksa polisi"}, 200),
    ("supervisor", "post", "/v1/admin/cases/{case}/resume", None, 409),
    ("supervisor", "post", "/v1/admin/cases/{case}/retry", {"stage": "checks"}, 200),
]


@pytest.fixture
def case(service):
    data = service.submit()
    admin = service.token("root", "admin", offices=())
    found = service.client.get("/v1/cases", query_string={"application_id": data["application_id"]}, headers=admin)
    return found.get_json()[0]


@pytest.mark.parametrize("role, method, path, body, own_status", CASE_ENDPOINTS,
                         ids=[f"{role}-{method}-{path.split('}')[-1] or 'case'}" for role, method, path, *_ in CASE_ENDPOINTS])
def test_a_case_of_another_office_is_refused_and_its_own_office_gets_the_answer(service, case, role, method, path,
                                                                                body, own_status):
    url = path.format(case=case["id"])
    other = getattr(service.client, method)(url, json=body, headers=service.token("eka", role, offices=(OTHER,)))
    assert other.status_code == 403, other.get_json()
    assert other.get_json()["code"] == "other_office"
    own = getattr(service.client, method)(url, json=body, headers=service.token("ana", role,
                                                                                 offices=(case["office_code"],)))
    assert own.status_code == own_status, own.get_json()


@pytest.mark.parametrize("role", ["verifier", "supervisor", "biometric_adjudicator"])
def test_the_queue_shows_only_the_officers_offices(service, case, role):
    own = service.token("ana", role, offices=(case["office_code"],))
    other = service.token("eka", role, offices=(OTHER,))
    by_application = {"application_id": case["application_id"]}
    assert [c["id"] for c in service.client.get("/v1/cases", headers=own).get_json()] == [case["id"]]
    assert service.client.get("/v1/cases", headers=other).get_json() == []
    assert len(service.client.get("/v1/cases", query_string=by_application, headers=own).get_json()) == 1
    assert service.client.get("/v1/cases", query_string=by_application, headers=other).get_json() == []
    refused = service.client.get("/v1/cases", query_string={"office": case["office_code"]}, headers=other)
    assert refused.status_code == 403
    if role == "verifier":
        empty = service.client.post("/v1/cases/claim-next", json={}, headers=other)
        assert empty.status_code == 404 and empty.get_json()["code"] == "queue_empty"
        assert service.client.post("/v1/cases/claim-next", json={}, headers=own).get_json()["id"] == case["id"]


def test_an_officer_without_an_office_sees_nothing_and_the_national_admin_sees_every_office(service, case):
    nowhere = service.token("ana", "verifier", offices=())
    assert service.client.get("/v1/cases", headers=nowhere).get_json() == []
    assert service.client.get(f"/v1/cases/{case['id']}", headers=nowhere).status_code == 403
    admin = service.token("root", "admin", offices=())
    assert service.client.get(f"/v1/cases/{case['id']}", headers=admin).status_code == 200
    assert service.client.post(f"/v1/admin/cases/{case['id']}/pause", json={"reason": "uji"}, headers=admin).status_code == 200


def test_office_settings_are_listed_for_the_officers_own_office(service):
    admin = service.token("root", "admin", offices=())
    for code, district in (("UPT-A", "32.01.01"), ("UPT-B", "32.01.02")):
        response = service.client.put(f"/v1/offices/{code}", headers=admin, json={
            "kind": "UPT", "serves": district, "name": code, "address": "Jl. 1", "daily_capacity": 5,
            "opens": "08:00", "closes": "12:00"})
        assert response.status_code == 200, response.get_json()
    own = service.token("ana", "verifier", offices=("UPT-A",))
    assert [o["code"] for o in service.client.get("/v1/offices", headers=own).get_json()] == ["UPT-A"]
    assert [o["code"] for o in service.client.get("/v1/offices", headers=admin).get_json()] == ["UPT-A", "UPT-B"]


def test_the_audit_log_records_the_officer_and_the_office(service, case):
    own = service.token("ana", "verifier", offices=(case["office_code"],))
    service.client.post(f"/v1/cases/{case['id']}/claim", headers=own)
    supervisor = service.token("sri", "supervisor", offices=(case["office_code"],))
    entries = service.client.get(f"/v1/cases/{case['id']}/audit", headers=supervisor).get_json()["entries"]
    assert {"actor": "ana", "office_code": case["office_code"], "action": "case.claimed"}.items() <= entries[-1].items()


def test_the_capture_desk_lists_the_day_s_appointments_of_its_own_office_only(service, case):
    verifier = service.token("ana", "verifier", offices=(case["office_code"],))
    service.claim(case["id"], verifier)
    approved = service.client.post(f"/v1/cases/{case['id']}/decision", headers=verifier, json={"decision": "approve"})
    booked = approved.get_json()["appointment"]
    day = dt.datetime.fromisoformat(booked["starts_at"]).astimezone(WIB).date().isoformat()
    own = service.token("oki", "biometric_operator", offices=(case["office_code"],))
    listed = service.client.get("/v1/appointments", query_string={"day": day}, headers=own)
    assert listed.status_code == 200, listed.get_json()
    assert [(a.get("receipt_number"), a.get("state")) for a in listed.get_json()] == [(case["receipt_number"], "SCHEDULED")]
    assert listed.get_json()[0]["case_id"] == case["id"]
    other = service.token("eka", "biometric_operator", offices=(OTHER,))
    assert service.client.get("/v1/appointments", query_string={"day": day}, headers=other).get_json() == []
    refused = service.client.get("/v1/appointments", query_string={"day": day, "office": case["office_code"]},
                                 headers=other)
    assert refused.status_code == 403 and refused.get_json()["code"] == "other_office"
    bad = service.client.get("/v1/appointments", query_string={"day": "besok"}, headers=own)
    assert bad.status_code == 422 and "day" in str(bad.get_json())


def test_the_supervisor_s_dashboard_counts_its_own_office_s_cases_per_stage_and_lists_the_stuck(service, case):
    own = service.token("sri", "supervisor", offices=(case["office_code"],))
    board = service.client.get("/v1/dashboard", headers=own)
    assert board.status_code == 200, board.get_json()
    stages = {s["state"]: s for s in board.get_json()["stages"]}
    assert list(stages)[:2] == ["OPEN", "INTERVIEW_SCHEDULED"], "funnel order"
    assert stages["OPEN"]["count"] == 1 and stages["OPEN"]["oldest_seconds"] >= 0
    assert stages["APPROVED"]["count"] == 0
    assert board.get_json()["stuck"] == [], "opened just now"
    with service.runtime.uow() as uow:  # the case has stood open for three days
        found = uow.session.get(Case, case["id"])
        found.state_since -= dt.timedelta(days=3)
        uow.commit()
    stuck = service.client.get("/v1/dashboard", query_string={"stuck_hours": "48"}, headers=own).get_json()["stuck"]
    assert [(c["receipt_number"], c["state"]) for c in stuck] == [(case["receipt_number"], "OPEN")]
    other = service.token("eka", "supervisor", offices=(OTHER,))
    assert {s["count"] for s in service.client.get("/v1/dashboard", headers=other).get_json()["stages"]} == {0}
    refused = service.client.get("/v1/dashboard", query_string={"office": case["office_code"]}, headers=other)
    assert refused.status_code == 403
    bad = service.client.get("/v1/dashboard", query_string={"stuck_hours": "dua"}, headers=own)
    assert bad.status_code == 422 and "stuck_hours" in str(bad.get_json())
