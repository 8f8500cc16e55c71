"""The review before submission (no I/O): what blocks it, what the officer will be warned about, and the
entered data with the names a citizen recognises (region names for the codes)."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from ektp_shared.identity.finding import Finding
from ektp_shared.identity.kk import check_kk
from ektp_shared.identity.nik import check_nik
from ektp_shared.reference.application_kinds import application_kind, changes_with_values
from ektp_shared.reference.regions import Level, lineage


@dataclasses.dataclass(frozen=True)
class Review:
    errors: tuple[Finding, ...]
    warnings: tuple[Finding, ...]
    missing_documents: tuple[Finding, ...]

    @property
    def ready(self) -> bool:
        return not self.errors and not self.missing_documents


def review(kind: str, changes: Iterable[str], applicant: Mapping[str, Any], documents: Iterable[str],
           on: dt.date) -> Review:
    """`applicant` as stored (ISO dates); `documents` the kinds uploaded; `on` the day of submission."""
    rules = application_kind(kind)
    birth_date = dt.date.fromisoformat(applicant["birth_date"])
    nik = check_nik(applicant["nik"], today=on, birth_date=birth_date, gender=applicant["gender"])
    kk = check_kk(applicant["kk_number"], today=on)
    eligibility = rules.eligibility_findings(birth_date, applicant.get("marital_status") or "", on)
    documents = list(documents)
    findings = rules.document_findings(documents, changes_with_values(changes, applicant),
                                       rules.takes_photo(birth_date, on))
    # A photo a child has outgrown the age for is an error to fix, not a document to upload.
    missing = tuple(f for f in findings if f.code == "documents.missing")
    too_many = tuple(f for f in findings if f.code != "documents.missing")
    return Review(nik.errors + kk.errors + eligibility + too_many, nik.warnings, missing)


def missing_document_codes(kind: str, changes: Iterable[str], applicant: Mapping[str, Any],
                           documents: Iterable[str], on: dt.date) -> list[str]:
    """Each unmet requirement as `a|b` (any one of the documents will do)."""
    rules = application_kind(kind)
    photo = rules.takes_photo(dt.date.fromisoformat(applicant["birth_date"]), on)
    return ["|".join(r) for r in rules.missing_documents(documents, changes_with_values(changes, applicant), photo)]


def with_region_names(applicant: Mapping[str, Any]) -> dict[str, Any]:
    """The entered data with the village, district, regency and province named (derived from the code)."""
    address = dict(applicant["address"])
    for place in lineage(address["village_code"]):
        address[{Level.PROVINCE: "province", Level.REGENCY: "regency", Level.DISTRICT: "district",
                 Level.VILLAGE: "village"}[place.level]] = {"code": place.code, "name": place.name}
    return {**applicant, "address": address}
