"""A worker says when it is broken: a consumer that dies is restarted (counted), and /healthz fails when the
consumer thread is gone or stalled; /readyz answers for the database and the broker."""
import time

from werkzeug.test import Client

from ektp_shared import metrics
from ektp_shared.service import discover
from ektp_shared.worker import Worker, probes_app

NOTIFY = discover("notify")["notify"]


def restarts(service: str, loop: str) -> float:
    return metrics.WORKER_LOOP_FAILURES.labels(service, loop)._value.get()


def test_a_consumer_that_dies_is_restarted_and_counted(runtime_factory, monkeypatch):
    worker = Worker(runtime_factory(NOTIFY))
    runs = []
    real_run = worker.consumer.run

    def crash_once() -> None:
        runs.append(time.monotonic())
        if len(runs) == 1:
            raise RecursionError("a bug that escaped the dispatcher")
        real_run()

    monkeypatch.setattr(worker.consumer, "run", crash_once)
    before = restarts("notify", "consumer")
    worker.start()
    try:
        deadline = time.monotonic() + 10
        while len(runs) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(runs) == 2, "the consumer ran again after it died"
        assert restarts("notify", "consumer") == before + 1
        assert Client(probes_app(worker)).get("/healthz").status_code == 200
    finally:
        worker.stop(timeout=10)


def test_liveness_fails_when_the_consumer_is_dead_or_stalled_and_readiness_names_what_answers(runtime_factory,
                                                                                              monkeypatch):
    worker = Worker(runtime_factory(NOTIFY, worker_stall_seconds=2))
    worker.start()
    client = Client(probes_app(worker))
    try:
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.json["checks"] == {"database": "ok", "broker": "ok"}
        assert client.get("/healthz").status_code == 200
        with monkeypatch.context() as later:  # a minute on, as if the loops had not come round since
            later.setattr("ektp_shared.worker.time.monotonic", lambda now=time.monotonic(): now + 60)
            stalled = client.get("/healthz")
        assert stalled.status_code == 503 and stalled.json["checks"]["consumer"].startswith("stalled")
    finally:
        worker.stop(timeout=10)
    dead = client.get("/healthz")
    assert dead.status_code == 503 and dead.json["checks"]["consumer"] == "dead"
