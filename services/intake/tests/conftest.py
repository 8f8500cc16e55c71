"""What the intake tests share: a migrated service (embedded profile) and its test client, a citizen's
application body with a valid NIK and No. KK, documents and 4x6 photos built from the fixture faces, real
CloudEvents of the other services delivered through intake's dispatcher, and intake's own events read
back from its outbox."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import random
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

from ektp_shared.identity.generator import random_kk, random_nik
from ektp_shared.testing.harness import ServiceHarness
from intake.service import SERVICE

FIXTURES = Path(__file__).parent / "fixtures"
FACES = sorted((FIXTURES / "faces").glob("*.jpg"))
RED, BLUE, WHITE = (200, 16, 30), (0, 90, 200), (245, 245, 245)
DISTRICT, VILLAGE = "32.01.01", "32.01.01.1002"  # Cibinong, Kabupaten Bogor


def portrait(*heads: Path, background=RED, size=(480, 720)) -> bytes:
    """A head-and-shoulders photo: each face photo cut to an oval and set on a plain background."""
    width, height = size
    canvas = Image.new("RGB", size, background)
    side = int(min(width, height * 2 / 3) * (0.75 if len(heads) == 1 else 0.48))
    for i, head in enumerate(heads):
        face = Image.open(head).convert("RGB").resize((side, side), Image.LANCZOS)
        oval = Image.new("L", face.size, 0)
        ImageDraw.Draw(oval).ellipse((side * 0.08, 0, side * 0.92, side), fill=255)
        x = (width - side) // 2 if len(heads) == 1 else int(width * 0.02) + i * (width // 2)
        canvas.paste(face, (x, int(height * 0.2)), oval)
    return jpeg(canvas)


def jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def scan(title: str) -> bytes:
    page = Image.new("RGB", (1240, 877), "white")
    ImageDraw.Draw(page).text((60, 60), title, fill="black")
    return jpeg(page)


def application(seed: int = 1, *, kind: str = "new", years: int = 25, **applicant: Any) -> dict[str, Any]:
    rng = random.Random(seed)
    today = dt.date.today()
    birth = dt.date(today.year - years, rng.randint(1, 12), rng.randint(1, 28))
    gender = applicant.pop("gender", rng.choice(["LAKI-LAKI", "PEREMPUAN"]))
    data = {
        "nik": random_nik(rng, today=today, district=DISTRICT, birth_date=birth, gender=gender),
        "kk_number": random_kk(rng, today=today, district=DISTRICT),
        "full_name": "Siti Aminah", "birth_place": "Bogor", "birth_date": birth.isoformat(), "gender": gender,
        "blood_type": "O", "religion": "ISLAM", "marital_status": "BELUM KAWIN", "occupation": "KARYAWAN SWASTA",
        "citizenship": "WNI",
        "address": {"street": "Jl. Raya Tegar Beriman No. 12", "rt": "003", "rw": "007", "village_code": VILLAGE},
    }
    data.update(applicant)
    return {"kind": kind, "language": "id", "applicant": data,
            "contact": {"phone": "081234567890", "email": "warga@example.org"}}


# Tests sign in many citizens from one address in a moment; the limits themselves are tested on their own.
RELAXED = {"code_resend_seconds": 0, **{name: "10000 per minute" for name in (
    "limit_code_requests", "limit_code_requests_per_nik", "limit_code_checks", "limit_code_checks_per_nik",
    "limit_drafts", "limit_drafts_per_nik", "limit_tracking", "limit_tracking_per_nik")}}


class Intake(ServiceHarness):
    """Intake with a citizen signed in: after ``sign_in`` (or ``create``, which signs in the draft's citizen) the
    test client sends that citizen's token with every request."""

    def code_sent(self, request_id: str) -> str:
        """The one-time code, read from the event that asks notify to send it."""
        [sent] = [data for data in self.emitted("citizen.code_requested.v1") if data["request_id"] == request_id]
        return sent["code"]

    def request_code(self, nik: str, channel: str, address: str, token: str | None = None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.client.post("/v1/citizen/codes", json={"nik": nik, "channel": channel, "address": address},
                                headers=headers)

    def sign_in(self, nik: str, phone: str | None = "081234567890", email: str | None = "warga@example.org") -> str:
        """Prove the phone (or the email) with a code, then the other with a second code; the client sends the
        token from then on."""
        self.client.environ_base.pop("HTTP_AUTHORIZATION", None)  # a new sign-in, not an address added to one
        channels = [(channel, address) for channel, address in (("sms", phone), ("email", email)) if address]
        first, *more = channels
        asked = self.request_code(nik, *first)
        assert asked.status_code == 202, asked.get_json()
        request_id = asked.get_json()["request_id"]
        signed = self.client.post("/v1/citizen/sessions", json={"request_id": request_id, "nik": nik,
                                                                "code": self.code_sent(request_id)})
        assert signed.status_code == 201, signed.get_json()
        token = signed.get_json()["token"]
        for channel, address in more:
            request_id = self.request_code(nik, channel, address, token).get_json()["request_id"]
            added = self.client.post("/v1/citizen/session/addresses", json={
                "request_id": request_id, "code": self.code_sent(request_id)}, headers={"Authorization": f"Bearer {token}"})
            assert added.status_code == 204, added.get_json()
        self.client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        return token

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        """A draft, by the citizen of its NIK (a child's card: the parent's) and contact, signed in for it."""
        signer = body.get("parent") or body["applicant"]
        self.sign_in(signer["nik"], body["contact"].get("phone"), body["contact"].get("email"))
        response = self.client.post("/v1/applications", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def upload(self, application_id: str, kind: str, content: bytes):
        return self.client.put(f"/v1/applications/{application_id}/documents/{kind}", content_type="multipart/form-data",
                               data={"file": (io.BytesIO(content), f"{kind}.jpg")})

    def complete(self, body: dict[str, Any], documents: dict[str, bytes] | None = None) -> str:
        """A draft with the documents a new application needs (or those given)."""
        application_id = self.create(body)["id"]
        for kind, content in (documents or {"kk": scan("KARTU KELUARGA"), "akta_kelahiran": scan("AKTA KELAHIRAN"),
                                            "photo": portrait(FACES[0])}).items():
            response = self.upload(application_id, kind, content)
            assert response.status_code == 201, response.get_json()
        return application_id

    def submit(self, application_id: str, **headers: str):
        return self.client.post(f"/v1/applications/{application_id}/submit", headers=headers)

    def status(self, application_id: str) -> dict[str, Any]:
        return self.client.get(f"/v1/applications/{application_id}").get_json()


@pytest.fixture
def make_intake(harness_factory):
    def make(real: bool = False, **overrides: Any) -> Intake:
        return harness_factory(SERVICE, Intake, real=real, **{**RELAXED, **overrides})

    return make


@pytest.fixture
def intake(make_intake) -> Intake:
    return make_intake()


@pytest.fixture
def citizen():
    return application


@pytest.fixture
def photos():
    """portrait(*faces, background=, size=), the fixture faces, and the colours."""
    return dataclasses.make_dataclass("Photos", ["portrait", "faces", "red", "blue", "white", "scan"])(
        portrait, FACES, RED, BLUE, WHITE, scan)
