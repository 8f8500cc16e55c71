"""What the console's tests share: a real verification (embedded profile, migrated, served over HTTP on a free
port) trusting either the development secret or the test OpenID provider, cases opened by real
application.submitted events, and the console in front of it."""
from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from console.site import SITE
from ektp_shared.contracts.intake import APPLICATION_SUBMITTED
from ektp_shared.service import discover
from ektp_shared.settings import DEVELOPMENT
from ektp_shared.testing.harness import ServiceHarness
from ektp_shared.web.app import create_app
from verification.models import Case
from verification.registry import load, shipped_path

REGISTRY = load(shipped_path())


class Served:
    """A WSGI app on 127.0.0.1 (a free port, or the one given), in a thread."""

    def __init__(self, app, port: int = 0):
        self.server = make_server("127.0.0.1", port, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()


@dataclass
class Verification:
    harness: ServiceHarness
    url: str

    def open_case(self, member: Any) -> dict[str, Any]:
        """A submitted application's case (its office is the applicant's regency's)."""
        data = submission(member)
        self.harness.deliver(APPLICATION_SUBMITTED, data)
        with self.harness.runtime.uow() as uow:  # read directly: the API may trust only the provider's tokens
            case = uow.session.scalars(select(Case).where(Case.application_id == data["application_id"])).one()
            return {"id": case.id, "receipt_number": case.receipt_number, "office_code": case.office_code}


def person_of(office: str) -> Any:
    """An adult of the shipped synthetic registry living in the regency of ``office`` (3273: Kota Bandung)."""
    digits = office.removeprefix("DISDUKCAPIL-")
    return next(m for m in REGISTRY.members() if m.village_code[:5].replace(".", "") == digits
                and m.birth_date <= f"{dt.date.today().year - 18}-01-01")


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
def verification_factory(runtime_factory) -> Iterator:
    served: list[Served] = []

    def make(**overrides: Any) -> Verification:
        runtime = runtime_factory(discover("verification")["verification"], **overrides)
        server = Served(create_app(runtime))
        served.append(server)
        return Verification(ServiceHarness(runtime), server.url)

    yield make
    for server in served:
        server.stop()


@pytest.fixture
def console_factory(tmp_path) -> Iterator:
    served: list[Served] = []

    def make(verification: Verification, port: int = 0, serve: bool = False, **overrides: Any):
        environ = {**DEVELOPMENT, "EKTP_DATA_DIR": str(tmp_path / "var")}
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
