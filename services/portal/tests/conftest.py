"""What the portal's tests share: a real intake (embedded profile, migrated, served over HTTP on a free port,
behind the portal as in production), the portal in front of it, sample applicants with documents and a 4x6
photo, and the one-time code read from intake's outbox (what notify would send)."""
from __future__ import annotations

import html
import io
import random
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from werkzeug.serving import make_server

from ektp_launcher.journey import Person, passport_photo, sample_person, scanned_document
from ektp_shared.service import discover
from ektp_shared.settings import DEVELOPMENT
from ektp_shared.testing.harness import ServiceHarness
from ektp_shared.web.app import create_app
from portal.site import SITE

# Tests sign many citizens in from one address at once; the limits have their own tests in intake.
RELAXED = {"code_resend_seconds": 0, **{name: "10000 per minute" for name in (
    "limit_code_requests", "limit_code_requests_per_nik", "limit_code_checks", "limit_code_checks_per_nik",
    "limit_drafts", "limit_drafts_per_nik", "limit_tracking", "limit_tracking_per_nik")}}


class Served:
    """A WSGI app on a free port of 127.0.0.1, in a thread."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()


@dataclass
class Intake:
    harness: ServiceHarness
    url: str

    def code_for(self, address_hint: str = "") -> str:
        """The newest one-time code intake asked notify to send (to the address, when given)."""
        sent = [e for e in self.harness.emitted("citizen.code_requested.v1") if address_hint in e["address"]]
        assert sent, "no code was sent"
        return sent[-1]["code"]


@pytest.fixture
def intake_settings() -> dict[str, str]:
    """Intake's settings beyond the defaults; a test module overrides this fixture (e.g. a payment gateway)."""
    return {}


@pytest.fixture
def intake(runtime_factory, intake_settings) -> Iterator[Intake]:
    runtime = runtime_factory(discover("intake")["intake"], trusted_proxies=1, **RELAXED, **intake_settings)
    served = Served(create_app(runtime))
    yield Intake(ServiceHarness(runtime), served.url)
    served.stop()


@pytest.fixture
def portal_settings(intake):
    return SITE.load_settings(DEVELOPMENT, intake_url=intake.url, cookie_secure=False)


@pytest.fixture
def portal(portal_settings):
    """The portal's test client (Flask), CSRF on as in production."""
    app = SITE.create_app(portal_settings)
    return app.test_client()


@pytest.fixture
def live_portal(portal_settings) -> Iterator[str]:
    """The portal on a free port (for the browser)."""
    served = Served(SITE.create_app(portal_settings))
    yield served.url
    served.stop()


@pytest.fixture
def person() -> Person:
    return sample_person(random.Random(11), "Colin_Powell")


def documents_of(person: Person) -> dict[str, bytes]:
    return {"kk": scanned_document("KARTU KELUARGA"), "akta_kelahiran": scanned_document("KUTIPAN AKTA KELAHIRAN"),
            "photo": passport_photo(person.face)}


def form_of(person: Person, **changes: str) -> dict[str, str]:
    """The data form as the person fills it in (the region picked down to the village)."""
    applicant = person.application["applicant"]
    village = applicant["address"]["village_code"]
    parts = village.split(".")
    data = {"kk_number": applicant["kk_number"], "full_name": applicant["full_name"],
            "birth_place": applicant["birth_place"], "birth_date": applicant["birth_date"], "gender": applicant["gender"],
            "blood_type": applicant["blood_type"], "religion": applicant["religion"],
            **{name: applicant[name] for name in ("marital_status", "occupation") if name in applicant},
            "street": applicant["address"]["street"], "rt": applicant["address"]["rt"], "rw": applicant["address"]["rw"],
            "province": parts[0], "regency": ".".join(parts[:2]), "district": ".".join(parts[:3]), "village": village,
            "phone": person.application["contact"]["phone"], "email": ""}
    data.update(changes)
    return data


class Visitor:
    """A citizen's plain browser without JavaScript (the Flask test client): it follows redirects and sends each
    form with the CSRF token of the page it is on."""

    def __init__(self, client):
        self.client = client
        self.page = None

    def open(self, path: str):
        self.page = self.client.get(path, follow_redirects=True)
        return self.page

    def send(self, path: str, data: dict, **kwargs):
        token = re.search(r'name="csrf_token" value="([^"]+)"', self.text)
        self.page = self.client.post(path, data={**data, "csrf_token": token.group(1) if token else ""},
                                     follow_redirects=True, **kwargs)
        return self.page

    @property
    def text(self) -> str:
        return self.page.get_data(as_text=True) if self.page is not None else ""

    @property
    def path(self) -> str:
        return self.page.request.path

    def words(self) -> str:
        """The page's text as read (tags dropped, entities decoded, spaces collapsed)."""
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", self.text)).split())


class Citizen:
    """A sample applicant at the portal without JavaScript, reading their codes where intake sent them."""

    def __init__(self, visitor: Visitor, intake: Intake, person: Person):
        self.visitor, self.intake, self.person = visitor, intake, person

    def sign_in(self) -> None:
        self.visitor.open("/masuk")
        self.visitor.send("/masuk", {"nik": self.person.signer_nik, "channel": "sms",
                                     "address": self.person.application["contact"]["phone"]})
        assert self.visitor.path == "/masuk/kode", self.visitor.words()
        self.visitor.send("/masuk/kode", {"code": self.intake.code_for()})
        assert self.visitor.path == "/permohonan", self.visitor.words()

    def draft(self, **changes: str) -> str:
        """Choose the kind, fill in the data: a draft, on its documents page; returns its id."""
        self.visitor.open("/permohonan/baru")
        self.visitor.send("/permohonan/baru", {"kind": "new"})
        self.visitor.send("/permohonan/baru/data", form_of(self.person, **changes))
        assert self.visitor.path.endswith("/dokumen"), self.visitor.words()
        return self.visitor.path.split("/")[2]

    def upload(self, application_id: str, kind: str, content: bytes):
        return self.visitor.send(f"/permohonan/{application_id}/dokumen/{kind}",
                                 {f"{kind}-file": (io.BytesIO(content), f"{kind}.jpg")}, content_type="multipart/form-data")

    def submitted(self) -> str:
        """Signed in, applied, documents uploaded, submitted: the application's id (on the receipt page)."""
        self.sign_in()
        application_id = self.draft()
        for kind, content in documents_of(self.person).items():
            assert self.upload(application_id, kind, content).status_code == 200, self.visitor.words()
        self.visitor.open(f"/permohonan/{application_id}/periksa")
        self.visitor.send(f"/permohonan/{application_id}/kirim", {"key": f"submit-{application_id}"})
        assert self.visitor.path.endswith("/tanda-terima"), self.visitor.words()
        return application_id


@pytest.fixture(name="form_of")
def form_of_fixture():
    """form_of(person, **changes): the data form as the person fills it in."""
    return form_of


@pytest.fixture
def visitor(portal) -> Visitor:
    return Visitor(portal)


@pytest.fixture
def citizen(visitor, intake, person) -> Citizen:
    return Citizen(visitor, intake, person)
