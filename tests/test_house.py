"""What a service's installed package holds: its own code, never a protocol peer (SMTP server, SMS gateway,
SMSC, card-printer emulator, S3 runner) nor the test harness. Each package is built into a wheel as pip would
install it, and the wheel is read."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ["shared", *(f"services/{name}" for name in ("intake", "verification", "biometrics", "printing", "notify"))]
# What makes a module a peer: one of the peers' classes, or the server libraries they are built on.
PEER_CLASSES = sorted(set(re.findall(r"^class ([A-Z]\w+)", "\n".join(
    path.read_text() for path in (REPO / "peers" / "ektp_peers").glob("*.py")), re.M)))
PEER_CODE = re.compile(rf"^class ({'|'.join(PEER_CLASSES)})\b|^\s*(from|import)\s+(ektp_peers|aiosmtpd|smpp34)\b", re.M)

pytestmark = pytest.mark.slow


def wheel_of(package: str, tmp_path: Path) -> zipfile.ZipFile:
    source = tmp_path / "src" / package
    shutil.copytree(REPO / package, source, ignore=shutil.ignore_patterns("tests", "build", "*.egg-info", "__pycache__"))
    uv = Path(sys.executable).parent / "uv"
    done = subprocess.run([str(uv), "build", "--wheel", "--out-dir", str(tmp_path / "dist"), str(source)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    [built] = (tmp_path / "dist").glob("*.whl")
    return zipfile.ZipFile(built)


@pytest.mark.parametrize("package", PACKAGES)
def test_no_installed_package_ships_a_protocol_peer(package, tmp_path):
    wheel = wheel_of(package, tmp_path)
    modules = [name for name in wheel.namelist() if name.endswith(".py")]
    assert modules, "the wheel holds the package's modules"
    assert not any("/testing/" in name or "emulator" in name for name in modules), "test code is in the package"
    peers = [name for name in modules if PEER_CODE.search(wheel.read(name).decode())]
    assert peers == [], f"these modules are or use a protocol peer: {peers}"
