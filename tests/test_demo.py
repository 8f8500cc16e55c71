"""`make demo` again and again against one running embedded system (make run's wiring), as a newcomer would."""
from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from ektp_launcher.embedded import Suite
from ektp_launcher.journey import SAMPLE_PEOPLE
from ektp_shared.testing.ports import free_port

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("intake", "verification", "biometrics", "printing", "notify")
pytestmark = pytest.mark.slow


def field(output: str, label: str) -> str:
    """A line of the demo's closing summary (``label``, spaces, value)."""
    return re.search(rf"^{label} +(.+)$", output, re.M).group(1)


def test_make_demo_reaches_collected_every_time_and_works_a_duplicate_once_the_samples_are_enrolled(tmp_path):
    data = tmp_path / "var"
    ports = {name: free_port() for name in SERVICES}
    environ = {**os.environ, "EKTP_DATA_DIR": str(data),
               "EKTP_PRINTING_PRINTER_URI": f"cardprinter://127.0.0.1:{free_port()}",
               "EKTP_PORTAL_HTTP_PORT": str(free_port()),
               **{f"EKTP_{name.upper()}_HTTP_PORT": str(port) for name, port in ports.items()},
               **{f"EKTP_{name.upper()}_URL": f"http://127.0.0.1:{port}" for name, port in ports.items()}}
    suite = Suite(environ).start()
    runs = len(SAMPLE_PEOPLE) + 1
    try:
        outputs = []
        for run in range(runs):
            done = subprocess.run(["make", "-s", "demo"], cwd=ROOT, env=environ, capture_output=True, text=True,
                                  timeout=300)
            assert done.returncode == 0, f"run {run + 1}: {done.stdout[-1500:]}{done.stderr[-1500:]}"
            outputs.append(done.stdout)
        kia = subprocess.run(["make", "-s", "demo", "DOCUMENT=kia"], cwd=ROOT, env=environ, capture_output=True,
                             text=True, timeout=300)
        assert kia.returncode == 0, f"KIA: {kia.stdout[-1500:]}{kia.stderr[-1500:]}"
    finally:
        suite.stop()

    ids = [field(out, "application id") for out in outputs]
    assert [field(out, "final status") for out in outputs] == ["COLLECTED"] * runs
    faces = [re.search(r"sample face (\w+),", out).group(1) for out in outputs]
    assert sorted(faces[:-1]) == sorted(face for face, _ in SAMPLE_PEOPLE), "each fresh run drew an unused person"
    assert all(field(out, "duplicate").startswith("none") for out in outputs[:-1])
    last = outputs[-1]
    assert "every sample person is enrolled already" in last
    assert field(last, "duplicate") == (f"yes, of application {ids[faces.index(faces[-1])]}; "
                                        "the adjudicator decided distinct")
    assert "ADJUDICATED" in field(last, "timeline") and "ADJUDICATED" not in field(outputs[0], "timeline")

    kept = [json.loads(line) for line in (data / "demo-runs.jsonl").read_text().splitlines()]
    assert [k["application_id"] for k in kept] == ids, "a child's card uses no sample face: no run recorded"
    assert [k["decision"] for k in kept] == [None] * (runs - 1) + ["distinct"]

    # make demo DOCUMENT=kia: a parent applies for their child's card; no capture, printed, handed to the parent.
    assert field(kia.stdout, "final status") == "COLLECTED"
    assert field(kia.stdout, "timeline") == "DRAFT -> SUBMITTED -> VERIFIED -> PRINTED -> READY_FOR_PICKUP -> COLLECTED"
    assert "a child's card (KIA) has no capture" in kia.stdout and "handed over to the parent who applied" in kia.stdout
