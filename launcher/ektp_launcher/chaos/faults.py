"""The faults the chaos run injects while the load runs, each at a random time, and the timeline of what
happened when."""
from __future__ import annotations

import dataclasses
import os
import random
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

from ..local import LocalCluster
from .infrastructure import PostgresCluster, RabbitNode, TcpProxy


@dataclasses.dataclass(frozen=True)
class Plan:
    process_kills: int = 3  # per worker and per API
    broker_restarts: int = 2
    database_restarts: int = 1
    network_cut_seconds: float = 30


@dataclasses.dataclass
class Timeline:
    started: float = dataclasses.field(default_factory=time.time)
    entries: list[tuple[float, float, str]] = dataclasses.field(default_factory=list)  # (from, to, what)
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    def record(self, began: float, what: str) -> None:
        with self.lock:
            self.entries.append((began - self.started, time.time() - self.started, what))

    def outages(self) -> list[tuple[float, float]]:
        """Absolute (from, to) of the planned outages of shared infrastructure, with a margin to recover."""
        return [(self.started + a, self.started + b + 30) for a, b, what in self.entries if not what.startswith("SIGKILL")]


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class Faults:
    def __init__(self, cluster: LocalCluster, broker: RabbitNode, database: PostgresCluster, proxy: TcpProxy,
                 plan: Plan, seed: int = 12):
        self.cluster = cluster
        self.broker = broker
        self.database = database
        self.proxy = proxy
        self.plan = plan
        self.rng = random.Random(seed)
        self.timeline = Timeline()
        self.failures: list[str] = []
        self._lock = threading.Lock()  # one fault of shared infrastructure at a time

    def schedule(self, window: float) -> list[tuple[float, str, Callable[[], None]]]:
        """Every fault at a random moment of the first ``window`` seconds (the rest lets the load finish)."""
        faults: list[tuple[str, Callable[[], None]]] = []
        for service in self.cluster.specs:
            for _ in range(self.plan.process_kills):
                faults.append((f"SIGKILL {service} worker", lambda s=service: self._kill(s, "worker")))
                faults.append((f"SIGKILL {service} API", lambda s=service: self._kill(s, "api")))
        faults += [("broker stopped and restarted", self._restart_broker)] * self.plan.broker_restarts
        faults += [("PostgreSQL crashed (immediate stop) and restarted", self._restart_database)] * self.plan.database_restarts
        if self.plan.network_cut_seconds:
            faults.append((f"network to the broker cut for {self.plan.network_cut_seconds:.0f} s", self._cut_network))
        return sorted((self.rng.uniform(0.05, 1) * window, what, act) for what, act in faults)

    def run(self, window: float, stop: threading.Event) -> None:
        threads = []
        for at, what, act in self.schedule(window):
            if stop.wait(max(0.0, self.timeline.started + at - time.time())):
                break
            thread = threading.Thread(target=self._do, args=(what, act), name=f"fault {what}", daemon=True)
            thread.start()
            threads.append(thread)
        for thread in threads:
            thread.join()

    def _do(self, what: str, act: Callable[[], None]) -> None:
        began = time.time()
        try:
            act()
        except Exception as exc:  # a fault that could not be injected is reported, not hidden
            self.failures.append(f"{what}: {type(exc).__name__}: {exc}")
        self.timeline.record(began, what)

    def _kill(self, service: str, component: str) -> None:
        processes = self.cluster.workers if component == "worker" else self.cluster.apis
        process = processes.get(service)
        if process is not None:
            # The whole pod: gunicorn's master and its worker processes at once.
            for pid in [*_children(process.pid), process.pid]:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            process.wait(timeout=30)
        time.sleep(self.rng.uniform(0.5, 3))  # a supervisor (Kubernetes, the harness) restarts it
        (self.cluster.start_worker if component == "worker" else self.cluster.start_api)(service)

    def _restart_broker(self) -> None:
        with self._lock:
            self.broker.stop()
            time.sleep(self.rng.uniform(2, 8))
            self.broker.start()

    def _restart_database(self) -> None:
        with self._lock:
            self.database.crash()
            time.sleep(self.rng.uniform(2, 8))
            self.database.start()

    def _cut_network(self) -> None:
        with self._lock:
            self.proxy.cut()
            time.sleep(self.plan.network_cut_seconds)
            self.proxy.restore()
