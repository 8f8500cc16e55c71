"""The matcher's gallery: rebuilt from the database by a new worker, never holding what a rolled-back
transaction added, failing loudly on a corrupt record, and measured for the SRE."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import text

from biometrics.service import SERVICE
from biometrics.tasks import sync_gallery
from ektp_shared.bus.dispatcher import Dispatcher
from ektp_shared.service import Runtime
from ektp_shared.testing.harness import signed

from ..conftest import BIDEN, HARINGTON, OBAMA


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_new_worker_rebuilds_the_gallery_from_the_database_and_finds_duplicates(service):
    first = service.capture_and_decide(OBAMA)
    service.capture_and_decide(BIDEN)
    replica = Runtime.build(SERVICE, service.runtime.settings)
    try:
        sync_gallery(replica)  # the worker's gallery-sync task, run at start
        assert sorted(replica.context.abis.gallery._fingers) == sorted(service.runtime.context.abis.gallery._fingers)
        again = service.apply(OBAMA)
        assert service.capture(again, OBAMA, impression=2).status_code == 202
        request = service.outbox()[-1]
        Dispatcher.of(replica).dispatch(json.dumps(request).encode(), signed(request))
    finally:
        replica.dispose()
    suspected, = service.emitted("biometrics.duplicate_suspected.v1")
    assert [c["application_id"] for c in suspected["candidates"]] == [first]


def test_an_enrolment_rolled_back_leaves_no_trace_in_memory(service):
    references = {}
    for person in (HARINGTON, BIDEN):
        application_id = service.apply(person)
        service.capture(application_id, person)
        references[person] = service.emitted("biometrics.identify_requested.v1", application_id)[0]["reference_id"]
    abis, now = service.runtime.context.abis, dt.datetime.now(dt.timezone.utc)
    with pytest.raises(RuntimeError), service.runtime.uow() as uow:
        assert abis.insert(uow.session, references[HARINGTON], now)
        assert references[HARINGTON] in abis.gallery
        raise RuntimeError("another event of the same batch failed")
    assert references[HARINGTON] not in abis.gallery

    replica = Runtime.build(SERVICE, service.runtime.settings)
    try:
        with replica.uow() as uow:  # another replica enrols someone, taking the sequence number freed above
            assert replica.context.abis.insert(uow.session, references[BIDEN], now)
            uow.commit()
    finally:
        replica.dispose()
    sync_gallery(service.runtime)
    assert sorted(abis.gallery._fingers) == [references[BIDEN]], "loaded: the rolled-back number was given back"


def test_a_corrupt_gallery_record_is_a_matcher_error_and_the_request_is_retried(service):
    service.capture_and_decide(OBAMA)
    with service.runtime.engine.begin() as connection:
        connection.execute(text("UPDATE templates SET data = :junk WHERE modality = 'finger' AND position = 2"),
                           {"junk": service.runtime.cipher.encrypt(b"not a template")})
    replica = Runtime.build(SERVICE, service.runtime.settings)
    before = sample("ektp_biometric_matcher_errors_total", operation="sync")
    try:
        again = service.apply(BIDEN)
        service.capture(again, BIDEN)
        request = service.outbox()[-1]
        decision = Dispatcher.of(replica).dispatch(json.dumps(request).encode(), signed(request))
    finally:
        replica.dispose()
    assert decision.outcome.value == "failed" and "TemplateFormatError" in decision.reason
    assert sample("ektp_biometric_matcher_errors_total", operation="sync") > before
    assert service.enrolment(again)["state"] == "IDENTIFYING", "not enrolled past a gallery it could not read"


def test_metrics_show_enrolments_by_state_the_gallery_and_the_search_time(service):
    searches = sample("ektp_biometric_identify_duration_seconds_count")
    service.capture_and_decide(OBAMA)
    service.capture_and_decide(OBAMA, impression=2)
    waiting = service.apply(BIDEN)
    assert waiting
    body = service.client.get("/metrics").get_data(as_text=True)
    states = dict(re.findall(r'^ektp_biometric_enrolments\{state="(\w+)"\} (\S+)$', body, flags=re.M))
    assert {k: float(v) for k, v in states.items() if float(v)} == {
        "ENROLLED": 1.0, "DUPLICATE_SUSPECTED": 1.0, "AWAITING_CAPTURE": 1.0}
    assert re.search(r'^ektp_biometric_enrolment_oldest_seconds\{state="DUPLICATE_SUSPECTED"\} ', body, flags=re.M)
    assert sample("ektp_biometric_identify_duration_seconds_count") == searches + 2
    assert sample("ektp_biometric_gallery_identities") == 1.0
    assert sample("ektp_biometric_verifications_total", kind="face_photo", outcome="match") >= 2
