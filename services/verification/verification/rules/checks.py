"""The automatic checks that run before any officer sees a case (no I/O): documents complete for the kind,
what the NIK and No. KK say, the age rule of a first card (of a child's card), and the data against the
family-card registry (for a child's card, also that the applying parent is the child's parent on the KK).

Findings never decide a case; they are what the officer looks at first, and their codes flag the case
in the queue.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from ektp_shared.contracts.documents import DocumentType
from ektp_shared.identity.finding import Finding
from ektp_shared.identity.kk import check_kk
from ektp_shared.identity.nik import check_nik
from ektp_shared.reference.application_kinds import application_kind, changes_with_values

from .registry import FamilyRegistry, compare, compare_parent


def _as_dict(finding: Finding, severity: str) -> dict[str, Any]:
    return {**finding.as_dict(), "severity": severity}


def run_checks(kind: str, changes: Iterable[str], applicant: Mapping[str, Any], documents: Iterable[Mapping[str, Any]],
               registry: FamilyRegistry, submitted_on: dt.date,
               parent: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """`applicant` is the card's holder (for a KIA the child, and `parent` the parent who applied)."""
    rules = application_kind(kind)
    birth_date = dt.date.fromisoformat(str(applicant["birth_date"]))
    nik = check_nik(applicant["nik"], today=submitted_on, birth_date=birth_date, gender=applicant["gender"])
    kk = check_kk(applicant["kk_number"], today=submitted_on)
    findings = [_as_dict(f, "error") for f in rules.document_findings((d["kind"] for d in documents),
                                                                      changes_with_values(changes, applicant),
                                                                      rules.takes_photo(birth_date, submitted_on))]
    findings += [_as_dict(f, "error") for f in (*nik.errors, *kk.errors)]
    findings += [_as_dict(f, "warning") for f in nik.warnings]
    findings += [_as_dict(f, "error") for f in rules.eligibility_findings(birth_date, applicant.get("marital_status") or "",
                                                                         submitted_on)]
    findings += [{**f, "severity": "warning"} for f in compare(registry, {**applicant, "birth_date": birth_date.isoformat()})]
    if rules.document_type == DocumentType.KIA:
        # Only a parent on the child's family card applies for it: the officer must not approve otherwise.
        findings += [{**f, "severity": "error"} for f in compare_parent(registry, applicant["kk_number"], parent or {})]
    return findings


def flags(findings: Iterable[Mapping[str, Any]]) -> set[str]:
    return {f["code"] for f in findings}
