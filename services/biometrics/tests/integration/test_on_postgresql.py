"""The real profile (PostgreSQL, S3): two matcher replicas deciding two captures of one person at the same
moment enrol one and raise the other, and templates and images are ciphertext in the row and the bucket."""
from __future__ import annotations

import io
import json
import threading

import pytest
from PIL import Image, UnidentifiedImageError
from sqlalchemy import text

from biometrics.service import SERVICE
from ektp_shared.bus.dispatcher import Dispatcher
from ektp_shared.crypto import MAGIC
from ektp_shared.service import Runtime
from ektp_shared.testing.harness import signed

from ..conftest import OBAMA

pytestmark = pytest.mark.slow


def test_two_replicas_deciding_one_person_at_once_enrol_once_and_raise_the_other(make_biometrics):
    service = make_biometrics(real=True)
    applications = [service.apply(OBAMA), service.apply(OBAMA)]
    for application_id, impression in zip(applications, (1, 2)):
        assert service.capture(application_id, OBAMA, impression).status_code == 202
    requests = [e for e in service.outbox() if e["type"].endswith("identify_requested.v1")]
    replica = Runtime.build(SERVICE, service.runtime.settings)
    start, outcomes = threading.Barrier(2), {}

    def decide(runtime: Runtime, envelope: dict) -> None:
        dispatcher = Dispatcher.of(runtime)
        start.wait()
        outcomes[envelope["data"]["application_id"]] = dispatcher.dispatch(json.dumps(envelope).encode(), signed(envelope))

    threads = [threading.Thread(target=decide, args=pair) for pair in zip((service.runtime, replica), requests)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        replica.dispose()
    assert [o.outcome.value for o in outcomes.values()] == ["handled", "handled"], outcomes
    enrolled, = service.emitted("biometrics.enrolled.v1")
    suspected, = service.emitted("biometrics.duplicate_suspected.v1")
    assert [c["application_id"] for c in suspected["candidates"]] == [enrolled["application_id"]]
    assert {enrolled["application_id"], suspected["application_id"]} == set(applications)


@pytest.mark.parametrize("shards", [1, 2])
def test_two_searches_run_at_the_same_time_and_the_duplicate_is_still_caught(make_biometrics, shards):
    """No lock over the search: each replica's search waits until the other's has started too (with one lock
    around whole decisions the second could never start, and the barrier breaks). Both searches miss the
    other capture; the re-check of what was enrolled meanwhile catches it, also over matcher shards."""
    service = make_biometrics(real=True, matcher_shards=shards)
    applications = [service.apply(OBAMA), service.apply(OBAMA)]
    for application_id, impression in zip(applications, (1, 2)):
        assert service.capture(application_id, OBAMA, impression).status_code == 202
    requests = [e for e in service.outbox() if e["type"].endswith("identify_requested.v1")]
    replica = Runtime.build(SERVICE, service.runtime.settings)
    both_searching, outcomes, misses = threading.Barrier(2, timeout=60), {}, []

    def searching_together(gallery):
        identify = gallery.identify

        def wrapped(*args, only=None, **kwargs):
            if only is None:
                both_searching.wait()
            found = identify(*args, only=only, **kwargs)
            if only is None:
                misses.append(found)
            return found
        return wrapped

    def decide(runtime: Runtime, envelope: dict) -> None:
        runtime.context.abis.gallery.identify = searching_together(runtime.context.abis.gallery)
        dispatcher = Dispatcher.of(runtime)
        outcomes[envelope["data"]["application_id"]] = dispatcher.dispatch(json.dumps(envelope).encode(), signed(envelope))

    threads = [threading.Thread(target=decide, args=pair) for pair in zip((service.runtime, replica), requests)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        for runtime in (service.runtime, replica):
            if shards > 1:
                runtime.context.abis.gallery.stop()
        replica.dispose()
    assert [o.outcome.value for o in outcomes.values()] == ["handled", "handled"], outcomes
    assert misses == [[], []], "both searched before either enrolled"
    enrolled, = service.emitted("biometrics.enrolled.v1")
    suspected, = service.emitted("biometrics.duplicate_suspected.v1")
    assert [c["application_id"] for c in suspected["candidates"]] == [enrolled["application_id"]]


def test_templates_and_images_are_ciphertext_in_the_row_and_the_bucket(make_biometrics):
    service = make_biometrics(real=True)
    application_id = service.apply(OBAMA)
    assert service.capture(application_id, OBAMA).status_code == 202
    with service.runtime.engine.connect() as connection:
        rows = connection.execute(text("SELECT data FROM templates")).scalars().all()
        keys = json.loads(service.runtime.cipher.decrypt(connection.execute(
            text("SELECT image_keys FROM captures")).scalar_one()))
    assert len(rows) == 3
    for raw in map(bytes, rows):
        assert raw.startswith(MAGIC) and b"FMR\x00" not in raw and b"EKF1" not in raw
    assert sorted(keys) == ["face", "finger_2", "finger_7"]
    for key in keys.values():
        raw = service.runtime.objects.get_raw(key)
        assert raw.startswith(MAGIC) and b"JFIF" not in raw and b"PNG" not in raw[:16]
        with pytest.raises(UnidentifiedImageError):
            Image.open(io.BytesIO(raw))
