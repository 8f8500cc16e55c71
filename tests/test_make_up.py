"""`make up` after a hard stop: what the killed run left behind is found by its pid files and stopped, and the
next run comes up; a closed terminal stops everything; a second `make up` beside a running one, or over a port
another program holds, refuses and says what to do."""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

import psutil
import pytest
import requests

from ektp_launcher.pidfiles import PidFiles, stop
from ektp_shared.service import discover
from ektp_shared.settings import DEVELOPMENT, Settings, load
from ektp_shared.site import discover_sites
from ektp_shared.testing import infra
from ektp_shared.testing.ports import free_port

ROOT = Path(__file__).resolve().parents[1]
EVERY_PROCESS = {"seaweedfs", *(f"{name}-api" for name in [*discover(), *discover_sites()]),
                 *(f"{name}-worker" for name in discover())}


class MakeUp:
    """One `make up` in a session of its own, as in a terminal of its own."""

    started: list[MakeUp] = []

    def __init__(self, environ: dict[str, str], log: Path):
        self.log = log
        self.process = subprocess.Popen(["make", "-s", "up"], cwd=ROOT, env=environ, stdout=log.open("w"),
                                        stderr=subprocess.STDOUT, start_new_session=True)
        MakeUp.started.append(self)

    def output(self) -> str:
        return self.log.read_text()

    def wait_until_up(self, timeout: float = 600) -> None:  # ten Python processes start on two busy cores
        deadline = time.monotonic() + timeout
        while "Ctrl-C stops everything" not in self.output():
            assert self.process.poll() is None, f"make up exited ({self.process.returncode}):\n{self.output()[-3000:]}"
            assert time.monotonic() < deadline, f"make up not up after {timeout:.0f} s:\n{self.output()[-3000:]}"
            time.sleep(0.5)

    def signal_group(self, sig: int) -> None:
        os.killpg(self.process.pid, sig)
        self.process.wait(timeout=120)


@pytest.fixture
def environ(tmp_path):
    infra.require_postgres()
    infra.require_rabbitmq()
    infra.require_redis()
    prefix = f"ektp_up{uuid.uuid4().hex[:8]}"
    namespace = f"up{uuid.uuid4().hex[:8]}"
    ports = {name: free_port() for name in [*discover(), *discover_sites()]}
    yield {**os.environ, "EKTP_LOCAL_RUN_DIR": str(tmp_path / "local"), "EKTP_LOCAL_DATABASE_PREFIX": prefix,
           "EKTP_LOCAL_POSTGRES_URL": infra.POSTGRES_URL, "EKTP_LOCAL_RABBITMQ_URL": infra.RABBITMQ_URL,
           "EKTP_LOCAL_REDIS_URL": infra.REDIS_URL, "EKTP_BUS_NAMESPACE": namespace, "GUNICORN_WORKERS": "1",
           "EKTP_PRINTING_PRINTER_URI": f"cardprinter://127.0.0.1:{free_port()}",
           **{f"EKTP_{name.upper()}_HTTP_PORT": str(port) for name, port in ports.items()}}
    for make_up in MakeUp.started:  # a failed test leaves nothing running
        with contextlib.suppress(ProcessLookupError):
            os.killpg(make_up.process.pid, signal.SIGKILL)
    MakeUp.started.clear()
    left = PidFiles(tmp_path / "local" / "pids").running()
    stop(left, at_once=left)
    infra.delete_namespace(namespace, list(discover()), load(Settings, "test", DEVELOPMENT).retry_delays)
    for name in discover():
        infra.drop_database(f"{infra.POSTGRES_URL}/{prefix}_{name}")


@pytest.mark.slow
def test_make_up_comes_up_again_after_its_process_group_was_killed(environ, tmp_path):
    pids = PidFiles(tmp_path / "local" / "pids")
    intake = f"http://127.0.0.1:{environ['EKTP_INTAKE_HTTP_PORT']}"
    first = MakeUp(environ, tmp_path / "first.log")
    first.wait_until_up()
    assert set(pids.running()) == {"launcher", *EVERY_PROCESS}

    beside = subprocess.run(["make", "-s", "up"], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120)
    assert beside.returncode != 0
    assert f"make up is already running (pid {pids.running()['launcher'].pid})" in beside.stderr

    first.signal_group(signal.SIGKILL)
    deadline = time.monotonic() + 30
    while "launcher" in pids.running():  # a killed process may take a moment to go on a busy machine
        assert time.monotonic() < deadline, "the killed launcher is still running"
        time.sleep(0.2)
    left = pids.running()
    assert set(left) == EVERY_PROCESS, \
        "SeaweedFS, the APIs, the workers and the portal, each in a group of its own, outlive the killed launcher"

    second = MakeUp(environ, tmp_path / "second.log")
    second.wait_until_up()
    said = second.output().splitlines()[0]
    assert said.startswith("stopping what an earlier make up left running: ")
    assert all(f"{name} (pid {process.pid})" in said for name, process in left.items())
    assert not any(process.is_running() for process in left.values())
    assert requests.get(f"{intake}/readyz", timeout=5).status_code == 200
    started = pids.running()

    second.signal_group(signal.SIGHUP)  # the terminal closed
    _, alive = psutil.wait_procs(started.values(), timeout=10)
    assert not alive, f"still running after the stop: {alive}"
    assert not pids.running() and not list(pids.folder.glob("*.pid"))
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{intake}/readyz", timeout=5)


@pytest.mark.slow
def test_make_up_refuses_a_port_another_program_holds(environ):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", int(environ["EKTP_VERIFICATION_HTTP_PORT"])))
        squatter.listen()
        refused = subprocess.run(["make", "-s", "up"], cwd=ROOT, env=environ, capture_output=True, text=True,
                                 timeout=120)
    assert refused.returncode != 0
    assert f"port {environ['EKTP_VERIFICATION_HTTP_PORT']} (verification) is in use by pid {os.getpid()}" in refused.stderr
    assert "EKTP_VERIFICATION_HTTP_PORT" in refused.stderr


def test_a_pid_file_names_its_process_only_while_that_very_process_runs(tmp_path):
    """make up stops what its pid files name: never a program that got the pid of a process since gone."""
    pids = PidFiles(tmp_path / "pids")
    sleeper = subprocess.Popen(["sleep", "60"])
    try:
        pids.record("intake-api", sleeper.pid)
        assert pids.running()["intake-api"].pid == sleeper.pid
        started = float((tmp_path / "pids" / "intake-api.pid").read_text().split()[1])
        (tmp_path / "pids" / "intake-api.pid").write_text(f"{sleeper.pid} {started - 3600}\n")  # an older holder
        assert pids.running() == {}
        assert not (tmp_path / "pids" / "intake-api.pid").exists()
    finally:
        sleeper.kill()
        sleeper.wait()
    pids.record("intake-worker", os.getpid())
    (tmp_path / "pids" / "gone.pid").write_text("4194304 0.0\n")  # above Linux's largest pid: never running
    assert set(pids.running()) == {"intake-worker"}
