"""What the console's tests share: a real verification and a real biometrics (embedded profile, migrated, served
over HTTP on free ports) trusting either the development secret or the test OpenID provider, cases opened by
real application.submitted events and carried from one service to the next by their own events, intake's
document links (a small server speaking intake's contract), and the console in front of them."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from ektp_peers.card_printer import CardPrinterEmulator
from sqlalchemy import select
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from console.site import SITE
from ektp_shared.contracts.intake import APPLICATION_SUBMITTED
from ektp_shared.db import utcnow
from ektp_shared.links import LinkSigner
from ektp_shared.service import discover
from ektp_shared.settings import DEVELOPMENT
from ektp_shared.testing.harness import ServiceHarness
from ektp_shared.web.app import create_app
from printing import policies as printing_policies
from printing import printers as printer_registry
from printing import tasks as printing_tasks
from verification.models import Appointment, Case
from verification.registry import load, shipped_path

REGISTRY = load(shipped_path())
WIB = dt.timezone(dt.timedelta(hours=7))
# The biometrics service's own test images (faces and FVC fingerprints; their licences: NOTICE.md there).
IMAGES = Path(__file__).resolve().parents[2] / "biometrics" / "tests" / "fixtures"


# The citizen's scanned KK and birth certificate: a page with the document's title is enough for the desks.
SCANS = {"kk": "KARTU KELUARGA", "akta_kelahiran": "KUTIPAN AKTA KELAHIRAN"}


def scan(title: str) -> bytes:
    from PIL import Image, ImageDraw

    page = Image.new("RGB", (620, 440), "white")
    ImageDraw.Draw(page).text((40, 40), title, fill="black", font_size=32)
    out = io.BytesIO()
    page.save(out, "JPEG", quality=80)
    return out.getvalue()


def image(name: str) -> bytes:
    folder = "faces" if (IMAGES / "faces" / name).exists() else "fingerprints"
    return (IMAGES / folder / name).read_bytes()


class Served:
    """A WSGI app on 127.0.0.1 (a free port, or the one given), in a thread."""

    def __init__(self, app, port: int = 0):
        self.server = make_server("127.0.0.1", port, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()


class Documents:
    """Intake's ``GET /v1/documents/<id>`` for links signed with the platform's link secret (403 otherwise)."""

    def __init__(self, secret: str):
        self.links, self.stored = LinkSigner(secret), {}
        self.served = Served(self._app)
        self.url = self.served.url

    def add(self, kind: str, data: bytes) -> dict[str, str]:
        document_id = str(uuid.uuid4())
        self.stored[document_id] = data
        return {"kind": kind, "document_id": document_id, "sha256": hashlib.sha256(data).hexdigest(),
                "content_type": "image/jpeg"}

    def _app(self, environ: dict, start_response: Any) -> Any:
        request = Request(environ)
        data = self.stored.get(request.path.removeprefix("/v1/documents/"))
        if not self.links.verify(request.path, request.args.get("expires"), request.args.get("signature")):
            response = Response("link_invalid", status=403)
        else:
            response = Response(data, mimetype="image/jpeg") if data is not None else Response("gone", status=404)
        return response(environ, start_response)


def relay(source: ServiceHarness, target: ServiceHarness, application_id: str, name: str) -> None:
    """Carry what ``source`` emitted about an application (events named ``name``) to ``target``."""
    for envelope in source.outbox():
        if envelope["correlationid"] == application_id and envelope["type"].endswith(f".{name}"):
            decision = target.dispatch(envelope)
            assert decision.outcome.value in ("handled", "duplicate"), decision


@dataclass
class Verification:
    harness: ServiceHarness
    url: str
    documents: Documents | None = None
    submitted: dict[str, dict[str, Any]] = field(default_factory=dict)

    def open_case(self, member: Any, photo: bytes | None = None, **changes: Any) -> dict[str, Any]:
        """A submitted application's case (its office is the applicant's regency's); with ``photo``, its 4x6
        photo is that image, kept at intake's document link; ``changes`` replace fields of the submission."""
        data = {**submission(member), **changes}
        served = {kind: self.documents.add(kind, scan(title)) for kind, title in SCANS.items()}
        if photo is not None:
            served["photo"] = self.documents.add("photo", photo)
        data["documents"] = [served.get(d["kind"], d) for d in data["documents"]]
        self.submitted[data["application_id"]] = data
        self.harness.deliver(APPLICATION_SUBMITTED, data)
        with self.harness.runtime.uow() as uow:  # read directly: the API may trust only the provider's tokens
            case = uow.session.scalars(select(Case).where(Case.application_id == data["application_id"])).one()
            return {"id": case.id, "application_id": case.application_id, "receipt_number": case.receipt_number,
                    "office_code": case.office_code}

    def approve(self, case: dict[str, Any], today: bool = True) -> None:
        """A verifier of the case's office approves it (development token); ``today`` moves the booked capture
        appointment to the next quarter hour of today, so that the capture desk lists it."""
        officer = self.harness.token("ana", "verifier", offices=(case["office_code"],))
        assert self.harness.client.post(f"/v1/cases/{case['id']}/claim", headers=officer).status_code == 200
        decided = self.harness.client.post(f"/v1/cases/{case['id']}/decision", headers=officer,
                                           json={"decision": "approve"})
        assert decided.status_code == 200, decided.get_json()
        if today:
            self.bring_forward(case)

    def bring_forward(self, case: dict[str, Any]) -> None:
        """The booked capture appointment moved to the next quarter hour of today (the citizen comes today)."""
        with self.harness.runtime.uow() as uow:
            booked = uow.session.scalars(select(Appointment).where(Appointment.case_id == case["id"])).one()
            now = dt.datetime.now(WIB)
            soon = now + dt.timedelta(minutes=15 - now.minute % 15)
            booked.starts_at = soon if soon.date() == now.date() else now
            uow.commit()


@dataclass
class Biometrics:
    harness: ServiceHarness
    url: str

    def take(self, verification: Verification, case: dict[str, Any]) -> None:
        """The application as biometrics hears of it: submitted (its photo noted), then approved."""
        relay(verification.harness, self.harness, case["application_id"], "application.submitted.v1")
        self.harness.deliver(APPLICATION_SUBMITTED, verification.submitted[case["application_id"]], expect=None)
        relay(verification.harness, self.harness, case["application_id"], "application.verified.v1")

    def capture(self, case: dict[str, Any], face: str, fingers: dict[int, str]) -> None:
        """The capture desk's upload (an operator of the case's office), then the worker's face check and search."""
        files = {"face": (io.BytesIO(image(face)), "face.jpg"),
                 **{f"finger_{p}": (io.BytesIO(image(name)), f"finger_{p}.png") for p, name in fingers.items()}}
        operator = self.harness.token("oki", "biometric_operator", offices=(case["office_code"],))
        response = self.harness.client.post(f"/v1/enrolments/{case['application_id']}/capture", data=files,
                                            content_type="multipart/form-data", headers=operator)
        assert response.status_code == 202, response.get_json()
        self.harness.work()

    def suspect(self, verification: Verification, original: dict[str, Any], again: dict[str, Any]) -> None:
        """One person applying twice: ``original`` enrolled, ``again`` (the same face and fingers, the other
        impressions) a suspected duplicate that verification puts to adjudication."""
        self.capture(original, "obama_1.jpg", {2: "fvc2000_db1_101_1.png", 7: "fvc2002_db1_101_1.png"})
        self.capture(again, "obama_2.jpg", {2: "fvc2000_db1_101_2.png", 7: "fvc2002_db1_101_2.png"})
        relay(self.harness, verification.harness, again["application_id"], "biometrics.duplicate_suspected.v1")


def person_of(office: str, nth: int = 0) -> Any:
    """An adult (the ``nth``) of the shipped synthetic registry living in the regency of ``office`` (3273: Kota
    Bandung)."""
    digits = office.removeprefix("DISDUKCAPIL-")
    adults = (m for m in REGISTRY.members() if m.village_code[:5].replace(".", "") == digits
              and m.birth_date <= f"{dt.date.today().year - 18}-01-01")
    return next(itertools.islice(adults, nth, None))


def submission(member: Any) -> dict[str, Any]:
    """application.submitted for a registry member, with the three documents of a first card."""
    now = dt.datetime.now(dt.timezone.utc)
    return {
        "application_id": str(uuid.uuid4()), "receipt_number": f"KTP-{member.village_code[:5].replace('.', '')}-261202-"
                                                               f"{uuid.uuid4().hex[:6].upper()}-0",
        "kind": "new", "submitted_at": now, "language": "id", "changes": [],
        "applicant": {"nik": member.nik, "kk_number": member.kk_number, "full_name": member.full_name,
                      "birth_place": member.birth_place, "birth_date": dt.date.fromisoformat(member.birth_date),
                      "gender": member.gender, "religion": "ISLAM", "marital_status": "KAWIN",
                      "occupation": "KARYAWAN SWASTA", "citizenship": "WNI",
                      "address": {"street": "Jl. Merdeka 1", "rt": "001", "rw": "002", "village_code": member.village_code}},
        "contact": {"phone": "081234567890", "email": None},
        "documents": [{"kind": kind, "document_id": str(uuid.uuid4()), "sha256": "ab" * 32, "content_type": "image/jpeg"}
                      for kind in ("kk", "akta_kelahiran", "photo")],
    }


@pytest.fixture
def documents() -> Iterator[Documents]:
    # intake's link key: what verification and biometrics sign its links with in development
    served = Documents(discover("biometrics")["biometrics"].load_settings(DEVELOPMENT).intake_link_secret)
    yield served
    served.served.stop()


@pytest.fixture
def verification_factory(runtime_factory, documents) -> Iterator:
    served: list[Served] = []

    def make(**overrides: Any) -> Verification:
        runtime = runtime_factory(discover("verification")["verification"], intake_url=documents.url, **overrides)
        server = Served(create_app(runtime))
        served.append(server)
        return Verification(ServiceHarness(runtime), server.url, documents)

    yield make
    for server in served:
        server.stop()


@pytest.fixture
def biometrics_factory(runtime_factory, documents) -> Iterator:
    served: list[Served] = []

    def make(**overrides: Any) -> Biometrics:
        runtime = runtime_factory(discover("biometrics")["biometrics"], intake_url=documents.url, **overrides)
        server = Served(create_app(runtime))
        served.append(server)
        return Biometrics(ServiceHarness(runtime), server.url)

    yield make
    for server in served:
        server.stop()


@dataclass
class Printing:
    harness: ServiceHarness
    url: str
    printers: list[CardPrinterEmulator]

    def take(self, verification: Verification, biometrics: Biometrics, case: dict[str, Any]) -> None:
        """The verified data (verification's event), then the enrolment (biometrics'): the card is queued."""
        relay(verification.harness, self.harness, case["application_id"], "application.verified.v1")
        relay(biometrics.harness, self.harness, case["application_id"], "biometrics.enrolled.v1")

    def office_policy(self, office: str, representative: str = "power_of_attorney", qc_by_operator: bool = True) -> None:
        """The office's pickup and inspection policy, as the national admin sets it (straight in printing's
        database: its API may trust only the provider's tokens)."""
        with self.harness.runtime.uow() as uow:
            printing_policies.set_policy(uow, office, representative, 5, qc_by_operator, "root", utcnow())
            uow.commit()

    def run(self) -> None:
        """The worker's round: the printers' status polled, then the print queue."""
        printing_tasks.poll_printers(self.harness.runtime)
        printing_tasks.run_print_queue(self.harness.runtime)


@pytest.fixture
def printing_factory(runtime_factory) -> Iterator:
    """Printing with two card-printer emulators: the shared fleet and a printer of ``office``'s own."""
    served: list[Served] = []
    emulators: list[CardPrinterEmulator] = []

    def make(biometrics: Biometrics, office: str, **overrides: Any) -> Printing:
        shared, own = CardPrinterEmulator().start(), CardPrinterEmulator().start()
        emulators.extend((shared, own))
        uri = "cardprinter://{}:{}".format
        settings = {"development_stock": 0, "pickup_after_days": 0, "print_retry_seconds": 0, **overrides}
        runtime = runtime_factory(discover("printing")["printing"], printer_uri=uri(*shared.address),
                                  biometrics_url=biometrics.url, **settings)
        printing_tasks.tasks(runtime)  # registers the shared fleet, as the worker does at start
        with runtime.uow() as uow:
            printer_registry.register(uow, f"{office.lower()}-1", office, uri(*own.address), utcnow())
            uow.commit()
        server = Served(create_app(runtime))
        served.append(server)
        return Printing(ServiceHarness(runtime), server.url, [shared, own])

    yield make
    for server in served:
        server.stop()
    for emulator in emulators:
        emulator.stop()


@pytest.fixture
def console_factory(tmp_path) -> Iterator:
    served: list[Served] = []

    def make(verification: Verification, port: int = 0, serve: bool = False, biometrics: Biometrics | None = None,
             printing: Printing | None = None, **overrides: Any):
        environ = {**DEVELOPMENT, "EKTP_DATA_DIR": str(tmp_path / "var")}
        if biometrics is not None:
            overrides["biometrics_url"] = biometrics.url
        if printing is not None:
            overrides["printing_url"] = printing.url
        settings = SITE.load_settings(environ, verification_url=verification.url, cookie_secure=False, **overrides)
        app = SITE.create_app(settings)
        if not serve:
            return app
        server = Served(app, port)
        served.append(server)
        return server

    yield make
    for server in served:
        server.stop()
