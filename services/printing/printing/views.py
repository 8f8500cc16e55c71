"""What operators read: a card with its jobs, serials and letter; a printer; an office's stock. Read models
only; nothing here changes state."""
from __future__ import annotations

from typing import Any

from ektp_shared.uow import UnitOfWork

from . import blank_cards, pickups, policies, print_jobs, printers, temporary_letters
from .models import Card, FingerprintCheck, Printer
from .rules.stock import is_low

JOB_FIELDS = ("id", "state", "purpose", "attempts", "spoiled", "serial", "outcome_unknown", "chip_verified", "reason",
              "next_attempt_at", "printed_at", "qc_field", "created_at")
PRINTER_FIELDS = ("name", "office_code", "in_rotation", "held_by_operator", "out_reason", "online", "conditions",
                  "ribbon_remaining", "cards_in_feeder", "polled_at", "last_used_at")
CARD_FIELDS = ("application_id", "receipt_number", "state", "kind", "document_type", "serial", "printed_at", "pickup_from", "office", "reminders_sent",
               "refused_fields", "collected_at", "collected_by", "collector_relation", "old_card", "withdrawn_at",
               "fingerprint", "fingerprint_override")
CHECK_FIELDS = ("position", "match", "evidence", "fmr", "target_fmr", "checked_by", "checked_at")


def card(uow: UnitOfWork, found: Card) -> dict[str, Any]:
    names = {p.id: p.name for p in printers.all_printers(uow)}
    jobs = [{**{name: getattr(job, name) for name in JOB_FIELDS},
             "printer": names.get(job.printer_id)} for job in print_jobs.of(uow, found.application_id)]
    letter = temporary_letters.current(uow, found.application_id)
    return {**{name: getattr(found, name) for name in CARD_FIELDS},
            "void_serials": blank_cards.voided_for(uow, found.application_id), "jobs": jobs,
            "surat_kuasa": pickups.power_of_attorney(uow, found.application_id) is not None,
            "fingerprint_checks": [fingerprint_check(check) for check in pickups.fingerprint_checks(uow, found.application_id)],
            "temporary_letter": None if letter is None else {"number": letter.number, "issued_at": letter.issued_at,
                                                             "valid_until": letter.valid_until}}


def fingerprint_check(found: FingerprintCheck) -> dict[str, Any]:
    return {name: getattr(found, name) for name in CHECK_FIELDS}


def printer(found: Printer) -> dict[str, Any]:
    return {**{name: getattr(found, name) for name in PRINTER_FIELDS}, "uri": printers.public_uri(found.uri)}


def stock(uow: UnitOfWork, office_code: str, settings: Any) -> dict[str, Any]:
    counts = blank_cards.counts(uow, office_code)
    threshold = policies.policy_of(uow, office_code, settings).low_stock_threshold
    return {"office_code": office_code, **counts, "low_stock_threshold": threshold,
            "low": is_low(counts[blank_cards.AVAILABLE], threshold), "batches": blank_cards.batches(uow, office_code)}
