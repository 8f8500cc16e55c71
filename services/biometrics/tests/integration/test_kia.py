"""A child's identity card (KIA) has no biometrics: its submission and approval reach biometrics like any other,
and it opens no enrolment, notes no photo (and fetches none from intake), and refuses a capture."""
from __future__ import annotations

import io
import uuid

from sqlalchemy import text

from ektp_shared.contracts.intake import APPLICATION_SUBMITTED
from ektp_shared.contracts.verification import APPLICATION_VERIFIED

from ..conftest import OBAMA, fixture, submission, verification


def test_a_kia_is_neither_enrolled_nor_captured_and_its_photo_is_never_fetched(service):
    application_id = str(uuid.uuid4())
    photo = service.intake.add(fixture(OBAMA.photo))
    service.deliver(APPLICATION_SUBMITTED, {**submission(application_id, [photo]), "kind": "kia_new",
                                            "document_type": "kia"})
    service.deliver(APPLICATION_VERIFIED, {**verification(application_id), "kind": "kia_new", "document_type": "kia"})

    assert service.client.get(f"/v1/enrolments/{application_id}", headers=service.operator).status_code == 404
    files = {"face": (io.BytesIO(fixture(OBAMA.face)), "face.jpg"),
             **{f"finger_{p}": (io.BytesIO(image), f"finger_{p}.png") for p, image in OBAMA.fingers().items()}}
    refused = service.client.post(f"/v1/enrolments/{application_id}/capture", data=files, headers=service.operator)
    assert refused.status_code == 404
    with service.runtime.uow() as uow:
        rows = [uow.session.execute(text(f"SELECT count(*) FROM {table} WHERE application_id = :id"),
                                    {"id": application_id}).scalar() for table in ("enrolments", "photos")]
    assert rows == [0, 0] and service.intake.requests == []
