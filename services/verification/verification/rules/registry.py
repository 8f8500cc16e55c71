"""The family-card registry as data: No. KK → its members (NIK, name, birth place and date, gender,
relationship), as Dukcapil's SIAK supplies it, and the comparison of an application against it (no I/O;
registry.py reads the file)."""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

COLUMNS = ("kk_number", "nik", "full_name", "birth_place", "birth_date", "gender", "relationship", "village_code")
# The fields an application must share with its registry record, with their names for the officer.
COMPARED = {"full_name": ("nama lengkap", "full name"), "birth_place": ("tempat lahir", "birth place"),
            "birth_date": ("tanggal lahir", "birth date"), "gender": ("jenis kelamin", "gender")}


@dataclasses.dataclass(frozen=True)
class Member:
    kk_number: str
    nik: str
    full_name: str
    birth_place: str
    birth_date: str
    gender: str
    relationship: str
    village_code: str


class FamilyRegistry:
    def __init__(self, members: Iterable[Member]):
        self._families: dict[str, dict[str, Member]] = {}
        for member in members:
            self._families.setdefault(member.kk_number, {})[member.nik] = member

    def __len__(self) -> int:
        return len(self._families)

    def family(self, kk_number: str) -> Mapping[str, Member] | None:
        return self._families.get(kk_number)

    def members(self) -> Iterable[Member]:
        for family in self._families.values():
            yield from family.values()

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> "FamilyRegistry":
        return cls(Member(**{column: str(row[column]).strip() for column in COLUMNS}) for row in rows)


def _normalized(field: str, value: Any) -> str:
    text = "" if value is None else str(value)
    # Names and places are compared as people write them: case and spacing do not matter.
    return " ".join(text.upper().split()) if field in ("full_name", "birth_place") else text


def compare(registry: FamilyRegistry, applicant: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Findings of the application against the registry: the family card or the person is missing, or
    field-by-field mismatches (what was entered and what the registry holds). Empty when all agree."""
    family = registry.family(applicant["kk_number"])
    if family is None:
        return [_finding("registry.kk_not_found",
                         "Nomor KK tidak ditemukan di data keluarga (SIAK).",
                         "The No. KK is not in the family-card registry (SIAK).")]
    member = family.get(applicant["nik"])
    if member is None:
        return [_finding("registry.nik_not_in_kk",
                         "NIK tidak terdaftar sebagai anggota keluarga pada KK ini.",
                         "The NIK is not a member of this family card.")]
    mismatches = [
        {"field": field, "entered": applicant.get(field), "registry": getattr(member, field)}
        for field in COMPARED if _normalized(field, applicant.get(field)) != _normalized(field, getattr(member, field))
    ]
    if not mismatches:
        return []
    names = [COMPARED[m["field"]] for m in mismatches]
    return [_finding("registry.mismatch",
                     "Data berbeda dengan data keluarga (SIAK): " + ", ".join(n[0] for n in names) + ".",
                     "Data differs from the family-card registry (SIAK): " + ", ".join(n[1] for n in names) + ".",
                     mismatches=mismatches, relationship=member.relationship)]


# Who on a KK is a child's parent: the head of the family and the spouse (SIAK's relationship names).
PARENTS = frozenset({"KEPALA KELUARGA", "ISTRI", "SUAMI"})


def compare_parent(registry: FamilyRegistry, kk_number: str, parent: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A child's card: the applying parent is on the child's family card as its head or the head's spouse."""
    family = registry.family(kk_number)
    if family is None:
        return []  # compare() already says the KK is missing
    member = family.get(parent.get("nik", ""))
    if member is None:
        return [_finding("registry.parent_not_in_kk",
                         "NIK orang tua pemohon tidak terdaftar pada KK anak.",
                         "The applying parent's NIK is not on the child's family card.")]
    if member.relationship not in PARENTS:
        return [_finding("registry.not_a_parent",
                         f"Pemohon tercatat pada KK sebagai {member.relationship}, bukan orang tua anak.",
                         f"The applicant is on the family card as {member.relationship}, not the child's parent.",
                         relationship=member.relationship)]
    return []


def _finding(code: str, indonesian: str, english: str, **detail: Any) -> dict[str, Any]:
    return {"code": code, "message": {"id": indonesian, "en": english}, **({"detail": detail} if detail else {})}
