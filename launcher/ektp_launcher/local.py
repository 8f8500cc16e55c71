"""The real profile on one machine (``make up``): for each service an API under gunicorn and a worker, as
separate processes, each service with a broker user of its own (``broker_accounts``), against the machine's RabbitMQ, PostgreSQL (one database per service) and Redis (rate limits), a
SeaweedFS S3 server, and the Midtrans fake unless the environment names a payment gateway. The end-to-end
tests start the same cluster (``LocalCluster``) and kill its
processes to prove nothing is lost.

``make up`` keeps a pid file for each process it starts (``var/local/pids/``): the next one stops what a hard
stop (SIGKILL, a crash) left running, and refuses to start beside a running one or over a port another program
holds. SIGINT, SIGTERM and SIGHUP (a closed terminal) stop everything it started, SeaweedFS included.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import requests
from ektp_peers.seaweedfs import ACCESS_KEY, SECRET_KEY, SeaweedFS

from ektp_shared.service import Runtime, ServiceSpec, discover
from ektp_shared.settings import DEVELOPMENT
from ektp_shared.site import SiteSpec, discover_sites
from ektp_shared.testing.ports import free_port, wait_for_port

from . import peers
from .broker_accounts import BrokerAccounts
from .pidfiles import PidFiles, stop

# Load tests and benchmarks on one machine send every applicant from one address: the per-address limits would
# count them as one citizen (the per-NIK limits still apply).
ONE_ADDRESS_FOR_ALL = {f"EKTP_INTAKE_LIMIT_{name}": "1000000 per minute"
                       for name in ("CODE_REQUESTS", "CODE_CHECKS", "DRAFTS", "TRACKING")}
# A journey on this machine collects its card the day it is printed (printing refuses a handover before the
# pickup date, one working day after printing by default); the environment may say otherwise.
SAME_DAY_PICKUP = {"EKTP_PRINTING_PICKUP_AFTER_DAYS": "0"}
POSTGRES_URL = os.environ.get("EKTP_LOCAL_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
RABBITMQ_URL = os.environ.get("EKTP_LOCAL_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")
REDIS_URL = os.environ.get("EKTP_LOCAL_REDIS_URL", "redis://127.0.0.1:6379/0")
DATABASE_PREFIX = os.environ.get("EKTP_LOCAL_DATABASE_PREFIX", "ektp")  # databases <prefix>_<service>


class LocalCluster:
    def __init__(self, run_dir: Path, environ: dict[str, str], databases: dict[str, str], ports: dict[str, int] | None = None,
                 gunicorn_workers: int = 1, accounts: BrokerAccounts | None = None):
        self.run_dir = Path(run_dir)
        self.environ = environ
        self.databases = databases
        self.specs: dict[str, ServiceSpec] = discover()
        self.sites: dict[str, SiteSpec] = discover_sites()
        self.ports = ports or {name: free_port() for name in [*self.specs, *self.sites]}
        self.metrics_ports = {name: free_port() for name in self.specs}
        self.gunicorn_workers = gunicorn_workers
        self.pids = PidFiles(self.run_dir / "pids")
        self.apis: dict[str, subprocess.Popen] = {}
        self.workers: dict[str, subprocess.Popen] = {}
        self.printers: list = []
        self.gateway = None  # the Midtrans fake, unless the environment names a payment gateway
        self.accounts = accounts  # one broker user per service with its own permissions; else environ's URL
        self.broker_urls: dict[str, str] = {}

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def worker_metrics_url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.metrics_ports[service]}/metrics"

    def _env(self, service: str) -> dict[str, str]:
        env = {**SAME_DAY_PICKUP, **os.environ, **self.environ, "EKTP_HTTP_HOST": "127.0.0.1", "EKTP_HTTP_PORT": str(self.ports[service]),
               "PYTHONUNBUFFERED": "1"}
        if service in self.specs:
            env.update({"EKTP_DATABASE_URL": self.databases[service],
                        "EKTP_WORKER_METRICS_PORT": str(self.metrics_ports[service])})
        env.update({f"EKTP_{name.upper()}_URL": self.url(name) for name in self.specs})
        if service in self.broker_urls:
            env["EKTP_BROKER_URL"] = self.broker_urls[service]
        return env

    def _log(self, name: str):
        self.run_dir.mkdir(parents=True, exist_ok=True)
        return open(self.run_dir / f"{name}.log", "ab")

    def migrate(self) -> None:
        """Every service's migrations at once (each has its own database)."""
        running = {name: subprocess.Popen([sys.executable, "-m", "ektp_shared.migrations", name, "upgrade", "head"],
                                          env=self._env(name), stdout=subprocess.DEVNULL) for name in self.specs}
        failed = [name for name, process in running.items() if process.wait() != 0]
        if failed:
            raise RuntimeError(f"migrations failed: {', '.join(failed)}")

    # Each API and worker runs in a process group of its own: a terminal's Ctrl-C or hang-up reaches the launcher
    # alone, which stops them in order (gunicorn would take a hang-up for "reload"); after a hard stop of the
    # launcher they are found again by their pid files.
    def start_api(self, service: str) -> None:
        """A service's API or a site, under gunicorn as in production."""
        metrics_dir = self.run_dir / f"prometheus-{service}"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(parents=True)
        env = {**self._env(service), "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), "GUNICORN_WORKERS": str(self.gunicorn_workers)}
        if service in self.sites:
            env[f"EKTP_{service.upper()}_COOKIE_SECURE"] = "false"  # plain HTTP on this machine
        self.apis[service] = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:ektp_shared.gunicorn_conf", f"{service}.wsgi:app"],
            env=env, stdout=self._log(f"{service}-api"), stderr=subprocess.STDOUT, process_group=0)
        self.pids.record(f"{service}-api", self.apis[service].pid)

    def start_worker(self, service: str) -> None:
        self.workers[service] = subprocess.Popen([sys.executable, "-m", f"{service}.worker"], env=self._env(service),
                                                 stdout=self._log(f"{service}-worker"), stderr=subprocess.STDOUT,
                                                 process_group=0)
        self.pids.record(f"{service}-worker", self.workers[service].pid)

    def kill_worker(self, service: str, sig: int = signal.SIGKILL) -> None:
        process = self.workers.pop(service)
        process.send_signal(sig)
        process.wait(timeout=60)
        self.pids.forget(f"{service}-worker")

    def prepare_bus(self) -> None:
        """A broker user per service, and every service's exchanges, queues and bindings declared before any
        process starts, as the topology operator does in Kubernetes: an event published while its consumer's
        worker is still starting would otherwise be routed nowhere."""
        environ = {**os.environ, **self.environ}
        # Only the bus is wanted here: the launcher's own process traces nothing.
        runtimes = {name: Runtime.build(spec, spec.load_settings(environ, otlp_endpoint=""))
                    for name, spec in self.specs.items()}
        self.broker_urls = self.accounts.create({name: runtime.topology for name, runtime in runtimes.items()},
                                                environ["EKTP_BROKER_URL"])
        for runtime in runtimes.values():
            with runtime.broker.connect() as connection:
                runtime.broker.declare(connection.default_channel)

    def start(self, timeout: float = 360) -> "LocalCluster":
        if self.accounts is not None and not self.broker_urls:
            self.prepare_bus()
        self.gateway, paying = peers.payment_gateway({
            **os.environ, **self.environ, "EKTP_INTAKE_HTTP_PORT": str(self.ports["intake"]),
            "EKTP_PORTAL_HTTP_PORT": str(self.ports.get("portal", 8000))})
        self.environ.update(paying)
        if self.gateway is not None:
            self.gateway.start()
        self.migrate()
        self.printers = peers.card_printers({name: spec.load_settings({**os.environ, **self.environ})
                                             for name, spec in self.specs.items()})
        for name in self.specs:
            self.start_api(name)
            self.start_worker(name)
        for name in self.sites:
            self.start_api(name)
        deadline = time.monotonic() + timeout
        for name in self.specs:
            wait_for_port(self.ports[name], timeout=max(1.0, deadline - time.monotonic()))
            wait_for_port(self.metrics_ports[name], timeout=max(1.0, deadline - time.monotonic()))
            self._wait_ready(name, deadline)
        for name in self.sites:
            self._wait_ready(name, deadline)
        return self

    def _wait_ready(self, service: str, deadline: float) -> None:
        probe = "/healthz" if service in self.sites else "/readyz"  # a site depends on no store of its own
        while True:
            try:
                if requests.get(f"{self.url(service)}{probe}", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{service} is not ready; see {self.run_dir}/{service}-api.log")
            time.sleep(0.2)

    def stop(self) -> None:
        stop_processes([*self.apis.values(), *self.workers.values()])
        for service in self.apis:
            self.pids.forget(f"{service}-api")
        for service in self.workers:
            self.pids.forget(f"{service}-worker")
        self.apis.clear()
        self.workers.clear()
        for printer in self.printers:
            printer.stop()
        self.printers.clear()
        if self.gateway is not None:
            self.gateway.stop()
            self.gateway = None
        if self.accounts is not None:
            self.accounts.delete()
            self.broker_urls.clear()


def stop_processes(processes: list[subprocess.Popen], timeout: float = 30) -> None:
    """SIGTERM (workers finish the message in hand), then SIGKILL whatever is still there after ``timeout``."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()


def ensure_database(name: str) -> str:
    from sqlalchemy import create_engine, text

    admin = create_engine(f"{POSTGRES_URL}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{POSTGRES_URL}/{name}"


def seaweeds_on(folder: Path) -> list[psutil.Process]:
    """The weed servers keeping ``folder`` (one no pid file names: a make up older than the pid files)."""
    wanted = folder.resolve()
    found = []
    for process in psutil.process_iter(["name", "cmdline", "cwd"]):
        if process.info["name"] == "weed" and any(
                arg.startswith("-dir=") and (Path(process.info["cwd"] or "/") / arg[5:]).resolve() == wanted
                for arg in process.info["cmdline"] or ()):
            found.append(process)
    return found


def holder(port: int) -> str | None:
    """Who listens on ``port`` already (None when it is free)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a closed connection's TIME_WAIT is no holder
        try:
            probe.bind(("127.0.0.1", port))
            return None
        except OSError:
            pass
    with contextlib.suppress(psutil.Error):  # another user's process is not ours to see
        for connection in psutil.net_connections("tcp"):
            if connection.laddr.port == port and connection.status == psutil.CONN_LISTEN and connection.pid:
                return f"pid {connection.pid} ({' '.join(psutil.Process(connection.pid).cmdline())[:120]})"
    return "another program"


def clear_leftovers(pids: PidFiles, seaweed_dir: Path, ports: dict[str, int]) -> None:
    """Stop what an earlier make up left running after a hard stop; refuse to start over a running one, or
    when another program holds a service's port."""
    running = pids.running()
    launcher = running.pop("launcher", None)
    if launcher is not None:
        raise SystemExit(f"make up is already running (pid {launcher.pid}); stop it first (Ctrl-C in its terminal, "
                         f"or kill {launcher.pid}), then start it again")
    known = {process.pid for process in running.values()}
    running.update({f"seaweedfs-{process.pid}": process for process in seaweeds_on(seaweed_dir)
                    if process.pid not in known})
    if running:
        print("stopping what an earlier make up left running: "
              + ", ".join(f"{name} (pid {process.pid})" for name, process in running.items()), flush=True)
        # weed takes its time over SIGTERM and keeps nothing in memory worth the wait (SeaweedFS.stop kills it too)
        stop(running, at_once=[name for name in running if name.startswith("seaweedfs")])
        for name in running:
            pids.forget(name)
    taken = {service: (port, holder(port)) for service, port in ports.items()}
    taken = {service: found for service, found in taken.items() if found[1]}
    if taken:
        raise SystemExit("\n".join(
            f"port {port} ({service}) is in use by {who}: stop it (`make run` uses the same ports), or give "
            f"{service} another port with EKTP_{service.upper()}_HTTP_PORT; then start make up again"
            for service, (port, who) in taken.items()))


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
STARTUP_SECONDS = 600  # a dozen processes importing their libraries on a small, busy laptop


class Stop(Exception):
    """Ctrl-C, a kill or a closed terminal: make up stops everything it started on the way out."""


def _stop(*_: object) -> None:
    raise Stop


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the local real profile in the foreground (Ctrl-C stops it).")
    parser.add_argument("command", choices=["up"])
    parser.add_argument("--run-dir", default=os.environ.get("EKTP_LOCAL_RUN_DIR", "var/local"))
    args = parser.parse_args()
    run_dir = Path(args.run_dir)
    specs = discover()
    sites = discover_sites()
    ports = {name: spec.load_settings({**os.environ, **DEVELOPMENT}).http_port for name, spec in [*specs.items(), *sites.items()]}
    pids = PidFiles(run_dir / "pids")
    for sig in STOP_SIGNALS:
        signal.signal(sig, _stop)
    try:
        up(run_dir, specs, sites, ports, pids)
    except Stop:
        pass


def up(run_dir: Path, specs: dict[str, ServiceSpec], sites: dict[str, SiteSpec], ports: dict[str, int],
       pids: PidFiles) -> None:
    seaweed = SeaweedFS(run_dir / "seaweedfs")
    clear_leftovers(pids, seaweed.data_dir, ports)
    pids.record("launcher", os.getpid())
    cluster = None
    try:
        pids.record("seaweedfs", seaweed.launch())
        seaweed.ready(timeout=STARTUP_SECONDS)
        environ = {**DEVELOPMENT, "EKTP_BROKER_URL": RABBITMQ_URL, "EKTP_RATE_LIMIT_STORAGE_URI": REDIS_URL,
                   "EKTP_S3_ENDPOINT": seaweed.endpoint, "EKTP_S3_ACCESS_KEY": ACCESS_KEY, "EKTP_S3_SECRET_KEY": SECRET_KEY,
                   "EKTP_DATA_DIR": str(run_dir)}
        cluster = LocalCluster(run_dir, environ, {name: ensure_database(f"{DATABASE_PREFIX}_{name}") for name in specs},
                               ports=ports, gunicorn_workers=int(os.environ.get("GUNICORN_WORKERS", "2")),
                               accounts=BrokerAccounts())
        cluster.start(timeout=STARTUP_SECONDS)
        for name in sites:
            print(f"{name:>12}: {cluster.url(name)}", flush=True)
        for name in specs:
            print(f"{name:>12}: {cluster.url(name)}  (worker metrics {cluster.worker_metrics_url(name)})", flush=True)
        print(f"logs in {run_dir}/; Ctrl-C stops everything", flush=True)
        while True:
            signal.pause()
    finally:
        for sig in STOP_SIGNALS:  # one stop, which a second signal does not cut short
            signal.signal(sig, signal.SIG_IGN)
        if cluster is not None:
            cluster.stop()
        seaweed.stop()
        pids.forget("seaweedfs")
        pids.forget("launcher")


if __name__ == "__main__":
    main()
