"""The review before submission (rules/review.py): what blocks it, what only warns, and region names."""
from __future__ import annotations

import datetime as dt
import random

from ektp_shared.identity.generator import random_kk, random_nik
from intake.rules.review import missing_document_codes, review, with_region_names

TODAY = dt.date(2026, 12, 2)
VILLAGE = "32.01.01.1002"


def applicant(years: int = 25, **changes):
    rng = random.Random(7)
    birth = dt.date(TODAY.year - years, 3, 14)
    data = {"nik": random_nik(rng, today=TODAY, district=VILLAGE[:8], birth_date=birth, gender="PEREMPUAN"),
            "kk_number": random_kk(rng, today=TODAY, district=VILLAGE[:8]), "birth_date": birth.isoformat(),
            "gender": "PEREMPUAN", "marital_status": "BELUM KAWIN",
            "address": {"street": "Jl. Mawar 1", "rt": "001", "rw": "002", "village_code": VILLAGE}}
    data.update(changes)
    return data


def test_a_complete_first_application_is_ready():
    checked = review("new", [], applicant(), ["kk", "akta_kelahiran", "photo"], TODAY)
    assert checked.ready and not checked.errors and not checked.missing_documents


def test_missing_documents_block_submission_and_are_named():
    checked = review("new", [], applicant(), ["kk"], TODAY)
    assert not checked.ready and [f.code for f in checked.missing_documents] == ["documents.missing"] * 2
    assert missing_document_codes("new", [], applicant(), ["kk"], TODAY) == ["akta_kelahiran", "photo"]


def test_a_marital_status_change_asks_for_the_certificate_of_the_new_status():
    married = applicant(marital_status="KAWIN")
    assert "akta_perkawinan" in missing_document_codes("data_change", ["marital_status"], married, ["ktp_lama", "kk"], TODAY)


def test_under_17_and_unmarried_cannot_have_a_first_card():
    checked = review("new", [], applicant(years=16), ["kk", "akta_kelahiran", "photo"], TODAY)
    assert [f.code for f in checked.errors] == ["kind.too_young"] and not checked.ready


def test_a_birth_date_that_disagrees_with_the_nik_warns_the_officer_without_blocking():
    data = applicant()
    data["birth_date"] = "1999-01-01"
    checked = review("new", [], data, ["kk", "akta_kelahiran", "photo"], TODAY)
    assert checked.warnings and not checked.errors and checked.ready


def test_the_address_gets_the_names_a_citizen_recognises():
    named = with_region_names(applicant())["address"]
    assert named["regency"]["code"] == "32.01" and named["village"]["code"] == VILLAGE
    assert named["province"]["name"].upper() == "JAWA BARAT"
