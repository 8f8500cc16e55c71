"""The same service on PostgreSQL (the real profile's database): the migrations, a case through approval,
and two officers claiming one case at the same moment — exactly one gets it."""
from __future__ import annotations

import threading

import pytest

pytestmark = pytest.mark.slow


def test_a_case_is_approved_and_only_one_of_two_simultaneous_claims_wins(make_verification):
    service = make_verification(real=True)
    data = service.submit()
    officers = [service.token(name, "verifier") for name in ("ana", "budi", "citra", "dodi")]
    case_id = service.case_of(data["application_id"], officers[0])["id"]
    start = threading.Barrier(len(officers))
    answers: list[int] = []

    def claim(token):
        client = service.client.application.test_client()
        start.wait()
        answers.append(client.post(f"/v1/cases/{case_id}/claim", headers=token).status_code)

    threads = [threading.Thread(target=claim, args=(token,)) for token in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200, 409, 409, 409]

    winner = service.client.get(f"/v1/cases/{case_id}", headers=officers[0]).get_json()["claimed_by"]
    token = officers[["ana", "budi", "citra", "dodi"].index(winner)]
    approved = service.client.post(f"/v1/cases/{case_id}/decision", headers=token, json={"decision": "approve"})
    assert approved.get_json()["state"] == "APPROVED" and approved.get_json()["appointment"]["state"] == "SCHEDULED"
    assert [e["application_id"] for e in service.emitted("application.verified.v1")] == [data["application_id"]]
