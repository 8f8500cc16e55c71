"""A service's worker: the event consumer, the outbox relay and the periodic tasks, as threads of one
process. SIGTERM stops consuming, lets the message in hand finish, and exits (Kubernetes sends it
``terminationGracePeriodSeconds`` before killing the pod)."""
from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable

from prometheus_client import start_http_server

from . import logs
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
                                 runtime.outbox_written, settings.outbox_batch_size, settings.outbox_retention_seconds)
        self.consumer = EventConsumer(runtime.broker, Dispatcher.of(runtime))
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    def _loop(self, name: str, step: Callable[[], bool], idle_wait: Callable[[], None]) -> None:
        """Run ``step`` until stopped; it returns True when it did work (then runs again at once)."""
        failures = 0
        with logs.context(self.runtime.name):
            while not self.stopping.is_set():
                try:
                    busy = step()
                    failures = 0
                except Exception as exc:  # keep the loop alive; back off while the broker or database is away
                    delay = FAILURE_BACKOFF_SECONDS[min(failures, len(FAILURE_BACKOFF_SECONDS) - 1)]
                    failures += 1
                    log.warning("worker loop failed", extra={"loop": name, "error": type(exc).__name__, "retry_in": delay})
                    if name == "relay":
                        self.relay.reset()
                    self.stopping.wait(delay)
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
        with logs.context(self.runtime.name):
            self.consumer.run()

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
            self.threads.append(thread)

    def stop(self, timeout: float = 30) -> None:
        self.stopping.set()
        self.consumer.stop()
        self.relay.wakeup.set()
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self.consumer.close()
        self.relay.reset()


def run(spec: ServiceSpec) -> None:
    """Entry point of ``python -m <service>.worker``: serve worker metrics, run until SIGTERM or SIGINT."""
    runtime = Runtime.build(spec)
    logs.configure(runtime.settings.log_level)
    start_http_server(runtime.settings.worker_metrics_port, addr=runtime.settings.http_host)
    worker = Worker(runtime)
    done = threading.Event()

    def _terminate(signum: int, _frame: object) -> None:
        log.info("stopping worker", extra={"signal": signum})
        done.set()

    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, _terminate)
    worker.start()
    log.info("worker started", extra={"queue": runtime.topology.queue})
    done.wait()
    worker.stop(timeout=runtime.settings.worker_shutdown_seconds)
    runtime.dispose()
