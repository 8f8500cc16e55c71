"""Adjudication of a suspected biometric duplicate: the case waits in the biometric_adjudicator queue with
both records side by side; "different people" lets biometrics enrol, "the same person" rejects the
application as a duplicate."""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from ektp_shared.contracts import CloudEvent
from ektp_shared.contracts.verification import ADJUDICATION_DECIDED
from ektp_shared.serialization import jsonable
from ektp_shared.uow import UnitOfWork

from . import appointments
from .cases import audit, by_application, move, reject
from .rules import decisions
from .rules.states import FINAL, CaseState

DUPLICATE_REASON = "duplicate_identity"


def suspected(uow: UnitOfWork, event: CloudEvent, now: dt.datetime) -> None:
    case = by_application(uow, str(event.data["application_id"]))
    if case is None:
        raise LookupError("no case for this application: a duplicate cannot be adjudicated before the case exists")
    if CaseState(case.resume_state or case.state) in FINAL:
        return  # decided meanwhile (e.g. rejected); nothing to adjudicate
    appointments.captured(uow, case, now)
    before = {"state": case.state}
    case.biometric_reference = str(event.data["reference_id"])
    case.candidates = jsonable(event.data["candidates"])
    case.queued_at = now
    move(uow, case, CaseState.ADJUDICATION, now)
    audit(uow, "biometrics", "adjudication.opened", case, now, before,
          {"state": case.state, "reference_id": case.biometric_reference,
           "candidates": [c["reference_id"] for c in case.candidates]})


def decide(uow: UnitOfWork, case: Any, officer: str, roles: Collection[str], body: dict[str, Any], now: dt.datetime) -> None:
    distinct = body["decision"] == "distinct"
    state = decisions.adjudicate(CaseState(case.state), roles, distinct)
    uow.emit(ADJUDICATION_DECIDED, {
        "application_id": case.application_id, "reference_id": case.biometric_reference, "decision": body["decision"],
        "adjudicator": officer, "candidates": [c["reference_id"] for c in case.candidates or []], "decided_at": now,
    }, correlation_id=case.application_id)
    if not distinct:
        reject(uow, case, DUPLICATE_REASON, body["message"], now)
        case.decided_by = officer
    move(uow, case, state, now)
    audit(uow, officer, f"adjudication.{body['decision']}", case, now, {"state": CaseState.ADJUDICATION.value},
          {"state": case.state, "note": body.get("note"), "reference_id": case.biometric_reference})
