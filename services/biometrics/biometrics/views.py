"""What officers read of an enrolment: its state, the fingers captured, the face check, the candidates."""
from __future__ import annotations

from typing import Any

from ektp_shared.uow import UnitOfWork

from . import enrolments, evidence
from .models import Capture, Enrolment


def enrolment(uow: UnitOfWork, found: Enrolment) -> dict[str, Any]:
    capture = uow.session.get(Capture, found.capture_id) if found.capture_id else None
    return {"application_id": found.application_id, "state": found.state, "office_code": found.office_code,
            "captured_at": found.captured_at, "decided_at": found.decided_at, "candidates": found.candidates,
            "fingers": enrolments.finger_positions(uow, found), "face_check": capture.face_check if capture else None,
            "holder_check": capture.holder_check if capture else None,
            "finger_quality": evidence.finger_quality(uow, found)}
