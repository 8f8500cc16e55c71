"""The same service on PostgreSQL and S3 (the real profile): two drafts of one NIK submitted at the same
moment give one submission and one 409, and a double-tapped submit gives one receipt."""
from __future__ import annotations

import threading

import pytest

pytestmark = pytest.mark.slow


def _at_once(calls) -> list:
    start = threading.Barrier(len(calls))
    answers = [None] * len(calls)

    def run(i, call):
        start.wait()
        answers[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_simultaneous_submissions_keep_one_active_application_per_nik(make_intake, citizen):
    intake = make_intake(real=True)
    drafts = [intake.complete(citizen(21)) for _ in range(2)]
    clients = [intake.client.application.test_client() for _ in drafts]
    for client in clients:  # the same citizen, signed in, on two devices
        client.environ_base["HTTP_AUTHORIZATION"] = intake.client.environ_base["HTTP_AUTHORIZATION"]
    answers = _at_once([lambda c=c, d=d: c.post(f"/v1/applications/{d}/submit") for c, d in zip(clients, drafts)])
    assert sorted(a.status_code for a in answers) == [200, 409]
    assert len(intake.emitted("application.submitted.v1")) == 1

    single = intake.complete(citizen(22))
    for client in clients:
        client.environ_base["HTTP_AUTHORIZATION"] = intake.client.environ_base["HTTP_AUTHORIZATION"]
    taps = _at_once([lambda c=c: c.post(f"/v1/applications/{single}/submit", headers={"Idempotency-Key": "tap"})
                     for c in clients])
    assert [a.status_code for a in taps] == [200, 200], "the second tap waits for the first and gets its answer"
    assert len({a.get_json()["receipt_number"] for a in taps}) == 1
    assert len(intake.emitted("application.submitted.v1")) == 2
