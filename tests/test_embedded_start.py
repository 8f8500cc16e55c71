"""`make run` (the embedded profile) when a port is taken: it stops what it had started before giving up, so no
service of a failed start lives on (in a test process its workers would consume the next suite's events)."""
from __future__ import annotations

import os
import socket

import pytest
import requests

from ektp_launcher.embedded import Suite
from ektp_shared.testing.ports import free_port

NAMES = ("intake", "verification", "biometrics", "printing", "notify")


def test_a_start_that_meets_a_taken_port_leaves_nothing_running(tmp_path):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    ports = {name: free_port() for name in NAMES} | {"notify": taken.getsockname()[1]}
    environ = {**os.environ, "EKTP_DATA_DIR": str(tmp_path / "var"),
               "EKTP_PRINTING_PRINTER_URI": f"cardprinter://127.0.0.1:{free_port()}",
               "EKTP_PORTAL_HTTP_PORT": str(free_port()), "EKTP_CONSOLE_HTTP_PORT": str(free_port()),
               **{f"EKTP_{name.upper()}_HTTP_PORT": str(port) for name, port in ports.items()},
               **{f"EKTP_{name.upper()}_URL": f"http://127.0.0.1:{port}" for name, port in ports.items()}}
    suite = Suite(environ)
    try:
        with pytest.raises(SystemExit):
            suite.start()
    finally:
        taken.close()
    assert suite.workers, "the services before notify had started"
    assert not any(thread.is_alive() for worker in suite.workers for thread in worker.threads.values())
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{ports['intake']}/healthz", timeout=2)
