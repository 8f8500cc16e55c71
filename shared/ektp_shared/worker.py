"""A service's worker: the event consumer, the outbox relay and the periodic tasks, as threads of one
process. SIGTERM stops consuming, lets the message in hand finish, and exits (Kubernetes sends it
``terminationGracePeriodSeconds`` before killing the pod).

Every loop is supervised: a failure (broker or database away, a bug) is logged, counted in
``ektp_worker_loop_restarts_total`` and the loop starts again after a back-off. The worker's HTTP port serves
``/metrics``, ``/healthz`` (liveness: the consumer and relay threads run and came round recently) and
``/readyz`` (its database and the broker answer)."""
from __future__ import annotations

import faulthandler
import json
import logging
import signal
import threading
import time
from collections.abc import Callable

from prometheus_client import make_wsgi_app
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from . import logs, metrics, tracing
from .bus.consumer import EventConsumer
from .bus.dispatcher import Dispatcher
from .messaging import purge_inbox
from .relay import OutboxRelay
from .service import PeriodicTask, Runtime, ServiceSpec

log = logging.getLogger(__name__)
MAINTENANCE_INTERVAL_SECONDS = 3600
FAILURE_BACKOFF_SECONDS = (0.5, 1, 2, 5, 10)


class Worker:
    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        settings = runtime.settings
        self.relay = OutboxRelay(runtime.name, runtime.engine, runtime.spec.messaging, runtime.broker,
                                 runtime.outbox_written, runtime.signatures, settings.outbox_batch_size, settings.outbox_retention_seconds,
                                 runtime.tracer)
        self.consumer = EventConsumer(runtime.broker, Dispatcher.of(runtime))
        self.stopping = threading.Event()
        self.threads: dict[str, threading.Thread] = {}
        self.beats: dict[str, float] = {}

    def _failed(self, name: str, exc: Exception, failures: int) -> None:
        """Log and count a loop's failure, then wait its back-off (longer after each failure in a row)."""
        delay = FAILURE_BACKOFF_SECONDS[min(failures, len(FAILURE_BACKOFF_SECONDS) - 1)]
        metrics.WORKER_LOOP_FAILURES.labels(self.runtime.name, name.partition(":")[0]).inc()
        log.warning("worker loop failed; restarting", extra={"loop": name, "error": type(exc).__name__, "retry_in": delay})
        self.beats[name] = time.monotonic()
        self.stopping.wait(delay)

    def _loop(self, name: str, step: Callable[[], bool], idle_wait: Callable[[], None]) -> None:
        """Run ``step`` until stopped; it returns True when it did work (then runs again at once)."""
        failures = 0
        with logs.context(self.runtime.name):
            while not self.stopping.is_set():
                self.beats[name] = time.monotonic()
                try:
                    busy = step()
                    failures = 0
                except Exception as exc:  # keep the loop alive; back off while the broker or database is away
                    if name == "relay":
                        self.relay.reset()
                    self._failed(name, exc, failures)
                    failures += 1
                    continue
                if not busy:
                    idle_wait()

    def _relay_idle(self) -> None:
        self.relay.wakeup.wait(self.runtime.settings.outbox_poll_seconds)
        self.relay.wakeup.clear()

    def _task_loop(self, task: PeriodicTask) -> None:
        def step() -> bool:
            task.run(self.runtime)
            return False

        self._loop(f"task:{task.name}", step, lambda: self.stopping.wait(task.interval_seconds))

    def _maintenance(self) -> bool:
        self.relay.purge()
        purge_inbox(self.runtime.engine, self.runtime.spec.messaging, self.runtime.settings.inbox_retention_seconds)
        return False

    def _consume(self) -> None:
        """kombu's loop reconnects to the broker by itself; anything else that escapes it restarts it here."""
        failures = 0
        with logs.context(self.runtime.name):
            while not self.stopping.is_set():
                try:
                    self.consumer.run()
                    return
                except Exception as exc:  # a dead consumer would leave the queue unread: restart it
                    self.consumer.reset()
                    self._failed("consumer", exc, failures)
                    failures += 1
                    self.consumer.beat = time.monotonic()

    def liveness(self) -> tuple[dict[str, str], bool]:
        """The consumer and the relay: their threads run and came round within ``worker_stall_seconds``."""
        now, stall = time.monotonic(), self.runtime.settings.worker_stall_seconds
        beats = {"consumer": self.consumer.beat, "relay": self.beats.get("relay", now)}
        checks = {}
        for name, beat in beats.items():
            thread = self.threads.get(name)
            if thread is None or not thread.is_alive():
                checks[name] = "dead"
            elif now - beat > stall:
                checks[name] = f"stalled for {now - beat:.0f}s"
            else:
                checks[name] = "ok"
        return checks, all(v == "ok" for v in checks.values())

    def start(self) -> None:
        """Start every loop in background threads (the embedded profile runs five workers this way)."""
        plans: list[tuple[str, Callable[[], None]]] = [
            ("consumer", self._consume),
            ("relay", lambda: self._loop("relay", lambda: self.relay.publish_batch() > 0, self._relay_idle)),
            ("maintenance", lambda: self._loop("maintenance", self._maintenance,
                                               lambda: self.stopping.wait(MAINTENANCE_INTERVAL_SECONDS))),
        ]
        plans += [(f"task:{task.name}", lambda task=task: self._task_loop(task)) for task in self.runtime.spec.tasks(self.runtime)]
        for name, target in plans:
            thread = threading.Thread(target=target, name=f"{self.runtime.name}-{name}", daemon=True)
            thread.start()
            self.threads[name] = thread

    def stop(self, timeout: float = 30) -> None:
        self.stopping.set()
        self.consumer.stop()
        self.relay.wakeup.set()
        deadline = time.monotonic() + timeout
        for thread in self.threads.values():
            thread.join(max(0.0, deadline - time.monotonic()))
        self.consumer.close()
        self.relay.reset()


def probes_app(worker: Worker) -> Callable:
    """The worker's HTTP port: ``/metrics``, ``/healthz`` (liveness) and ``/readyz`` (readiness), JSON."""
    prometheus = make_wsgi_app()

    def app(environ: dict, start_response: Callable) -> object:
        path = Request(environ).path
        if path not in ("/healthz", "/readyz"):
            return prometheus(environ, start_response)
        checks, ok = worker.liveness() if path == "/healthz" else worker.runtime.readiness()
        status = ("alive" if ok else "dead") if path == "/healthz" else ("ready" if ok else "not_ready")
        body = json.dumps({"status": status, "service": worker.runtime.name, "checks": checks})
        return Response(body, status=200 if ok else 503, mimetype="application/json")(environ, start_response)

    return app


def run(spec: ServiceSpec) -> None:
    """Entry point of ``python -m <service>.worker``: serve the probes and metrics, run until SIGTERM or SIGINT."""
    runtime = Runtime.build(spec)
    logs.configure(runtime.settings.log_level)
    worker = Worker(runtime)
    server = make_server(runtime.settings.http_host, runtime.settings.worker_metrics_port, probes_app(worker), threaded=True)
    threading.Thread(target=server.serve_forever, name="probes", daemon=True).start()
    done = threading.Event()

    def _terminate(signum: int, _frame: object) -> None:
        log.info("stopping worker", extra={"signal": signum})
        done.set()

    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, _terminate)
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # `kill -USR1`: every thread's stack, to see a hang
    worker.start()
    log.info("worker started", extra={"queue": runtime.topology.queue})
    done.wait()
    worker.stop(timeout=runtime.settings.worker_shutdown_seconds)
    tracing.shutdown()
    runtime.dispose()
