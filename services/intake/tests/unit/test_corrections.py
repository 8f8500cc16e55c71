"""The correction loop (rules/corrections.py): what the citizen may change, and that something asked for changed."""
from __future__ import annotations

from intake.rules.corrections import (
    changed_paths,
    document_allowed,
    nothing_corrected,
    snapshot,
    unrequested_changes,
)

DATA = {"applicant": {"full_name": "Siti Aminah", "birth_place": "Bogor",
                      "address": {"street": "Jl. Mawar 1", "rt": "001", "rw": "002", "village_code": "32.01.01.1002"}},
        "contact": {"phone": "081234567890", "email": None}, "changes": []}
BASELINE = snapshot(DATA, {"kk": "a" * 64, "photo": "b" * 64})


def changed(**applicant):
    return {**DATA, "applicant": {**DATA["applicant"], **applicant}}


def test_changes_are_found_down_to_the_leaf():
    after = changed(address={**DATA["applicant"]["address"], "rt": "003"})
    assert changed_paths(DATA, after) == {"applicant.address.rt"}


def test_a_named_field_or_group_may_change_and_anything_else_is_refused_by_name():
    after = changed(full_name="Siti Aminah Putri", birth_place="Depok")
    assert unrequested_changes(["applicant.full_name"], BASELINE, after) == ["applicant.birth_place"]
    moved = changed(address={**DATA["applicant"]["address"], "street": "Jl. Melati 2", "rw": "009"})
    assert unrequested_changes(["applicant.address"], BASELINE, moved) == []


def test_dropping_what_was_entered_for_a_field_the_kind_no_longer_asks_is_no_edit_of_the_citizens():
    # A child's card entered while it still asked the occupation, corrected after it stopped asking.
    entered = snapshot(changed(marital_status="BELUM KAWIN", occupation="PELAJAR/MAHASISWA"), {})
    implied = {"marital_status": "BELUM KAWIN", "occupation": None}
    now = changed(full_name="Putri Aminah", marital_status="BELUM KAWIN", occupation=None)
    assert unrequested_changes(["applicant.full_name"], entered, now, implied) == []
    assert unrequested_changes(["applicant.full_name"], entered, now) == ["applicant.occupation"]


def test_the_citizens_own_contact_is_never_locked_by_a_correction():
    after = {**DATA, "contact": {"phone": "089876543210", "email": "baru@example.org"}}
    assert unrequested_changes(["documents.kk"], BASELINE, after) == []


def test_only_a_document_the_officer_named_may_be_uploaded_again():
    assert document_allowed(["documents.kk", "applicant.full_name"], "kk")
    assert not document_allowed(["documents.kk"], "photo")


def test_resubmitting_without_changing_anything_asked_for_is_refused_in_both_languages():
    finding = nothing_corrected(["documents.kk"], BASELINE, DATA, {"kk": "a" * 64, "photo": "b" * 64})
    assert finding is not None and finding.code == "correction.nothing_changed"
    assert "diperbaiki" in finding.indonesian and "Nothing was corrected" in finding.english
    assert nothing_corrected(["documents.kk"], BASELINE, DATA, {"kk": "c" * 64, "photo": "b" * 64}) is None


def test_changing_only_what_was_not_asked_does_not_count_as_a_correction():
    contact_only = {**DATA, "contact": {"phone": "089876543210", "email": None}}
    assert nothing_corrected(["applicant.full_name"], BASELINE, contact_only,
                             {"kk": "a" * 64, "photo": "b" * 64}) is not None
