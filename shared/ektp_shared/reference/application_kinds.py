"""Application kinds (new, data_change, replacement_lost, replacement_damaged, move_in, outside_domicile for the
e-KTP; kia_new, kia_replacement_lost, kia_replacement_damaged for the child's card, KIA) and the documents each needs.

The table is data/application_kinds.json. A requirement is a group of document codes of which any one will
do (e.g. a marriage, divorce or death certificate for a change of marital status). Each kind carries its fee:
Rp0, which no region may raise, because the law makes the e-KTP free (`fee_law`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files
from types import MappingProxyType

from ektp_shared.contracts.documents import DocumentType as IssuedDocument
from ektp_shared.identity.finding import Finding

Requirement = tuple[str, ...]
PHOTO = "photo"
# Who may hold a child's card: only a child not (ever) married; a married one gets an e-KTP (UU 24/2013 Pasal 63).
UNMARRIED = "BELUM KAWIN"
# What a child's card does not ask, and the value its holder has instead: a child is unmarried by definition and
# has no occupation; the KIA prints neither.
NOT_ASKED_OF_A_CHILD: Mapping[str, str | None] = MappingProxyType({"marital_status": UNMARRIED, "occupation": None})


@dataclass(frozen=True, slots=True)
class DocumentType:
    code: str
    indonesian: str
    english: str


@dataclass(frozen=True, slots=True)
class FeeLaw:
    """Why the fee is what it is, in the words the citizen reads."""

    basis: str
    indonesian: str
    english: str


@dataclass(frozen=True, slots=True)
class Fee:
    rupiah: int
    # Whether a region may charge its own fee (retribusi) for this kind; the law says no for every kind.
    region_may_charge: bool

    @property
    def law(self) -> FeeLaw:
        return fee_law()

    def as_dict(self) -> dict:
        law = self.law
        return {"rupiah": self.rupiah, "region_may_charge": self.region_may_charge, "basis": law.basis,
                "message": {"id": law.indonesian, "en": law.english}}


@dataclass(frozen=True, slots=True)
class ChangeRule:
    """Supporting documents for changing one field; by_value narrows them by the new value."""

    requires: tuple[Requirement, ...]
    by_value: Mapping[str, tuple[Requirement, ...]]


@dataclass(frozen=True, slots=True)
class ApplicationKind:
    code: str
    indonesian: str
    english: str
    # The document the kind issues: ektp, or kia (the child's card, which skips biometrics).
    document_type: IssuedDocument
    requires: tuple[Requirement, ...]
    fee: Fee
    # True when the citizen chooses the office (outside_domicile: a regency other than the address's); else the
    # office is the one serving the address.
    office_chosen: bool
    # Only "new": the applicant must be this old on the day of submission, unless already (ever) married.
    min_age_years: int | None
    age_exempt_marital_statuses: frozenset[str]
    # Only "data_change": the fields that may change and the supporting documents for each.
    changes: Mapping[str, ChangeRule]
    # Only the KIA kinds: the child must be younger than this on the day of submission, and unmarried.
    under_age_years: int | None = None
    # Only the KIA kinds: the photo is required from this age, and not taken before it (Permendagri 2/2016).
    photo_from_age_years: int | None = None

    @property
    def implied_fields(self) -> Mapping[str, str | None]:
        """The holder's fields this kind does not ask, each with the value it implies (the KIA kinds' only)."""
        return NOT_ASKED_OF_A_CHILD if self.under_age_years is not None else MappingProxyType({})

    def with_implied_fields(self, applicant: Mapping[str, object]) -> dict[str, object]:
        """The holder's data as this kind keeps it: the fields it does not ask set to what they imply."""
        return {**applicant, **self.implied_fields}

    def takes_photo(self, birth_date: date, on: date) -> bool:
        return self.photo_from_age_years is None or _age(birth_date, on) >= self.photo_from_age_years

    def required_documents(self, changes: Mapping[str, str | None] | None = None,
                           photo: bool = True) -> tuple[Requirement, ...]:
        """Requirements for this kind; `changes` maps each changed field to its new value (or None); `photo`
        False for a child too young for one (takes_photo)."""
        required = [req for req in self.requires if photo or req != (PHOTO,)]
        for field, new_value in (changes or {}).items():
            rule = self.changes.get(field)
            if rule is None:
                raise ValueError(f"{field!r} is not a changeable field of {self.code!r}; expected one of {sorted(self.changes)}")
            for requirement in rule.by_value.get(new_value, rule.requires):
                if requirement not in required:
                    required.append(requirement)
        return tuple(required)

    def missing_documents(
        self, provided: Iterable[str], changes: Mapping[str, str | None] | None = None, photo: bool = True
    ) -> tuple[Requirement, ...]:
        """The requirements that none of the provided document codes meets."""
        have = set(provided)
        return tuple(req for req in self.required_documents(changes, photo) if not have.intersection(req))

    def document_findings(
        self, provided: Iterable[str], changes: Mapping[str, str | None] | None = None, photo: bool = True
    ) -> tuple[Finding, ...]:
        provided = list(provided)
        findings = [_missing_finding(req) for req in self.missing_documents(provided, changes, photo)]
        if not photo and PHOTO in provided:
            years = self.photo_from_age_years
            findings.append(Finding(
                "documents.photo_too_young", f"KIA anak di bawah {years} tahun tidak memakai foto; hapus pas fotonya.",
                f"A KIA for a child under {years} carries no photo; remove the photo."))
        return tuple(findings)

    def eligibility_findings(self, birth_date: date, marital_status: str, on: date) -> tuple[Finding, ...]:
        if self.under_age_years is not None:
            return self._child_findings(birth_date, marital_status, on)
        if self.min_age_years is None or marital_status in self.age_exempt_marital_statuses:
            return ()
        if _age(birth_date, on) >= self.min_age_years:
            return ()
        years = self.min_age_years
        return (Finding(
            "kind.too_young",
            f"KTP-el pertama hanya untuk yang berusia minimal {years} tahun pada hari pengajuan, "
            "atau yang sudah/pernah kawin.",
            f"A first e-KTP is only for applicants who are at least {years} on the day of submission, "
            "or married or previously married.",
        ),)

    def _child_findings(self, birth_date: date, marital_status: str, on: date) -> tuple[Finding, ...]:
        years = self.under_age_years
        if _age(birth_date, on) >= years:
            return (Finding("kind.too_old", f"KIA hanya untuk anak yang belum berusia {years} tahun pada hari "
                            "pengajuan; ajukan KTP-el.",
                            f"A KIA is only for a child under {years} on the day of submission; apply for an e-KTP."),)
        if marital_status != UNMARRIED:
            return (Finding("kind.child_married", "Anak yang sudah/pernah kawin mengajukan KTP-el, bukan KIA.",
                            "A child who is or was married applies for an e-KTP, not a KIA."),)
        return ()


def changes_with_values(fields: Iterable[str], applicant: Mapping[str, object]) -> dict[str, str | None]:
    """The `changes` mapping `required_documents` takes: each changed field with its new value from the entered
    data (only marital status narrows the documents by value; other fields map to None)."""
    return {field: applicant.get(field) if field == "marital_status" else None for field in fields}


def fee_law() -> FeeLaw:
    law = _table()["fee_law"]
    return FeeLaw(law["basis"], law["id"], law["en"])


def application_kind(code: str) -> ApplicationKind:
    kinds = _kinds()
    if code not in kinds:
        raise ValueError(f"unknown application kind {code!r}; expected one of {sorted(kinds)}")
    return kinds[code]


def application_kinds() -> tuple[ApplicationKind, ...]:
    return tuple(_kinds().values())


def document_type(code: str) -> DocumentType:
    documents = _documents()
    if code not in documents:
        raise ValueError(f"unknown document type {code!r}; expected one of {sorted(documents)}")
    return documents[code]


def document_types() -> tuple[DocumentType, ...]:
    return tuple(_documents().values())


def _missing_finding(requirement: Requirement) -> Finding:
    names = [document_type(code) for code in requirement]
    if len(names) == 1:
        indonesian = f"Dokumen wajib belum diunggah: {names[0].indonesian}."
        english = f"A required document is missing: {names[0].english}."
    else:
        indonesian = "Dokumen wajib belum diunggah, salah satu dari: " + ", ".join(n.indonesian for n in names) + "."
        english = "A required document is missing, one of: " + ", ".join(n.english for n in names) + "."
    return Finding("documents.missing", indonesian, english)


def _age(birth_date: date, on: date) -> int:
    # A 29 February birthday is reached on 1 March in common years.
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


@cache
def _table() -> dict:
    return json.loads(files(__package__).joinpath("data", "application_kinds.json").read_text(encoding="utf-8"))


@cache
def _documents() -> dict[str, DocumentType]:
    return {code: DocumentType(code, names["id"], names["en"]) for code, names in _table()["documents"].items()}


@cache
def _kinds() -> dict[str, ApplicationKind]:
    def requirements(groups: list[list[str]]) -> tuple[Requirement, ...]:
        for group in groups:
            for code in group:
                document_type(code)  # a typo in the table fails at load, not at a citizen's submission
        return tuple(tuple(group) for group in groups)

    kinds = {}
    for code, spec in _table()["kinds"].items():
        eligibility = spec.get("eligibility", {})
        changes = {
            field: ChangeRule(
                requirements(rule["requires"]),
                {value: requirements(groups) for value, groups in rule.get("by_value", {}).items()},
            )
            for field, rule in spec.get("changes", {}).items()
        }
        kinds[code] = ApplicationKind(
            code, spec["id"], spec["en"], IssuedDocument(spec.get("document", IssuedDocument.EKTP.value)),
            requirements(spec["requires"]), Fee(spec["fee"]["rupiah"], spec["fee"]["region_may_charge"]),
            spec.get("office") == "chosen", eligibility.get("min_age_years"),
            frozenset(eligibility.get("or_marital_status", ())), changes,
            eligibility.get("under_age_years"), eligibility.get("photo_from_age_years"),
        )
    return kinds
