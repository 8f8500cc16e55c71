"""One e-KTP application walked through the public HTTP APIs, as a client would: used by ``make demo``
and by the end-to-end tests; or a child's card (KIA), applied for by a parent, which has no capture.

The sample person is generated (a valid NIK and No. KK for a real Kemendagri district); the face and
fingerprints come from the project's test fixtures (``tests/fixtures/biometrics``, public test images that
are never shipped). A sample child is a child of a family in verification's shipped synthetic family-card
registry, so the parent is on the child's KK as the registry says.
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from PIL import Image, ImageDraw

from ektp_shared.auth import issue_development_token
from ektp_shared.identity.contact import EMAIL, SMS
from ektp_shared.identity.generator import random_kk, random_nik
from ektp_shared.reference.application_kinds import application_kind
from ektp_shared.settings import DEVELOPMENT, Settings, load

from .mailbox import Mailbox, new_code

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "biometrics"
# The family cards verification checks against when no registry is configured (make run, the tests).
FAMILY_CARDS = Path(__file__).resolve().parents[2] / "services/verification/verification/data/family_cards.csv"
PARENTS = ("KEPALA KELUARGA", "ISTRI")
PHOTO_RED = (200, 16, 24)
DISTRICT = "32.01.01"  # Kecamatan Cibinong, Kabupaten Bogor
VILLAGE = "32.01.01.1002"
FOR_AN_OFFICER = ("UNDER_ADJUDICATION", "FACE_REVIEW")  # after the capture, statuses that wait for an officer
DISTINCT = "Journey sample: another NIK, name and family card; the face and fingers are shared test fixtures."


@dataclasses.dataclass(frozen=True)
class Endpoints:
    intake: str = "http://127.0.0.1:8001"
    verification: str = "http://127.0.0.1:8002"
    biometrics: str = "http://127.0.0.1:8003"
    printing: str = "http://127.0.0.1:8004"
    notify: str = "http://127.0.0.1:8005"


@dataclasses.dataclass(frozen=True)
class Person:
    application: dict[str, Any]
    face: bytes
    fingers: dict[int, bytes]

    @property
    def nik(self) -> str:
        """The card holder's NIK (for a child's card, the child's)."""
        return self.application["applicant"]["nik"]

    @property
    def parent(self) -> dict[str, str] | None:
        return self.application.get("parent")

    @property
    def signer_nik(self) -> str:
        """Who signs in, applies and collects: the holder, or for a child's card the parent."""
        return self.parent["nik"] if self.parent else self.nik

    def takes_photo(self, on: dt.date) -> bool:
        kind = application_kind(self.application.get("kind", "new"))
        return kind.takes_photo(dt.date.fromisoformat(self.application["applicant"]["birth_date"]), on)


def scanned_document(title: str) -> bytes:
    page = Image.new("RGB", (1240, 877), "white")
    ImageDraw.Draw(page).text((60, 60), title, fill="black")
    out = io.BytesIO()
    page.save(out, "JPEG", quality=85)
    return out.getvalue()


def passport_photo(face: bytes, background: tuple[int, int, int] = PHOTO_RED) -> bytes:
    """A 4x6 photo (400x600) of the face on a plain background, as the online service asks."""
    with Image.open(io.BytesIO(face)) as source:
        portrait = source.convert("RGB").resize((360, 360))
    photo = Image.new("RGB", (400, 600), background)
    photo.paste(portrait, (20, 90))
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=92)
    return out.getvalue()


def camera_capture(face: bytes, size: int = 600) -> bytes:
    """The fixtures are 150 px news photos; an office camera captures far more pixels between the eyes
    (the quality gate asks for 60). Upscaling stands in for that camera, and the middle 80 % for its
    framing: the applicant alone, without the bystanders some news photos show at their edges."""
    with Image.open(io.BytesIO(face)) as source:
        width, height = source.size
        framed = source.convert("RGB").crop((width // 10, height // 10, width - width // 10, height - height // 10))
        image = framed.resize((size, size), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


def sample_person(rng: random.Random, face_name: str = "Colin_Powell", fingers: tuple[int, int] = (101, 102),
                  impression: int = 1, email: str | None = None, phone: str | None = None) -> Person:
    """A sample applicant with a phone and an email of their own (each person is reached at their own)."""
    today = dt.date.today()
    serial = rng.randrange(10 ** 8)
    phone = phone or f"0812{serial:08d}"
    email = email or f"warga{serial:08d}@example.org"
    birth = dt.date(today.year - 25, rng.randint(1, 12), rng.randint(1, 28))
    gender = rng.choice(["LAKI-LAKI", "PEREMPUAN"])
    applicant = {
        "nik": random_nik(rng, today=today, district=DISTRICT, birth_date=birth, gender=gender),
        "kk_number": random_kk(rng, today=today, district=DISTRICT),
        "full_name": rng.choice(["Siti Aminah", "Budi Santoso", "Dewi Lestari", "Agus Pratama"]),
        "birth_place": "Bogor", "birth_date": birth.isoformat(), "gender": gender, "blood_type": "O",
        "religion": "ISLAM", "marital_status": "BELUM KAWIN", "occupation": "KARYAWAN SWASTA", "citizenship": "WNI",
        "address": {"street": "Jl. Raya Tegar Beriman No. 12", "rt": "003", "rw": "007", "village_code": VILLAGE},
    }
    face = camera_capture((FIXTURES / "faces" / f"{face_name}_000{impression}.jpg").read_bytes())
    prints = {position: (FIXTURES / "fingers" / f"{finger}_{impression}.png").read_bytes()
              for position, finger in zip((1, 2), fingers)}
    return Person({"kind": "new", "language": "id", "applicant": applicant, "contact": {"phone": phone, "email": email}},
                  face, prints)


def sample_child(rng: random.Random, face_name: str = "Colin_Powell", ages: tuple[int, int] = (5, 16),
                 email: str | None = None, phone: str | None = None) -> Person:
    """A child of ``ages`` (years, today) from the shipped family-card registry, with a parent on the same KK who
    applies for the child's card (kia_new) from the parent's own phone and email. The face is a fixture's: the
    4x6 photo a parent uploads for a child of 5 or older."""
    today = dt.date.today()
    with FAMILY_CARDS.open(encoding="utf-8") as rows:
        families: dict[str, list[dict[str, str]]] = {}
        for row in csv.DictReader(rows):
            families.setdefault(row["kk_number"], []).append(row)

    def age(member: dict[str, str]) -> int:
        born = dt.date.fromisoformat(member["birth_date"])
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    choices = [(child, parent) for members in families.values() for child in members
               if child["relationship"] == "ANAK" and ages[0] <= age(child) <= ages[1]
               for parent in members if parent["relationship"] in PARENTS]
    child, parent = rng.choice(sorted(choices, key=lambda pair: (pair[0]["nik"], pair[1]["nik"])))
    serial = rng.randrange(10 ** 8)
    applicant = {
        "nik": child["nik"], "kk_number": child["kk_number"], "full_name": child["full_name"],
        "birth_place": child["birth_place"], "birth_date": child["birth_date"], "gender": child["gender"],
        "blood_type": "O", "religion": "ISLAM", "citizenship": "WNI",  # a child's card asks no marital status or occupation
        "address": {"street": "Jl. Merdeka No. 7", "rt": "002", "rw": "005", "village_code": child["village_code"]},
    }
    face = camera_capture((FIXTURES / "faces" / f"{face_name}_0001.jpg").read_bytes())
    return Person({"kind": "kia_new", "language": "id", "applicant": applicant,
                   "parent": {"nik": parent["nik"], "full_name": parent["full_name"]},
                   "contact": {"phone": phone or f"0813{serial:08d}", "email": email or f"ortu{serial:08d}@example.org"}},
                  face, {})


# The fixture people: each a face and two fingers no other of them has (six faces, but five fingers' pairs).
SAMPLE_PEOPLE = (("Colin_Powell", (101, 102)), ("Halle_Berry", (103, 104)), ("Hugo_Chavez", (105, 106)),
                 ("Jennifer_Lopez", (107, 108)), ("Jacques_Chirac", (109, 110)))


def any_sample_person(rng: random.Random) -> Person:
    """One of the fixture people. Each run is another applicant; reusing a face and fingers under a new NIK
    is exactly what 1:N catches, so repeated runs on the same data eventually meet a duplicate."""
    face, fingers = rng.choice(SAMPLE_PEOPLE)
    return sample_person(rng, face, fingers)


class JourneyError(RuntimeError):
    pass


def office_of(village_code: str) -> str:
    """The regency's Disdukcapil: the office verification assigns where no UPT is configured (as in make run)."""
    return f"DISDUKCAPIL-{village_code[:5].replace('.', '')}"


class Journey:
    """One applicant's journey, as clients would make it: the citizen signs in with one-time codes read from
    the messages that reached them (``mailbox``), then applies; officers act with development tokens."""

    def __init__(self, endpoints: Endpoints, mailbox: Mailbox, settings: Settings | None = None,
                 say: Callable[[str], None] = lambda line: None, timeout: float = 60):
        self.at = endpoints
        self.mailbox = mailbox
        self.say = say
        self.timeout = timeout
        self._settings = settings or load(Settings, "demo", {**os.environ, **DEVELOPMENT})
        self.http = requests.Session()
        self.citizen: dict[str, str] = {}  # the signed-in citizen's Authorization header
        self.offices: set[str] = set()  # the offices of the applicants so far: the demo officers work there

    def _code(self, nik: str, channel: str, address: str, signed_in: bool) -> tuple[str, str]:
        seen = len(self.mailbox.texts(channel, address))
        asked = self._ok(self.http.post(f"{self.at.intake}/v1/citizen/codes",
                                        json={"nik": nik, "channel": channel, "address": address},
                                        headers=self.citizen if signed_in else {}), f"code by {channel}")
        return asked["request_id"], new_code(self.mailbox, channel, address, seen, self.timeout)

    def sign_in(self, person: Person) -> None:
        """Prove the phone with a code (a sign-in), then the email with another (added to it). The demo's
        officers work at this applicant's office from now on."""
        self.offices.add(office_of(person.application["applicant"]["address"]["village_code"]))
        contact, nik = person.application["contact"], person.signer_nik
        request_id, code = self._code(nik, SMS, contact["phone"], signed_in=False)
        session = self._ok(self.http.post(f"{self.at.intake}/v1/citizen/sessions",
                                          json={"request_id": request_id, "nik": nik, "code": code}), "sign in")
        self.citizen = {"Authorization": f"Bearer {session['token']}"}
        self.say("intake       signed in with the code sent by SMS")
        if contact.get("email"):
            request_id, code = self._code(nik, EMAIL, contact["email"], signed_in=True)
            response = self.http.post(f"{self.at.intake}/v1/citizen/session/addresses",
                                      json={"request_id": request_id, "code": code}, headers=self.citizen)
            if response.status_code != 204:
                raise JourneyError(f"email code: HTTP {response.status_code} {response.text[:500]}")
            self.say("intake       email proven with the code sent by email")

    def token(self, role: str) -> dict[str, str]:
        return {"Authorization": "Bearer " + issue_development_token(self._settings, f"demo-{role}", [role],
                                                                     offices=sorted(self.offices))}

    def _ok(self, response: requests.Response, what: str) -> dict[str, Any]:
        if response.status_code >= 400:
            raise JourneyError(f"{what}: HTTP {response.status_code} {response.text[:500]}")
        return response.json()

    def status(self, application_id: str) -> dict[str, Any]:
        return self._ok(self.http.get(f"{self.at.intake}/v1/applications/{application_id}", headers=self.citizen),
                        "status")

    def wait_for_status(self, application_id: str, *wanted: str) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        while True:
            current = self.status(application_id)
            if current["status"] in wanted:
                return current
            if time.monotonic() > deadline:
                raise JourneyError(f"waited {self.timeout:.0f}s for {'/'.join(wanted)}; still {current['status']}")
            time.sleep(0.2)

    def apply(self, person: Person) -> tuple[str, str]:
        self.sign_in(person)
        created = self._ok(self.http.post(f"{self.at.intake}/v1/applications", json=person.application,
                                          headers=self.citizen), "create")
        application_id = created["id"]
        self.say(f"intake       draft created: {application_id}")
        uploads = {"kk": scanned_document("KARTU KELUARGA"), "akta_kelahiran": scanned_document("KUTIPAN AKTA KELAHIRAN"),
                   "photo": passport_photo(person.face)}
        if not person.takes_photo(dt.date.today()):
            del uploads["photo"]  # a child's card under 5 carries no photo, and intake takes none
        for kind, content in uploads.items():
            self._ok(self.http.put(f"{self.at.intake}/v1/applications/{application_id}/documents/{kind}",
                                   files={"file": (f"{kind}.jpg", content, "image/jpeg")}, headers=self.citizen),
                     f"upload {kind}")
            self.say(f"intake       uploaded {kind} ({len(content)} bytes)")
        submitted = self._ok(self.http.post(f"{self.at.intake}/v1/applications/{application_id}/submit",
                                            headers=self.citizen), "submit")
        self.say(f"intake       submitted; receipt number {submitted['receipt_number']}")
        return application_id, submitted["receipt_number"]

    def case_of(self, application_id: str) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        while True:
            found = self._ok(self.http.get(f"{self.at.verification}/v1/cases", params={"application_id": application_id},
                                           headers=self.token("verifier")), "case")
            if found:
                return found[0]
            if time.monotonic() > deadline:
                raise JourneyError("verification opened no case")
            time.sleep(0.2)

    def approve(self, application_id: str) -> dict[str, Any]:
        case = self.case_of(application_id)
        flags = ", ".join(case["flags"]) or "none"
        self.say(f"verification case {case['id']} opened ({case['state']}); automatic checks flagged: {flags}")
        self._ok(self.http.post(f"{self.at.verification}/v1/cases/{case['id']}/claim", headers=self.token("verifier")),
                 "claim")
        decided = self._ok(self.http.post(f"{self.at.verification}/v1/cases/{case['id']}/decision",
                                          json={"decision": "approve"}, headers=self.token("verifier")), "approve")
        if decided["appointment"] is None:
            self.say("verification approved; a child's card (KIA) has no capture: it goes to printing")
        else:
            self.say(f"verification approved; capture appointment {decided['appointment']['starts_at']}")
        return decided

    def capture(self, application_id: str, person: Person) -> dict[str, Any]:
        self.wait_for_status(application_id, "APPOINTMENT_SCHEDULED")
        deadline = time.monotonic() + self.timeout
        url = f"{self.at.biometrics}/v1/enrolments/{application_id}"
        while self.http.get(url, headers=self.token("biometric_operator")).status_code == 404:
            if time.monotonic() > deadline:
                raise JourneyError("biometrics never learned of the approval")
            time.sleep(0.2)
        files = {"face": ("face.jpg", person.face, "image/jpeg"),
                 **{f"finger_{p}": (f"finger_{p}.png", image, "image/png") for p, image in person.fingers.items()}}
        captured = self._ok(self.http.post(f"{url}/capture", files=files, headers=self.token("biometric_operator")),
                            "capture")
        self.say(f"biometrics   capture accepted ({len(person.fingers)} fingers + face); 1:N search running")
        return captured

    def printed(self, application_id: str, adjudicate: bool = False) -> dict[str, Any] | None:
        """Wait until the card is ready for pickup. A capture an officer must look at first stops the journey,
        unless ``adjudicate``: then a suspected duplicate is worked as an adjudicator would (returned)."""
        status = self.wait_for_status(application_id, "READY_FOR_PICKUP", *FOR_AN_OFFICER)["status"]
        if status == "UNDER_ADJUDICATION" and adjudicate:
            decided = self.adjudicate(application_id)
            self.wait_for_status(application_id, "READY_FOR_PICKUP")
            return decided
        if status != "READY_FOR_PICKUP":
            raise JourneyError(f"the capture was flagged: {status}")
        return None

    def adjudicate(self, application_id: str) -> dict[str, Any]:
        """The biometric adjudicator's part: both records side by side, a claim, the decision. The journey's
        applicants are made-up people under fresh NIKs, names and addresses who share a few fixture faces and
        fingers, so the adjudicator finds them different people (``distinct``) and biometrics enrols."""
        officer = self.token("biometric_adjudicator")
        case = self.case_of(application_id)
        url = f"{self.at.verification}/v1/cases/{case['id']}"
        deadline = time.monotonic() + self.timeout
        while case["state"] != "ADJUDICATION":  # intake may hear of the duplicate before verification does
            if time.monotonic() > deadline:
                raise JourneyError(f"the case never reached ADJUDICATION; still {case['state']}")
            time.sleep(0.2)
            case = self._ok(self.http.get(url, headers=officer), "case")
        records = self._ok(self.http.get(f"{url}/adjudication", headers=officer), "adjudication")
        candidates = [{"application_id": c["application_id"], "receipt_number": c["receipt_number"], "score": c["score"]}
                      for c in records["candidates"]]
        for candidate in candidates:
            self.say(f"biometrics   suspected duplicate of application {candidate['application_id']} "
                     f"(receipt {candidate['receipt_number']}; {candidate['score']:.1f} decades of evidence)")
        self._ok(self.http.post(f"{url}/claim", headers=officer), "claim")
        self._ok(self.http.post(f"{url}/adjudication", headers=officer, json={"decision": "distinct", "note": DISTINCT}),
                 "adjudication")
        self.say("verification adjudicator compared both records: another NIK, name and family card; decided distinct")
        return {"candidates": candidates, "decision": "distinct"}

    def hand_over(self, application_id: str, receipt_number: str, nik: str) -> dict[str, Any]:
        card = self._ok(self.http.get(f"{self.at.printing}/v1/cards/{application_id}", headers=self.token("print_operator")),
                        "card")
        self.say(f"printing     card {card['serial']} printed; pickup from {card['pickup_from']} at {card['office']['name']}")
        handed = self._ok(self.http.post(f"{self.at.printing}/v1/cards/{application_id}/handover",
                                         json={"receipt_number": receipt_number, "nik": nik},
                                         headers=self.token("print_operator")), "handover")
        self.say("printing     handed over to the " + ("parent who applied" if handed.get("document_type") == "kia"
                                                    else "applicant"))
        return handed

    def collect(self, application_id: str, receipt_number: str, nik: str) -> dict[str, Any]:
        self.printed(application_id)
        return self.hand_over(application_id, receipt_number, nik)

    def run(self, person: Person, adjudicate: bool = False) -> dict[str, Any]:
        """The whole journey to ``COLLECTED``; ``adjudicate`` works a suspected duplicate (``duplicate`` in the
        result) instead of stopping at it."""
        application_id, receipt_number = self.apply(person)
        self.approve(application_id)
        if person.parent is None:  # a child's card (KIA) skips biometrics
            self.capture(application_id, person)
        duplicate = self.printed(application_id, adjudicate)
        self.hand_over(application_id, receipt_number, person.signer_nik)
        final = self.wait_for_status(application_id, "COLLECTED")
        return {"application_id": application_id, "receipt_number": receipt_number, "status": final["status"],
                "timeline": [entry["stage"] for entry in final["timeline"]], "duplicate": duplicate}
