"""Whatever a client sends, intake answers 2xx or a 4xx naming the field — never a 500. Bodies are valid
ones with one value replaced by arbitrary JSON, or arbitrary JSON altogether (hypothesis)."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ektp_shared.testing.fuzz import answered_properly, mutated

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(data=st.data())
def test_creating_or_replacing_a_draft(intake, citizen, data):
    body = citizen(31)
    body["residence"] = None
    intake.sign_in(body["applicant"]["nik"])
    answered_properly(intake.client.post("/v1/applications", json=mutated(body, data)))
    draft = intake.create(citizen(32))["id"]
    answered_properly(intake.client.put(f"/v1/applications/{draft}", json=mutated(citizen(32), data)))


@FUZZ
@given(data=st.data())
def test_tracking_rescheduling_and_the_nik_check(intake, data):
    answered_properly(intake.client.post("/v1/applications/track", json=mutated(
        {"receipt_number": "KTP-3201-261127-ABCDEF-0", "nik": "3201015705000001"}, data)))
    answered_properly(intake.client.post("/v1/nik/validate", json=mutated(
        {"nik": "3201015705000001", "birth_date": "2000-05-17", "gender": "PEREMPUAN"}, data)))
    answered_properly(intake.client.post("/v1/applications/00000000-0000-4000-8000-000000000000/appointment/reschedule",
                                         json=mutated({"not_before": "2030-01-01"}, data)))
