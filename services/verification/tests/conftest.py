"""What the verification tests share: a migrated service (embedded profile), officers' tokens, real
CloudEvents delivered through the service's own dispatcher (inbox, handler, outbox), and the events it
published read back from its outbox."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from ektp_shared.contracts.intake import APPLICATION_SUBMITTED
from ektp_shared.testing.harness import ServiceHarness
from verification.registry import load, shipped_path
from verification.service import SERVICE

NOW = dt.datetime.now(dt.timezone.utc)
REGISTRY = load(shipped_path())
# The regencies' offices of everyone in the registry: the officers of these tests work for all of them (the
# office boundary has its own tests).
REGISTRY_OFFICES = tuple(sorted({f"DISDUKCAPIL-{m.village_code[:5].replace('.', '')}" for m in REGISTRY.members()}))


class Verification(ServiceHarness):
    offices = REGISTRY_OFFICES

    def case_of(self, application_id: str, officer: dict[str, str]) -> dict[str, Any]:
        found = self.client.get("/v1/cases", query_string={"application_id": application_id}, headers=officer).get_json()
        assert len(found) == 1
        return self.client.get(f"/v1/cases/{found[0]['id']}", headers=officer).get_json()

    def submit(self, data: dict[str, Any] | None = None) -> dict[str, Any]:
        """Deliver application.submitted (the first registry adult's, unless given) and return its data."""
        data = data or submission()
        self.deliver(APPLICATION_SUBMITTED, data)
        return data

    def claim(self, case_id: str, officer: dict[str, str]) -> dict[str, Any]:
        response = self.client.post(f"/v1/cases/{case_id}/claim", headers=officer)
        assert response.status_code == 200, response.get_json()
        return response.get_json()


@pytest.fixture
def make_verification(harness_factory):
    def make(real: bool = False, **overrides: Any) -> Verification:
        return harness_factory(SERVICE, Verification, real=real, **overrides)

    return make


@pytest.fixture
def service(make_verification) -> Verification:
    return make_verification()


def registry_people() -> list[Any]:
    """Members of the shipped synthetic registry old enough for a first card."""
    limit = dt.date(NOW.year - 18, NOW.month, min(NOW.day, 28)).isoformat()
    return [m for m in REGISTRY.members() if m.birth_date <= limit]


def submission(member: Any = None, *, kind: str = "new", documents: tuple[str, ...] = ("kk", "akta_kelahiran", "photo"),
               changes: tuple[str, ...] = (), **applicant: Any) -> dict[str, Any]:
    """application.submitted data for a registry member (or the first adult), with overrides."""
    member = member or registry_people()[0]
    data = {
        "nik": member.nik, "kk_number": member.kk_number, "full_name": member.full_name,
        "birth_place": member.birth_place, "birth_date": dt.date.fromisoformat(member.birth_date), "gender": member.gender,
        "religion": "ISLAM", "marital_status": "KAWIN", "occupation": "KARYAWAN SWASTA", "citizenship": "WNI",
        "address": {"street": "Jl. Merdeka 1", "rt": "001", "rw": "002", "village_code": member.village_code},
    }
    data.update(applicant)
    return {
        "application_id": str(uuid.uuid4()), "receipt_number": "KTP-3201-261127-ABCDEF-0", "kind": kind,
        "submitted_at": NOW, "applicant": data, "contact": {"phone": "081234567890", "email": None}, "language": "id",
        "changes": list(changes), "documents": [
            {"kind": d, "document_id": str(uuid.uuid4()), "sha256": "ab" * 32, "content_type": "image/jpeg"}
            for d in documents],
    }


@pytest.fixture
def people() -> list[Any]:
    return registry_people()


@pytest.fixture
def make_submission():
    return submission
