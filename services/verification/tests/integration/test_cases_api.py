"""A case from submission to decision, through the officers' HTTP API and real events: automatic checks,
the queue and claims, approval with its appointment, four-eyes rejection, the correction loop and its cap,
interviews, and what the audit log and metrics show."""
from __future__ import annotations

import datetime as dt
import time
import uuid

import pytest

from ektp_shared.contracts.intake import APPLICATION_RESUBMITTED
from verification import interviews

NOW = dt.datetime.now(dt.timezone.utc)
VERIFIER, OTHER_VERIFIER = ("ana", "verifier"), ("budi", "verifier")
SUPERVISOR, OTHER_SUPERVISOR = ("citra", "supervisor"), ("dodi", "supervisor")


@pytest.fixture
def officers(service):
    return {name: service.token(name, role) for name, role in (VERIFIER, OTHER_VERIFIER, SUPERVISOR, OTHER_SUPERVISOR)}


def test_the_automatic_checks_run_before_an_officer_sees_the_case(service, officers, people, make_submission):
    member = people[0]
    data = service.submit(make_submission(member, documents=("kk", "photo"), full_name="Nama Lain",
                                      birth_date=dt.date(1990, 1, 1)))
    case = service.case_of(data["application_id"], officers["ana"])
    codes = {f["code"]: f for f in case["findings"]}
    assert codes["documents.missing"]["message"]["en"] == "A required document is missing: birth certificate."
    assert "nik.birth_date_mismatch" in codes, "the NIK's date disagrees with the entered one: a warning"
    mismatch = codes["registry.mismatch"]["detail"]["mismatches"]
    assert {m["field"]: (m["entered"], m["registry"]) for m in mismatch} == {
        "full_name": ("Nama Lain", member.full_name), "birth_date": ("1990-01-01", member.birth_date)}
    assert case["flags"] == sorted(codes)
    assert all(d["url"].startswith("http://127.0.0.1:8001/v1/documents/") and "signature=" in d["url"]
               for d in case["documents"])


def test_a_person_the_registry_knows_with_matching_data_raises_no_flag(service, officers):
    data = service.submit()
    assert service.case_of(data["application_id"], officers["ana"])["flags"] == []


def test_a_number_missing_from_the_registry_is_flagged(service, officers, make_submission):
    stranger = make_submission(kk_number="3201010101200001")
    service.submit(stranger)
    assert service.case_of(stranger["application_id"], officers["ana"])["flags"] == ["registry.kk_not_found"]


def test_the_queue_is_oldest_first_within_priority_and_filters_by_kind_office_and_flag(service, officers, people, make_submission):
    first = service.submit(make_submission(people[0]))
    second = service.submit(make_submission(people[1], kind="replacement_lost", documents=("surat_kehilangan",)))
    third = service.submit(make_submission(people[2], documents=("kk",)))
    queue = service.client.get("/v1/cases", headers=officers["ana"]).get_json()
    assert [c["application_id"] for c in queue] == [d["application_id"] for d in (first, second, third)]

    # A resubmitted case gains priority: the citizen already waited once.
    case = service.case_of(first["application_id"], officers["ana"])
    service.claim(case["id"], officers["ana"])
    service.client.post(f"/v1/cases/{case['id']}/decision", headers=officers["ana"], json={
        "decision": "request_correction", "reason_code": "document_unreadable", "message": "Foto KK buram.",
        "corrections": [{"field": "documents.kk", "message": "Unggah ulang KK yang jelas."}]})
    service.deliver(APPLICATION_RESUBMITTED, {**first, "round": 1, "submitted_at": dt.datetime.now(dt.timezone.utc)})
    queue = service.client.get("/v1/cases", headers=officers["ana"]).get_json()
    assert [c["application_id"] for c in queue] == [d["application_id"] for d in (first, second, third)]
    assert queue[0]["priority"] == 1

    def ids(**query):
        return [c["application_id"] for c in service.client.get("/v1/cases", query_string=query,
                                                                 headers=officers["ana"]).get_json()]

    assert ids(kind="replacement_lost") == [second["application_id"]]
    assert ids(flag="documents.missing") == [third["application_id"]]
    office = queue[0]["office_code"]
    assert set(ids(office=office)) <= {d["application_id"] for d in (first, second, third)}
    other_office = service.client.get("/v1/cases", query_string={"office": "DISDUKCAPIL-0000"}, headers=officers["ana"])
    assert other_office.status_code == 403 and other_office.get_json()["errors"][0]["field"] == "office"


def test_an_officer_claims_a_case_and_another_cannot_take_it_until_the_lease_runs_out(make_verification):
    service = make_verification(claim_lease_seconds=1)
    ana, budi = service.token("ana", "verifier"), service.token("budi", "verifier")
    data = service.submit()
    case = service.case_of(data["application_id"], ana)
    undecided = service.client.post(f"/v1/cases/{case['id']}/decision", headers=ana, json={"decision": "approve"})
    assert undecided.status_code == 409 and "claim the case first" in undecided.get_json()["message"]

    claimed = service.client.post("/v1/cases/claim-next", headers=ana, json={})
    assert claimed.status_code == 200 and claimed.get_json()["claimed_by"] == "ana"
    taken = service.client.post(f"/v1/cases/{case['id']}/claim", headers=budi)
    assert taken.status_code == 409 and taken.get_json()["errors"][0]["field"] == "case_id"
    assert service.client.post("/v1/cases/claim-next", headers=budi, json={}).status_code == 404

    time.sleep(1.2)  # ana walked away; her lease ran out
    assert service.client.post(f"/v1/cases/{case['id']}/claim", headers=budi).get_json()["claimed_by"] == "budi"
    late = service.client.post(f"/v1/cases/{case['id']}/decision", headers=ana, json={"decision": "approve"})
    assert late.status_code == 409


def test_approval_books_the_earliest_slot_and_tells_printing_and_biometrics(service, officers):
    data = service.submit()
    case = service.case_of(data["application_id"], officers["ana"])
    service.claim(case["id"], officers["ana"])
    decided = service.client.post(f"/v1/cases/{case['id']}/decision", headers=officers["ana"], json={"decision": "approve"})
    assert decided.status_code == 200
    body = decided.get_json()
    assert body["state"] == "APPROVED" and body["decided_by"] == "ana" and body["claimed_by"] is None
    starts = dt.datetime.fromisoformat(body["appointment"]["starts_at"])
    assert starts > NOW and starts.weekday() < 5
    verified, = service.emitted("application.verified.v1")
    assert verified["card_holder"]["nik"] == data["applicant"]["nik"]
    scheduled, = service.emitted("appointment.scheduled.v1")
    assert scheduled["appointment_id"] == body["appointment"]["id"] and scheduled["replaces"] is None


def _propose_rejection(service, officers, data):
    case = service.case_of(data["application_id"], officers["ana"])
    service.claim(case["id"], officers["ana"])
    response = service.client.post(f"/v1/cases/{case['id']}/decision", headers=officers["ana"], json={
        "decision": "reject", "reason_code": "document_forged", "message": "Akta kelahiran tidak sah."})
    assert response.status_code == 200
    return response.get_json()


def test_a_rejection_needs_a_second_officer(service, officers):
    data = service.submit()
    proposed = _propose_rejection(service, officers, data)
    assert proposed["state"] == "REJECTION_PROPOSED" and proposed["proposed_rejection"]["by"] == "ana"
    assert service.emitted("application.rejected.v1") == [], "nothing reaches the citizen on one officer's word"

    # The proposer cannot confirm, even holding the supervisor role too.
    both = service.token("ana", "verifier", "supervisor")
    service.claim(proposed["id"], both)
    own = service.client.post(f"/v1/cases/{proposed['id']}/rejection", headers=both, json={"confirm": True})
    assert own.status_code == 409 and "four eyes" in own.get_json()["message"]
    service.client.delete(f"/v1/cases/{proposed['id']}/claim", headers=both)
    verifier_only = service.client.post(f"/v1/cases/{proposed['id']}/rejection", headers=officers["budi"],
                                        json={"confirm": True})
    assert verifier_only.status_code == 403

    service.claim(proposed["id"], officers["citra"])
    confirmed = service.client.post(f"/v1/cases/{proposed['id']}/rejection", headers=officers["citra"],
                                    json={"confirm": True, "note": "Dicek dengan arsip."})
    assert confirmed.status_code == 200 and confirmed.get_json()["state"] == "REJECTED"
    rejected, = service.emitted("application.rejected.v1")
    assert rejected == {"application_id": data["application_id"], "reason_code": "document_forged",
                        "message": "Akta kelahiran tidak sah."}
    log = service.client.get(f"/v1/cases/{proposed['id']}/audit", headers=officers["citra"]).get_json()["entries"]
    assert [(e["actor"], e["action"]) for e in log if e["action"].startswith(("decision", "rejection"))] == [
        ("ana", "decision.reject"), ("citra", "rejection.confirmed")]


def test_an_overturned_rejection_returns_the_case_to_the_queue(service, officers):
    proposed = _propose_rejection(service, officers, service.submit())
    service.claim(proposed["id"], officers["citra"])
    overturned = service.client.post(f"/v1/cases/{proposed['id']}/rejection", headers=officers["citra"],
                                     json={"confirm": False, "note": "Akta sah, dicek."})
    assert overturned.get_json()["state"] == "OPEN"
    assert service.emitted("application.rejected.v1") == []


def _request_correction(service, token, case_id):
    service.claim(case_id, token)
    return service.client.post(f"/v1/cases/{case_id}/decision", headers=token, json={
        "decision": "request_correction", "reason_code": "data_mismatch", "message": "Nama tidak sesuai KK.",
        "corrections": [{"field": "applicant.full_name", "message": "Tulis nama seperti di KK."}]})


def test_the_correction_loop_is_capped_and_then_a_supervisor_decides(make_verification):
    service = make_verification(correction_cap=2)
    ana, citra = service.token("ana", "verifier"), service.token("citra", "supervisor")
    data = service.submit()
    case_id = service.case_of(data["application_id"], ana)["id"]
    for round_ in (1, 2):
        asked = _request_correction(service, ana, case_id)
        assert asked.get_json()["state"] == "CORRECTION_REQUESTED"
        event = service.emitted("application.correction_requested.v1")[-1]
        assert (event["round"], event["rounds_left"]) == (round_, 2 - round_)
        assert event["corrections"] == [{"field": "applicant.full_name", "message": "Tulis nama seperti di KK."}]
        service.deliver(APPLICATION_RESUBMITTED, {**data, "round": round_,
                                                  "submitted_at": dt.datetime.now(dt.timezone.utc)})
        assert service.case_of(data["application_id"], ana)["state"] == "OPEN"

    escalated = _request_correction(service, ana, case_id)
    assert escalated.get_json()["state"] == "SUPERVISOR_REVIEW"
    assert len(service.emitted("application.correction_requested.v1")) == 2, "no third round sent by a verifier"
    assert service.client.post(f"/v1/cases/{case_id}/claim", headers=ana).status_code == 409, "not a verifier's queue"

    service.claim(case_id, citra)
    approved = service.client.post(f"/v1/cases/{case_id}/decision", headers=citra, json={"decision": "approve"})
    assert approved.get_json()["state"] == "APPROVED"


def test_a_stale_resubmission_changes_nothing(service, officers):
    data = service.submit()
    service.deliver(APPLICATION_RESUBMITTED, {**data, "round": 1, "submitted_at": dt.datetime.now(dt.timezone.utc)})
    case = service.case_of(data["application_id"], officers["ana"])
    assert (case["state"], case["priority"]) == ("OPEN", 0)


def test_an_interview_is_scheduled_its_outcome_recorded_and_then_the_case_decided(service, officers):
    data = service.submit()
    case_id = service.case_of(data["application_id"], officers["ana"])["id"]
    service.claim(case_id, officers["ana"])
    starts = (NOW + dt.timedelta(days=2)).replace(microsecond=0)
    missing_link = service.client.post(f"/v1/cases/{case_id}/interviews", headers=officers["ana"],
                                       json={"starts_at": starts.isoformat(), "channel": "video"})
    assert missing_link.status_code == 422 and missing_link.get_json()["errors"][0]["field"] == "join_url"
    scheduled = service.client.post(f"/v1/cases/{case_id}/interviews", headers=officers["ana"], json={
        "starts_at": starts.isoformat(), "channel": "video", "join_url": "https://meet.example.org/ektp-123"})
    assert scheduled.status_code == 201 and scheduled.get_json()["state"] == "INTERVIEW_SCHEDULED"
    event, = service.emitted("interview.scheduled.v1")
    assert (event["channel"], event["join_url"], dt.datetime.fromisoformat(event["starts_at"])) == (
        "video", "https://meet.example.org/ektp-123", starts)

    interview_id = scheduled.get_json()["interviews"][0]["id"]
    held = service.client.post(f"/v1/cases/{case_id}/interviews/{interview_id}/outcome", headers=officers["budi"],
                               json={"outcome": "held", "notes": "Pemohon menjelaskan perbedaan nama."})
    body = held.get_json()
    assert (body["state"], body["claimed_by"], body["interviews"][0]["state"]) == ("OPEN", "budi", "HELD")
    [told] = service.emitted("interview.held.v1")  # intake's timeline shows it
    assert (told["interview_id"], told["channel"]) == (interview_id, "video")
    assert service.emitted("interview.missed.v1") == []
    again = service.client.post(f"/v1/cases/{case_id}/interviews/{interview_id}/outcome", headers=officers["budi"],
                                json={"outcome": "held"})
    assert again.status_code == 409
    decided = service.client.post(f"/v1/cases/{case_id}/decision", headers=officers["budi"], json={"decision": "approve"})
    assert decided.get_json()["state"] == "APPROVED"


def _interview(service, case_id, officer, hours_ahead: float) -> str:
    starts = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=hours_ahead)).replace(microsecond=0)
    scheduled = service.client.post(f"/v1/cases/{case_id}/interviews", headers=officer, json={
        "starts_at": starts.isoformat(), "channel": "phone", "phone": "081234567890"})
    assert scheduled.status_code == 201, scheduled.get_json()
    return next(i["id"] for i in scheduled.get_json()["interviews"] if i["state"] == "SCHEDULED")


def test_a_missed_interview_is_not_a_held_one_and_too_many_go_to_a_supervisor(service, officers):
    data = service.submit()
    case_id = service.case_of(data["application_id"], officers["ana"])["id"]
    service.claim(case_id, officers["ana"])
    first = _interview(service, case_id, officers["ana"], 48)
    missed = service.client.post(f"/v1/cases/{case_id}/interviews/{first}/outcome", headers=officers["ana"],
                                 json={"outcome": "no_show"}).get_json()
    assert (missed["state"], missed["claimed_by"]) == ("OPEN", "ana")  # back to the officer, to book another
    assert [i["state"] for i in missed["interviews"] if i["id"] == first] == ["NO_SHOW"]
    [told] = service.emitted("interview.missed.v1")
    assert (told["missed"], told["next"]) == (1, "new_interview")
    assert service.emitted("interview.held.v1") == []

    second = _interview(service, case_id, officers["ana"], 48)
    again = service.client.post(f"/v1/cases/{case_id}/interviews/{second}/outcome", headers=officers["ana"],
                                json={"outcome": "no_show"}).get_json()
    assert (again["state"], again["claimed_by"]) == ("SUPERVISOR_REVIEW", None)  # EKTP_VERIFICATION_INTERVIEW_MAX_NO_SHOWS=2
    assert [(e["missed"], e["next"]) for e in service.emitted("interview.missed.v1")] == [
        (1, "new_interview"), (2, "supervisor_review")]


def test_the_citizen_is_reminded_of_an_interview_once_the_day_before(service, officers):
    data = service.submit()
    case_id = service.case_of(data["application_id"], officers["ana"])["id"]
    service.claim(case_id, officers["ana"])
    interview_id = _interview(service, case_id, officers["ana"], 30)
    now = dt.datetime.now(dt.timezone.utc)
    lead = dt.timedelta(hours=service.runtime.settings.interview_reminder_hours)
    with service.runtime.uow() as uow:
        assert interviews.remind_due(uow, now, lead) == []  # 30 hours ahead: not yet
        assert [i.id for i in interviews.remind_due(uow, now + dt.timedelta(hours=7), lead)] == [interview_id]
        assert interviews.remind_due(uow, now + dt.timedelta(hours=8), lead) == []  # once
        uow.commit()
    [reminder] = service.emitted("interview.reminder.v1")
    assert (reminder["interview_id"], reminder["channel"]) == (interview_id, "phone")


def test_an_interview_booked_for_the_next_hours_gets_no_reminder(service, officers):
    data = service.submit()
    case_id = service.case_of(data["application_id"], officers["ana"])["id"]
    service.claim(case_id, officers["ana"])
    _interview(service, case_id, officers["ana"], 3)
    lead = dt.timedelta(hours=24)
    with service.runtime.uow() as uow:
        assert interviews.remind_due(uow, dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1), lead) == []


@pytest.mark.parametrize("body, field", [
    ({"decision": "reject", "reason_code": "because", "message": "x"}, "reason_code"),
    ({"decision": "request_correction", "reason_code": "data_mismatch", "message": "x"}, "corrections"),
    ({"decision": "request_correction", "reason_code": "data_mismatch", "message": "x",
      "corrections": [{"field": "applicant.favourite_colour", "message": "x"}]}, "corrections.0.field"),
])
def test_a_decision_names_the_field_and_rule_it_breaks(service, officers, body, field):
    response = service.client.post(f"/v1/cases/{uuid.uuid4()}/decision", headers=officers["ana"], json=body)
    assert response.status_code == 422 and field in [e["field"] for e in response.get_json()["errors"]]


def test_reading_a_case_is_audited_with_the_officer(service, officers):
    data = service.submit()
    case = service.case_of(data["application_id"], officers["budi"])
    log = service.client.get(f"/v1/cases/{case['id']}/audit", headers=officers["citra"]).get_json()["entries"]
    assert ("budi", "case.read") in [(e["actor"], e["action"]) for e in log]
    assert service.client.get(f"/v1/cases/{case['id']}/audit", headers=officers["ana"]).status_code == 403


def test_metrics_count_cases_per_state_and_the_oldest_wait(service, officers, people, make_submission):
    first = service.submit()
    service.submit(make_submission(people[1]))
    text = service.client.get("/metrics").get_data(as_text=True)
    assert 'ektp_cases{state="OPEN"} 2.0' in text
    assert 'ektp_cases{state="APPROVED"} 0.0' in text
    province = service.case_of(first["application_id"], officers["ana"])["office_code"].rpartition("-")[2][:2]
    assert f'ektp_province_cases{{province="{province}",state="OPEN"}} 2.0' in text
    oldest = next(line for line in text.splitlines() if line.startswith('ektp_case_oldest_seconds{state="OPEN"}'))
    assert float(oldest.split()[-1]) >= 0


def test_an_interview_takes_a_slot_of_the_officer_s_availability(service, officers):
    first = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)).replace(second=0, microsecond=0)
    offered = service.client.post("/v1/interview-slots", headers=officers["ana"],
                                  json={"starts_at": first.isoformat(), "count": 3, "minutes": 20})
    assert offered.status_code == 201, offered.get_json()
    times = [dt.datetime.fromisoformat(s["starts_at"]) for s in offered.get_json()]
    assert times == [first, first + dt.timedelta(minutes=20), first + dt.timedelta(minutes=40)]
    again = service.client.post("/v1/interview-slots", headers=officers["ana"], json={"starts_at": first.isoformat()})
    assert again.status_code == 409 and again.get_json()["errors"][0]["field"] == "starts_at"

    cases = []
    for _ in range(2):
        data = service.submit()
        case_id = service.case_of(data["application_id"], officers["ana"])["id"]
        service.claim(case_id, officers["ana"])
        cases.append(case_id)
    earliest = service.client.post(f"/v1/cases/{cases[0]}/interviews", headers=officers["ana"],
                                   json={"channel": "phone", "phone": "081234567890"})
    assert earliest.status_code == 201, earliest.get_json()
    assert dt.datetime.fromisoformat(earliest.get_json()["interviews"][0]["starts_at"]) == first
    chosen = offered.get_json()[2]["id"]
    picked = service.client.post(f"/v1/cases/{cases[1]}/interviews", headers=officers["ana"],
                                 json={"channel": "phone", "phone": "081234567890", "slot_id": chosen})
    assert dt.datetime.fromisoformat(picked.get_json()["interviews"][0]["starts_at"]) == times[2]
    free = service.client.get("/v1/interview-slots", headers=officers["ana"], query_string={"officer": "ana"}).get_json()
    assert [s["starts_at"] for s in free] == [offered.get_json()[1]["starts_at"]]
    [told] = [e for e in service.emitted("interview.scheduled.v1") if dt.datetime.fromisoformat(e["starts_at"]) == first]

    data = service.submit()
    case_id = service.case_of(data["application_id"], officers["budi"])["id"]
    service.claim(case_id, officers["budi"])
    none_offered = service.client.post(f"/v1/cases/{case_id}/interviews", headers=officers["budi"],
                                       json={"channel": "phone", "phone": "081234567890"})
    assert none_offered.status_code == 409 and none_offered.get_json()["errors"][0]["field"] == "slot_id"


def test_the_queue_takes_a_limit_written_in_the_query_string_and_names_a_bad_one(service, officers, people,
                                                                                  make_submission):
    for member in people[:2]:
        service.submit(make_submission(member))
    limited = service.client.get("/v1/cases", query_string={"limit": "1"}, headers=officers["ana"])
    assert limited.status_code == 200 and len(limited.get_json()) == 1
    for bad in ("7.9", "2.6e-42", "0", "lima"):
        refused = service.client.get("/v1/cases", query_string={"limit": bad}, headers=officers["ana"])
        assert refused.status_code == 422 and "limit" in str(refused.get_json()), bad
