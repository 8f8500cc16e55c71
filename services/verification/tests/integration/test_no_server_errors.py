"""Whatever an officer's client sends, verification answers 2xx or a 4xx naming the field — never a 500.
Bodies are valid ones with one value replaced by arbitrary JSON, or arbitrary JSON altogether (hypothesis)."""
from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ektp_shared.testing.fuzz import answered_properly, mutated

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
LATER = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)).isoformat()
BODIES = {
    "decision": {"decision": "request_correction", "reason_code": "data_mismatch", "message": "Perbaiki.",
                 "corrections": [{"field": "applicant.full_name", "message": "Sesuai KK."}]},
    "rejection": {"confirm": True, "note": "ok"},
    "interviews": {"starts_at": LATER, "channel": "phone", "phone": "081234567890"},
    "adjudication": {"decision": "duplicate", "message": "Sudah terdaftar."},
}


@FUZZ
@given(data=st.data(), action=st.sampled_from(sorted(BODIES)))
def test_decisions_interviews_and_adjudication(service, data, action):
    officer = service.token("ana", "verifier", "supervisor", "biometric_adjudicator")
    case = service.case_of(service.submit()["application_id"], officer)
    service.claim(case["id"], officer)
    answered_properly(service.client.post(f"/v1/cases/{case['id']}/{action}", headers=officer,
                                          json=mutated(BODIES[action], data)))


@FUZZ
@given(data=st.data())
def test_queue_queries_offices_and_operations(service, data):
    admin = service.token("root", "admin")
    case = service.case_of(service.submit()["application_id"], admin)
    query = mutated({"state": "OPEN", "kind": "new", "flag": "x", "unclaimed": True, "limit": 5}, data)
    if isinstance(query, dict):
        answered_properly(service.client.get("/v1/cases", query_string={k: str(v) for k, v in query.items()},
                                             headers=admin))
    answered_properly(service.client.post("/v1/cases/claim-next", headers=admin, json=mutated({"state": "OPEN"}, data)))
    answered_properly(service.client.put("/v1/offices/UPT-FUZZ", headers=admin, json=mutated(
        {"kind": "UPT", "serves": "32.01.01", "name": "UPT", "address": "Jl. 1", "daily_capacity": 5,
         "opens": "08:00", "closes": "12:00"}, data)))
    for action, body in (("pause", {"reason": "cek"}), ("retry", {"stage": "checks"})):
        answered_properly(service.client.post(f"/v1/admin/cases/{case['id']}/{action}", headers=admin,
                                              json=mutated(body, data)))
