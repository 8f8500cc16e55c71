"""What the biometrics service tests share: a migrated service (embedded profile unless asked), officers'
tokens, real CloudEvents through the service's own dispatcher (inbox, handler, outbox), its own ABIS
requests taken from its outbox and handled as the worker would, and intake's document endpoint.

Intake cannot be imported here (a service never imports another), so `intake` is a small HTTP server
speaking intake's documented contract for documents: ``GET /v1/documents/<id>`` with a link signed by
the platform's link secret, refused (403) otherwise. The end-to-end tests (tests/test_real_profile.py)
run the real intake.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from biometrics.service import SERVICE
from ektp_shared.contracts.intake import APPLICATION_SUBMITTED
from ektp_shared.contracts.verification import APPLICATION_VERIFIED
from ektp_shared.links import LinkSigner
from ektp_shared.settings import DEVELOPMENT
from ektp_shared.testing.harness import ServiceHarness

FIXTURES = Path(__file__).resolve().parent / "fixtures"
OFFICE = {"code": "DISDUKCAPIL-3201", "name": "DISDUKCAPIL KABUPATEN BOGOR", "address": "Cibinong"}
CARD_HOLDER = {"nik": "3201015705000001", "kk_number": "3201010101200001", "full_name": "Uji Coba",
               "birth_place": "Bogor", "birth_date": dt.date(2000, 5, 17), "gender": "PEREMPUAN",
               "address": {"street": "Jl. Uji 1", "rt": "001", "rw": "002", "village_code": "32.01.01.1002"}}


def fixture(name: str) -> bytes:
    folder = "faces" if (FIXTURES / "faces" / name).exists() else "fingerprints"
    return (FIXTURES / folder / name).read_bytes()


def blank_png(size: int = 400) -> bytes:
    out = io.BytesIO()
    Image.new("L", (size, size), 255).save(out, "PNG")
    return out.getvalue()


@dataclasses.dataclass(frozen=True)
class Person:
    """A fixture person: face photos (live capture, the application's photo) and two fingers, right index
    (an FVC2000 finger) and left index (an FVC2002 finger), each in two impressions."""

    face: str
    photo: str
    finger: str  # 101, 102 or 103

    def fingers(self, impression: int = 1) -> dict[int, bytes]:
        return {2: fixture(f"fvc2000_db1_{self.finger}_{impression}.png"),
                7: fixture(f"fvc2002_db1_{self.finger}_{impression}.png")}


OBAMA = Person("obama_1.jpg", "obama_2.jpg", "101")
BIDEN = Person("biden_1.jpg", "biden_2.jpg", "102")
HARINGTON = Person("harington_1.jpg", "harington_1.jpg", "103")


class IntakeDocuments:
    """Intake's ``GET /v1/documents/<id>`` over real HTTP, checking the signed link as intake does."""

    def __init__(self, links: LinkSigner):
        self.links = links
        self.documents: dict[str, bytes] = {}
        self.requests: list[str] = []
        self.down = False
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def add(self, data: bytes) -> dict[str, str]:
        """Store a photo; returns the document reference application.submitted carries."""
        document_id = str(uuid.uuid4())
        self.documents[document_id] = data
        return {"kind": "photo", "document_id": document_id, "sha256": hashlib.sha256(data).hexdigest(),
                "content_type": "image/jpeg"}

    def _app(self, environ: dict, start_response: Any) -> Any:
        request = Request(environ)
        self.requests.append(request.path)
        if self.down:
            response = Response("unavailable", status=503)
        elif not self.links.verify(request.path, request.args.get("expires"), request.args.get("signature")):
            response = Response("link_invalid", status=403)
        else:
            data = self.documents.get(request.path.removeprefix("/v1/documents/"))
            response = Response(data, mimetype="image/jpeg") if data is not None else Response("gone", status=404)
        return response(environ, start_response)

    def close(self) -> None:
        self._server.shutdown()


class Biometrics(ServiceHarness):
    offices = (OFFICE["code"],)

    def __init__(self, runtime: Any, intake: IntakeDocuments):
        super().__init__(runtime)
        self.intake = intake

    @property
    def operator(self) -> dict[str, str]:
        return self.token("operator-1", "biometric_operator")

    def apply(self, person: Person, photo: bool = True, kind: str = "new", nik: str | None = None) -> str:
        """An application of ``kind`` by the holder of ``nik`` (the shared test NIK unless given) submitted
        (with the person's photo at intake) and approved: awaiting capture."""
        application_id = str(uuid.uuid4())
        documents = [self.intake.add(fixture(person.photo))] if photo else []
        holder = {**CARD_HOLDER, "nik": nik} if nik else CARD_HOLDER
        self.deliver(APPLICATION_SUBMITTED, {**submission(application_id, documents), "kind": kind, "applicant": holder})
        self.deliver(APPLICATION_VERIFIED, {**verification(application_id), "kind": kind, "card_holder": holder})
        return application_id

    def capture(self, application_id: str, person: Person, impression: int = 1, face: bytes | None = None,
                fingers: dict[int, bytes] | None = None) -> Any:
        files = {"face": (io.BytesIO(face or fixture(person.face)), "face.jpg"),
                 **{f"finger_{p}": (io.BytesIO(image), f"finger_{p}.png")
                    for p, image in (fingers or person.fingers(impression)).items()}}
        return self.client.post(f"/v1/enrolments/{application_id}/capture", data=files,
                                content_type="multipart/form-data", headers=self.operator)

    def enrolment(self, application_id: str) -> dict[str, Any]:
        response = self.client.get(f"/v1/enrolments/{application_id}", headers=self.operator)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def capture_and_decide(self, person: Person, impression: int = 1, photo: bool = True, kind: str = "new",
                           nik: str | None = None, fingers: dict[int, bytes] | None = None) -> str:
        application_id = self.apply(person, photo, kind, nik)
        response = self.capture(application_id, person, impression, fingers=fingers)
        assert response.status_code == 202, response.get_json()
        assert all(d.outcome.value == "handled" for d in self.work())
        return application_id


def submission(application_id: str, documents: list[dict[str, str]]) -> dict[str, Any]:
    return {"application_id": application_id, "receipt_number": "KTP-3201-261127-ABCDEF-0", "kind": "new",
            "submitted_at": dt.datetime.now(dt.timezone.utc), "applicant": CARD_HOLDER,
            "contact": {"phone": "081234567890", "email": None}, "documents": documents}


def verification(application_id: str, office: dict[str, str] | None = None) -> dict[str, Any]:
    return {"application_id": application_id, "receipt_number": "KTP-3201-261127-ABCDEF-0", "kind": "new",
            "verified_at": dt.datetime.now(dt.timezone.utc), "card_holder": CARD_HOLDER, "office": office or OFFICE}


@pytest.fixture
def make_biometrics(runtime_factory) -> Iterator[Any]:
    servers: list[IntakeDocuments] = []

    def make(real: bool = False, **overrides: Any) -> Biometrics:
        probe = SERVICE.load_settings(DEVELOPMENT)
        intake = IntakeDocuments(LinkSigner(overrides.get("intake_link_secret", probe.intake_link_secret)))
        servers.append(intake)
        return Biometrics(runtime_factory(SERVICE, real=real, intake_url=intake.url, **overrides), intake)

    yield make
    for server in servers:
        server.close()


@pytest.fixture
def service(make_biometrics) -> Biometrics:
    return make_biometrics()
