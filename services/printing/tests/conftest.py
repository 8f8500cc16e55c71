"""What the printing tests need running: CUPS with a cups-pdf queue, and the card-printer emulator."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from printing.card import CardFields, Issue

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
SETUP_CUPS = HERE.parent / "scripts" / "setup_cups.sh"


@dataclass(frozen=True)
class Cups:
    queue_uri: str
    pdf_dir: Path


@pytest.fixture(scope="session")
def cups() -> Iterator[Cups]:
    """CUPS with the cups-pdf queue, installed and started by scripts/setup_cups.sh (idempotent).
    A scheduler this fixture started is stopped again at the end of the session."""
    done = subprocess.run(["bash", str(SETUP_CUPS)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"setup_cups.sh failed:\n{done.stderr}"
    values = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    yield Cups(queue_uri=values["queue_uri"], pdf_dir=Path(values["pdf_dir"]))
    if "started_cupsd" in values:
        os.kill(int(values["started_cupsd"]), signal.SIGTERM)
        # Wait until it is gone, so a test session right after this one starts its own.
        for _ in range(50):
            if "is not running" in subprocess.run(["lpstat", "-r"], capture_output=True, text=True).stdout:
                break
            time.sleep(0.2)


@pytest.fixture(scope="session")
def pdftoppm() -> str:
    path = shutil.which("pdftoppm")
    if path is None:
        done = subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "poppler-utils"],
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"cannot install poppler-utils:\n{done.stderr}"
        path = shutil.which("pdftoppm")
    assert path is not None
    return path


@dataclass
class Emulator:
    host: str
    port: int
    output_dir: Path

    @property
    def uri(self) -> str:
        return f"cardprinter://{self.host}:{self.port}"

    def control(self, *commands: str) -> list[str]:
        """Send SIM/STATUS lines over the protocol, as an operator console or test harness would."""
        with socket.create_connection((self.host, self.port), timeout=5) as sock, sock.makefile("rwb") as stream:
            replies = []
            for command in commands:
                stream.write(command.encode("ascii") + b"\r\n")
                stream.flush()
                replies.append(stream.readline().decode("ascii").strip())
            return replies

    def status(self) -> dict[str, str]:
        reply = self.control("STATUS")[0]
        return dict(token.split("=", 1) for token in reply.split()[1:])


@pytest.fixture(scope="session")
def emulator_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """`python -m printing.emulator` as its own process on a free port."""
    output_dir = tmp_path_factory.mktemp("hopper")
    process = subprocess.Popen(
        [sys.executable, "-m", "printing.emulator", "--port", "0", "--output-dir", str(output_dir)],
        stdout=subprocess.PIPE, text=True)
    try:
        first = process.stdout.readline() if process.stdout else ""
        assert "listening on" in first, f"emulator did not start: {first!r}"
        host, port = first.rsplit(" ", 1)[1].rsplit(":", 1)
        yield Emulator(host, int(port), output_dir)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def emulator(emulator_process: Emulator) -> Emulator:
    """The emulator in factory state (full feeder and ribbon, empty hopper, no faults, no jobs)."""
    assert emulator_process.control("SIM RESET")[0].startswith("OK")
    for card in emulator_process.output_dir.iterdir():
        card.unlink()
    return emulator_process


@pytest.fixture(scope="session")
def portrait() -> bytes:
    return (FIXTURES / "portrait.png").read_bytes()


@pytest.fixture(scope="session")
def signature() -> bytes:
    return (FIXTURES / "signature.png").read_bytes()


def _wni_card(**changes: object) -> CardFields:
    values: dict[str, object] = dict(
        nik="3273015507900003", nama="Siti Nurhaliza Putri", tempat_lahir="Bandung", tanggal_lahir=date(1990, 7, 15),
        jenis_kelamin="PEREMPUAN", golongan_darah="O", alamat="Jl. Merdeka No. 17", rt="3", rw="12",
        kelurahan_desa="Citarum", kecamatan="Bandung Wetan", agama="ISLAM", status_perkawinan="KAWIN",
        pekerjaan="KARYAWAN SWASTA", kewarganegaraan="WNI", provinsi="Jawa Barat", jenis_daerah="KOTA",
        kabupaten_kota="Bandung")
    values.update(changes)
    return CardFields(**values)  # type: ignore[arg-type]


def _wna_card(**changes: object) -> CardFields:
    values: dict[str, object] = dict(
        nik="5171010101800001", nama="Maximilian Alexander Friedrich von Hohenzollern-Sigmaringen Wittelsbach",
        tempat_lahir="Muenchen", tanggal_lahir=date(1980, 1, 1), jenis_kelamin="LAKI-LAKI",
        golongan_darah="TIDAK TAHU",
        alamat="Jalan Raya Pantai Berawa Gang Nusa Indah Nomor 123 Blok C Perumahan Taman Griya Asri Residence",
        rt="001", rw="005", kelurahan_desa="Tibubeneng", kecamatan="Kuta Utara",
        agama="KEPERCAYAAN TERHADAP TUHAN YME", status_perkawinan="BELUM KAWIN",
        pekerjaan="PEGAWAI NEGERI SIPIL (PNS)", kewarganegaraan="WNA", provinsi="Bali", jenis_daerah="KABUPATEN",
        kabupaten_kota="Badung", berlaku_hingga=date(2031, 3, 31))
    values.update(changes)
    return CardFields(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def wni_card() -> Callable[..., CardFields]:
    """A citizen's card (synthetic data); keyword arguments change fields."""
    return _wni_card


@pytest.fixture(scope="session")
def wna_card() -> Callable[..., CardFields]:
    """A foreign resident's card with a very long name, address and religion (synthetic data)."""
    return _wna_card


@pytest.fixture(scope="session")
def issue_bandung() -> Issue:
    return Issue("KOTA BANDUNG", date(2026, 11, 20))


@pytest.fixture(scope="session")
def issue_badung() -> Issue:
    return Issue("KAB. BADUNG", date(2026, 11, 20))
