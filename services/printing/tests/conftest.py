"""What the printing tests need running: CUPS with a cups-pdf queue, and the card-printer emulator."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from ektp_shared.contracts import CloudEvent
from ektp_shared.contracts.biometrics import BIOMETRICS_ENROLLED
from ektp_shared.contracts.verification import APPLICATION_VERIFIED
from ektp_shared.db import utcnow
from ektp_shared.testing import debian, infra
from ektp_shared.testing.harness import ServiceHarness
from printing import blank_cards, printers, tasks
from printing.card_front import CardFields, Issue
from printing.service import SERVICE

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
SETUP_CUPS = HERE.parent / "scripts" / "setup_cups.sh"


@dataclass(frozen=True)
class Cups:
    queue_uri: str
    pdf_dir: Path


CUPS_COMMANDS = {"cupsd": "cups", "lpadmin": "cups-client", "lpr": "cups-bsd", "ipptool": "cups-ipp-utils",
                 "pdftoppm": "poppler-utils", "pdfinfo": "poppler-utils"}
CUPS_PDF_BACKEND = Path("/usr/lib/cups/backend/cups-pdf")


@pytest.fixture(scope="session")
def cups() -> Iterator[Cups]:
    """CUPS with the cups-pdf queue: the Debian packages installed when missing (package lists refreshed
    first), then the scheduler and the queue set up by scripts/setup_cups.sh (idempotent). What cannot be
    had is named: a skip on a developer's machine, a failure under CI=true. A scheduler this fixture
    started is stopped again at the end of the session."""
    needed = dict(CUPS_COMMANDS)
    if not CUPS_PDF_BACKEND.exists():
        needed[str(CUPS_PDF_BACKEND)] = "printer-driver-cups-pdf"
    problem = debian.ensure_commands(needed)
    if problem:
        infra.unavailable(f"CUPS for the printing tests: {problem}")
    done = subprocess.run(["bash", str(SETUP_CUPS)], capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        infra.unavailable(f"CUPS for the printing tests could not be set up: {done.stderr.strip()[-800:]}")
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
    problem = debian.ensure_commands({"pdftoppm": "poppler-utils"})
    if problem:
        infra.unavailable(f"rendering printed PDFs: {problem}")
    return shutil.which("pdftoppm")


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
    """`python -m ektp_peers.card_printer` as its own process on a free port."""
    output_dir = tmp_path_factory.mktemp("hopper")
    process = subprocess.Popen(
        [sys.executable, "-m", "ektp_peers.card_printer", "--port", "0", "--output-dir", str(output_dir)],
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


# --- the printing service in one test: its runtime, events fed through the real dispatcher, its API ---

OFFICE = {"code": "DISDUKCAPIL-3273", "name": "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL KOTA BANDUNG",
          "address": "Jl. Ambon No. 1B, Bandung", "timezone": "Asia/Jakarta"}


def holder(nik: str = "3273015507900003", kk_number: str = "3273010101200001", **changes: object) -> dict:
    """A verified card holder (synthetic) of Kota Bandung, as application.verified.v1 carries it."""
    values: dict[str, object] = {
        "nik": nik, "kk_number": kk_number, "full_name": "Siti Nurhaliza Putri", "birth_place": "Bandung",
        "birth_date": "1990-07-15", "gender": "PEREMPUAN", "blood_type": "O", "religion": "ISLAM",
        "marital_status": "KAWIN", "occupation": "KARYAWAN SWASTA", "citizenship": "WNI",
        "address": {"street": "Jl. Merdeka No. 17", "rt": "003", "rw": "012", "village_code": "32.73.01.1001"}}
    values.update(changes)
    return values


class World(ServiceHarness):
    """One printing service (embedded profile: SQLite, objects in a folder) with helpers to feed it events
    the way the bus does, run its worker's tasks, and call its API as an operator."""

    # The operator of these tests works for every office they use (the office boundary has its own tests).
    offices = (OFFICE["code"], "DISDUKCAPIL-3201", "DISDUKCAPIL-3204", "DISDUKCAPIL-3277", "DISDUKCAPIL-3278")

    office = OFFICE

    def __init__(self, runtime, portrait: bytes):
        super().__init__(runtime)
        self.portrait = portrait

    # events in
    def deliver_event(self, event: CloudEvent) -> str:
        return self.dispatch(event.to_dict(), {}).outcome.value

    def verified(self, application_id: str, kind: str = "new", office: dict | None = None, **holder_changes):
        event = CloudEvent.new(source="/ektp/verification", type=APPLICATION_VERIFIED.type, correlationid=application_id,
                               data={"application_id": application_id, "receipt_number": f"KTP-{application_id[:6].upper()}",
                                     "kind": kind, "verified_at": "2026-11-20T03:00:00+00:00",
                                     "card_holder": holder(**holder_changes), "office": office or OFFICE})
        assert self.deliver_event(event) == "handled"
        return event

    def enrolled(self, application_id: str, digests: list[str] | None = None):
        # The face biometrics would serve for the card, already in printing's own store.
        self.runtime.context.portraits.keep(application_id, self.portrait)
        digests = digests if digests is not None else [hashlib.sha256(f"{application_id}-{i}".encode()).hexdigest()
                                                       for i in (1, 2)]
        event = CloudEvent.new(source="/ektp/biometrics", type=BIOMETRICS_ENROLLED.type, correlationid=application_id,
                               data={"application_id": application_id, "reference_id": str(uuid.uuid4()),
                                     "enrolled_at": "2026-11-21T03:00:00+00:00", "fingers_enrolled": 2,
                                     "fingerprint_digests": digests})
        assert self.deliver_event(event) == "handled"
        return event

    def new_card(self, kind: str = "new", office: dict | None = None, **holder_changes) -> str:
        application_id = str(uuid.uuid4())
        self.verified(application_id, kind, office, **holder_changes)
        self.enrolled(application_id)
        return application_id

    # the worker
    def run_queue(self, rounds: int = 1) -> None:
        for _ in range(rounds):
            tasks.run_print_queue(self.runtime)

    def poll(self) -> None:
        tasks.poll_printers(self.runtime)

    def printers(self, office_code: str, *uris: str) -> None:
        with self.runtime.uow() as uow:
            for index, uri in enumerate(uris, start=1):
                printers.register(uow, f"{office_code.lower()}-{index}", office_code, uri, utcnow())
            uow.commit()

    def stock(self, office_code: str, first_serial: str, count: int) -> None:
        with self.runtime.uow() as uow:
            blank_cards.receive(uow, office_code, "test batch", first_serial, count, "test", utcnow())
            uow.commit()

    # what came out
    def events(self, application_id: str | None = None) -> list[dict]:
        return [e for e in self.outbox() if application_id is None or e["correlationid"] == application_id]

    def job_states(self, application_id: str) -> list[str]:
        return [job["state"] for job in self.card(application_id)["jobs"]]

    # the API, as an operator
    def token(self, *roles: str) -> dict[str, str]:  # type: ignore[override]
        return super().token("operator-7", *(roles or ["print_operator"]))

    def card(self, application_id: str) -> dict:
        response = self.client.get(f"/v1/cards/{application_id}", headers=self.token())
        assert response.status_code == 200, response.json
        return response.json

    def post(self, path: str, body: dict, *roles: str):
        return self.client.post(path, json=body, headers=self.token(*roles))


@pytest.fixture
def world_factory(runtime_factory, portrait, emulator):
    """Printing with the emulator as the one shared printer and no waiting between retries (the back-off
    is tested on its own); keyword arguments override settings; `real=True` runs it on PostgreSQL and S3."""

    def make(real: bool = False, **overrides) -> World:
        # Cards are handed over as soon as they are ready; the pickup date's own test sets pickup_after_days.
        settings = {"printer_uri": emulator.uri, "development_stock": 0, "pickup_after_days": 0,
                    "print_retry_seconds": 0, "printer_poll_seconds": 1.0, **overrides}
        created = World(runtime_factory(SERVICE, real=real, **settings), portrait)
        tasks.tasks(created.runtime)  # registers the shared fleet from printer_uri, as the worker does at start
        return created

    return make


@pytest.fixture
def world(world_factory) -> World:
    """The factory's printing service with 200 blank cards at the test office."""
    created = world_factory()
    created.stock(OFFICE["code"], "3273-2026-000001", 200)
    return created
