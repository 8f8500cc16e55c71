"""The README's curl walk-through, run as written against the embedded profile (make run's wiring)."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from ektp_launcher.embedded import Suite
from ektp_shared.testing.ports import free_port

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def walkthrough() -> str:
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- walkthrough:begin -->\n```bash\n(.*?)```\n<!-- walkthrough:end -->", readme, re.S)
    assert block, "the README lost its walk-through"
    return block.group(1)


def test_the_readme_walkthrough_takes_an_application_to_collected(tmp_path):
    names = ("intake", "verification", "biometrics", "printing", "notify")
    ports = {name: free_port() for name in names}
    environ = {"EKTP_DATA_DIR": str(tmp_path / "var"), "EKTP_PRINTING_PRINTER_URI": f"cardprinter://127.0.0.1:{free_port()}",
               "EKTP_PORTAL_HTTP_PORT": str(free_port()),
               **{f"EKTP_{name.upper()}_HTTP_PORT": str(port) for name, port in ports.items()},
               **{f"EKTP_{name.upper()}_URL": f"http://127.0.0.1:{port}" for name, port in ports.items()}}
    suite = Suite({**os.environ, **environ}).start()
    try:
        shell = {**os.environ, "OUTBOX": str(tmp_path / "var" / "outbox"),
                 **{name.upper(): f"http://127.0.0.1:{port}" for name, port in ports.items()}}
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", walkthrough()], cwd=ROOT, env=shell,
                              capture_output=True, text=True, timeout=300)
    finally:
        suite.stop()
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "COLLECTED"
