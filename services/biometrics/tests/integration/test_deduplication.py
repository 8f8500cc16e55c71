"""1:N deduplication over real events with real images: a new person is enrolled under a pseudonym, the
same person under a second application is raised for adjudication, the adjudicator's decision is
followed, and no redelivered request ever enrols anyone twice."""
from __future__ import annotations

import datetime as dt
import json
import uuid

from sqlalchemy import func, select

from biometrics.models import GalleryEntry
from ektp_shared.contracts.verification import ADJUDICATION_DECIDED, APPLICATION_VERIFIED

from ..conftest import BIDEN, CARD_HOLDER, HARINGTON, OBAMA, verification


def gallery_rows(service) -> int:
    with service.runtime.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(GalleryEntry))


def decide(service, application_id: str, decision: str) -> None:
    suspected, = service.emitted("biometrics.duplicate_suspected.v1", application_id)
    service.deliver(ADJUDICATION_DECIDED, {
        "application_id": application_id, "reference_id": suspected["reference_id"], "decision": decision,
        "adjudicator": "eka", "candidates": [c["reference_id"] for c in suspected["candidates"]],
        "decided_at": dt.datetime.now(dt.timezone.utc)})


def test_a_new_person_is_enrolled_under_a_pseudonym(service):
    application_id = service.capture_and_decide(OBAMA)
    enrolled, = service.emitted("biometrics.enrolled.v1")
    assert enrolled["application_id"] == application_id
    assert enrolled["fingers_enrolled"] == 2 and len(enrolled["fingerprint_digests"]) == 2
    view = service.enrolment(application_id)
    assert view["state"] == "ENROLLED"
    assert view["face_check"]["result"] == "match", "the live face is the person of the application's photo"
    assert view["face_check"]["fmr"] <= service.runtime.settings.face_target_fmr
    identify, = service.emitted("biometrics.identify_requested.v1")
    assert enrolled["reference_id"] == identify["reference_id"] != application_id
    assert CARD_HOLDER["nik"] not in json.dumps(service.outbox()), "the matcher's events carry no NIK"
    assert gallery_rows(service) == 1
    assert len(service.runtime.context.abis.gallery) == 1


def test_the_same_person_under_a_second_application_is_raised_for_adjudication(service):
    first = service.capture_and_decide(OBAMA, impression=1)
    other = service.capture_and_decide(BIDEN)
    again = service.capture_and_decide(OBAMA, impression=2)
    assert len(service.emitted("biometrics.enrolled.v1")) == 2, "two different people, both enrolled"
    suspected, = service.emitted("biometrics.duplicate_suspected.v1")
    assert suspected["application_id"] == again
    assert [c["application_id"] for c in suspected["candidates"]] == [first]
    assert other not in json.dumps(suspected)
    assert service.emitted("biometrics.enrolled.v1", again) == [], "not enrolled while suspected"
    view = service.enrolment(again)
    assert view["state"] == "DUPLICATE_SUSPECTED" and view["candidates"][0]["application_id"] == first
    assert gallery_rows(service) == 2


def test_a_redelivered_identify_does_not_enrol_twice(service):
    application_id = service.capture_and_decide(HARINGTON)
    request = next(e for e in service.outbox() if e["type"].endswith("biometrics.identify_requested.v1"))
    assert service.dispatch(request).outcome.value == "duplicate", "the same event: acknowledged, no effect"
    copy = {**request, "id": str(uuid.uuid4())}
    assert service.dispatch(copy).outcome.value == "handled", "another event, same request: decided already"
    assert len(service.emitted("biometrics.enrolled.v1", application_id)) == 1
    assert gallery_rows(service) == 1 and len(service.runtime.context.abis.gallery) == 1


def test_an_adjudicated_distinct_person_is_inserted_once_even_when_the_insert_is_redelivered(service):
    service.capture_and_decide(OBAMA, impression=1)
    twin = service.capture_and_decide(OBAMA, impression=2)
    decide(service, twin, "distinct")
    insert, = service.emitted("biometrics.insert_requested.v1")
    assert insert["application_id"] == twin
    assert service.enrolment(twin)["state"] == "ENROLLING"
    assert all(d.outcome.value == "handled" for d in service.work())
    assert len(service.emitted("biometrics.enrolled.v1", twin)) == 1
    assert service.enrolment(twin)["state"] == "ENROLLED"

    envelope = next(e for e in service.outbox() if e["type"].endswith("biometrics.insert_requested.v1"))
    assert service.dispatch(envelope).outcome.value == "duplicate"
    assert service.dispatch({**envelope, "id": str(uuid.uuid4())}).outcome.value == "handled"
    decide(service, twin, "distinct")  # the adjudication redelivered under a new id
    assert len(service.emitted("biometrics.enrolled.v1", twin)) == 1, "enrolled once"
    assert len(service.emitted("biometrics.insert_requested.v1")) == 1
    assert gallery_rows(service) == 2 and len(service.runtime.context.abis.gallery) == 2


def test_an_adjudicated_duplicate_is_not_enrolled_and_not_searched_later(service):
    first = service.capture_and_decide(OBAMA, impression=1)
    second = service.capture_and_decide(OBAMA, impression=2)
    decide(service, second, "duplicate")
    assert service.enrolment(second)["state"] == "NOT_ENROLLED"
    assert service.emitted("biometrics.insert_requested.v1") == [] and service.work() == []
    third = service.capture_and_decide(OBAMA, impression=1)
    suspected = service.emitted("biometrics.duplicate_suspected.v1", third)[0]
    assert [c["application_id"] for c in suspected["candidates"]] == [first], "the rejected capture is not in the gallery"


def test_a_second_approval_after_a_correction_is_harmless(service):
    waiting = service.apply(BIDEN)
    moved = {**verification(waiting), "office": {"code": "DISDUKCAPIL-3271", "name": "KOTA BOGOR", "address": "Bogor"}}
    service.deliver(APPLICATION_VERIFIED, moved)
    bogor_city = service.token("operator-2", "biometric_operator", offices=("DISDUKCAPIL-3271",))
    assert service.client.get(f"/v1/enrolments/{waiting}", headers=bogor_city).get_json()["office_code"] == \
        "DISDUKCAPIL-3271", "the latest office captures"
    assert service.client.get(f"/v1/enrolments/{waiting}", headers=service.operator).status_code == 403, \
        "the first office no longer sees it"

    enrolled = service.capture_and_decide(OBAMA)
    before = service.outbox()
    service.deliver(APPLICATION_VERIFIED, verification(enrolled))
    assert service.outbox() == before, "nothing new emitted"
    assert service.enrolment(enrolled)["state"] == "ENROLLED"
    assert gallery_rows(service) == 1
