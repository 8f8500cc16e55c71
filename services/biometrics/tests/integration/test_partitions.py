"""The worker's gallery over two matcher shards (EKTP_MATCHER_SHARDS=2) on PostgreSQL: each shard's process
holds only its partition, a duplicate whose first enrolment lives on the other shard is raised, IDENTIFY
answers as one gallery does on the same data, and a shard killed in the middle of a decision makes the
decision wait for the worker to restart it (the bus retrying the request) instead of enrolling a duplicate."""
from __future__ import annotations

import dataclasses
import time

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select

from biometrics.engine.shards import ProcessShard, ShardUnavailable, shard_of
from biometrics.models import Enrolment
from biometrics.service import SERVICE
from ektp_shared.service import Runtime
from ektp_shared.worker import Worker

from ..conftest import BIDEN, HARINGTON, OBAMA

pytestmark = pytest.mark.slow
PEOPLE = (OBAMA, BIDEN, HARINGTON)


def reference(service, application_id: str) -> str:
    with service.runtime.uow() as uow:
        return uow.session.scalar(select(Enrolment.reference_id).where(Enrolment.application_id == application_id))


def apply_on_the_other_shard(service, person, enrolled_reference: str) -> str:
    """An application of `person` whose (random) reference id hashes to the shard not holding `enrolled_reference`."""
    for _ in range(30):
        application_id = service.apply(person)
        if shard_of(reference(service, application_id), 2) != shard_of(enrolled_reference, 2):
            return application_id
    raise AssertionError("thirty reference ids in a row hashed to one shard")


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_each_shard_holds_its_partition_and_a_duplicate_enrolled_on_the_other_shard_is_raised(make_biometrics):
    service = make_biometrics(real=True, matcher_shards=2)
    gallery = service.runtime.context.abis.gallery
    try:
        enrolled = [service.capture_and_decide(person) for person in PEOPLE]
        first = reference(service, enrolled[0])
        again = apply_on_the_other_shard(service, OBAMA, first)
        assert service.capture(again, OBAMA, impression=2).status_code == 202
        assert all(d.outcome.value == "handled" for d in service.work())

        suspected, = service.emitted("biometrics.duplicate_suspected.v1")
        assert suspected["application_id"] == again
        assert [c["application_id"] for c in suspected["candidates"]] == [enrolled[0]]
        assert service.enrolment(again)["state"] == "DUPLICATE_SUSPECTED"
        assert all(isinstance(shard, ProcessShard) for shard in gallery.shards) and len(gallery) == 3
        for ref in map(lambda a: reference(service, a), enrolled):
            assert [shard.call("__contains__", ref) for shard in gallery.shards] == [i == shard_of(ref, 2) for i in (0, 1)]
    finally:
        gallery.stop()


def test_identify_over_two_shards_loaded_from_the_database_answers_as_one_gallery(make_biometrics):
    service = make_biometrics(real=True)  # one gallery in the worker's process, as today
    for person in PEOPLE:
        service.capture_and_decide(person)
    probes = []
    for person in PEOPLE:  # the second impressions, captured and not decided yet
        application_id = service.apply(person)
        assert service.capture(application_id, person, impression=2).status_code == 202
        probes.append(reference(service, application_id))
    sharded = Runtime.build(SERVICE, dataclasses.replace(service.runtime.settings, matcher_shards=2))
    one, two = service.runtime.context.abis, sharded.context.abis
    try:
        with service.runtime.uow() as uow:
            answers = [(one.identify(uow.session, ref, 30), two.identify(uow.session, ref, 30)) for ref in probes]
        assert [s.size() for s in two.gallery.shards] == [sum(shard_of(ref, 2) == i for ref in one.gallery.references())
                                                        for i in (0, 1)], "each shard process loaded its own part"
        for single, split in answers:
            assert len(single) == 1, "each second impression finds its first"
            assert [(c.reference_id, c.finger_scores, c.fingers_compared) for c in split] == \
                [(c.reference_id, c.finger_scores, c.fingers_compared) for c in single]
            assert [c.evidence for c in split] == pytest.approx([c.evidence for c in single], rel=1e-9)
            # float32 matrix products over a different number of rows: the same face distance up to rounding
            assert [c.face_distance for c in split] == pytest.approx([c.face_distance for c in single], abs=1e-3)
    finally:
        two.gallery.stop()
        sharded.dispose()


def test_a_shard_killed_mid_decision_makes_it_wait_for_the_restarted_shard_and_the_duplicate_is_found(make_biometrics):
    """The shard holding the first enrolment is killed as the search of a second capture of the same person
    starts. That search fails instead of answering from the other shard; the request is retried (by the
    dispatcher, then the bus) while the worker restarts the shard, which reloads its partition from the
    database, and the retried decision raises the duplicate."""
    service = make_biometrics(real=True, matcher_shards=2, gallery_sync_seconds=3600.0)
    gallery = service.runtime.context.abis.gallery
    worker = Worker(service.runtime)
    try:
        first = service.capture_and_decide(OBAMA)
        owner = shard_of(reference(service, first), 2)
        again = apply_on_the_other_shard(service, OBAMA, reference(service, first))
        killed, searches, identify = [], [], gallery.identify

        def dying(*args, **kwargs):
            if not killed:
                process = gallery.shards[owner].process
                process.kill()
                process.join(5)
                killed.append(process.pid)
            try:
                found = identify(*args, **kwargs)
            except ShardUnavailable:
                searches.append("unavailable")
                raise
            searches.append([c.reference_id for c in found])
            return found

        gallery.identify = dying
        starts = sample("ektp_biometric_matcher_shard_starts_total")
        worker.start()
        assert service.capture(again, OBAMA, impression=2).status_code == 202
        deadline = time.monotonic() + 120
        while service.enrolment(again)["state"] == "IDENTIFYING" and time.monotonic() < deadline:
            time.sleep(0.2)

        view = service.enrolment(again)
        assert view["state"] == "DUPLICATE_SUSPECTED", view
        assert [c["application_id"] for c in view["candidates"]] == [first]
        assert service.emitted("biometrics.enrolled.v1", again) == [], "never enrolled from a partial search"
        assert searches == ["unavailable", [reference(service, first)]]
        assert sample("ektp_biometric_matcher_shard_starts_total") == starts + 1, "the worker restarted the shard"
        assert gallery.shards[owner].running and gallery.shards[owner].process.pid != killed[0]
    finally:
        worker.stop(timeout=10)
        gallery.stop()
