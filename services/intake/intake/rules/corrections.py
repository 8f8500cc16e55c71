"""The correction loop's rules (no I/O): while a correction is requested the citizen may change the fields
and documents the officer named (and their own contact details), and must change at least one of them
before submitting again.

Fields are named as in the API body (`applicant.full_name`, `applicant.address`, `residence.permit_number`,
`changes`); documents as `documents.<kind>`. Naming a group (`applicant.address`) allows each field in it.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ektp_shared.identity.finding import Finding

# The citizen's own way to be reached is never locked by a correction.
ALWAYS_EDITABLE = ("contact",)


def snapshot(data: Mapping[str, Any], documents: Mapping[str, str]) -> dict[str, Any]:
    """What the correction is compared against: the data as entered and each document's SHA-256."""
    return {"data": dict(data), "documents": dict(documents)}


def changed_paths(before: Any, after: Any, prefix: str = "") -> set[str]:
    """Dotted paths of the leaves that differ between two JSON-like values."""
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        found: set[str] = set()
        for key in set(before) | set(after):
            path = f"{prefix}.{key}" if prefix else str(key)
            found |= changed_paths(before.get(key), after.get(key), path)
        return found
    return set() if before == after else {prefix}


def covered(path: str, named: Iterable[str]) -> bool:
    return any(path == field or path.startswith(field + ".") for field in named)


def unrequested_changes(requested: Iterable[str], baseline: Mapping[str, Any], data: Mapping[str, Any],
                        implied: Mapping[str, Any] | None = None) -> list[str]:
    """Data fields changed although the officer did not name them (these edits are refused). ``implied``: the
    holder's fields the kind does not ask, with the values it implies; what a baseline holds for them (entered
    before a child's card stopped asking marital status and occupation) is not the citizen's to keep."""
    before = baseline["data"]
    if implied and before.get("applicant"):
        before = {**before, "applicant": {**before["applicant"], **implied}}
    allowed = [*requested, *ALWAYS_EDITABLE]
    return sorted(p for p in changed_paths(before, data) if not covered(p, allowed))


def document_allowed(requested: Iterable[str], kind: str) -> bool:
    return covered(f"documents.{kind}", requested)


def nothing_corrected(requested: Iterable[str], baseline: Mapping[str, Any], data: Mapping[str, Any],
                      documents: Mapping[str, str]) -> Finding | None:
    """A finding when none of the named fields or documents changed since the correction was requested."""
    requested = list(requested)
    changed = changed_paths(baseline["data"], data) | {
        f"documents.{kind}" for kind in changed_paths(baseline["documents"], documents)}
    if any(covered(path, requested) for path in changed):
        return None
    return Finding(
        "correction.nothing_changed",
        "Belum ada yang diperbaiki: ubah data atau dokumen yang diminta petugas sebelum mengajukan kembali.",
        "Nothing was corrected: change the data or documents the officer asked for before submitting again.",
    )
