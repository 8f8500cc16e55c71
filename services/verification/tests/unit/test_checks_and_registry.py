"""The automatic checks and the family-card registry, with plain values (no I/O but the registry file)."""
from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ektp_shared.identity.kk import check_kk
from ektp_shared.identity.nik import check_nik
from verification.registry import load, shipped_path
from verification.registry_generator import families
from verification.rules.checks import flags, run_checks
from verification.rules.registry import COLUMNS, FamilyRegistry, Member, compare

TODAY = dt.date(2026, 11, 27)
MEMBER = Member("3201010101200001", "3201011705000001", "Budi Santoso", "Bogor", "2000-05-17", "LAKI-LAKI",
                "KEPALA KELUARGA", "32.01.01.1002")
REGISTRY = FamilyRegistry([MEMBER])


def applicant(**changes):
    data = {"nik": MEMBER.nik, "kk_number": MEMBER.kk_number, "full_name": MEMBER.full_name, "birth_place": "Bogor",
            "birth_date": MEMBER.birth_date, "gender": MEMBER.gender, "marital_status": "BELUM KAWIN",
            "address": {"village_code": MEMBER.village_code}}
    data.update(changes)
    return data


def docs(*kinds):
    return [{"kind": k} for k in kinds]


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32), st.integers(1, 4))
def test_generated_families_follow_the_nik_and_kk_rules(seed, count):
    members = list(families(random.Random(seed), count, TODAY))
    assert len({m.kk_number for m in members}) == count
    for m in members:
        born = dt.date.fromisoformat(m.birth_date)
        nik = check_nik(m.nik, today=TODAY, birth_date=born, gender=m.gender)
        assert nik.valid and not nik.warnings, (m, nik.errors, nik.warnings)
        kk = check_kk(m.kk_number, today=TODAY)
        assert kk.valid and kk.issue_date >= born or m.relationship == "ANAK"
        assert m.nik[:6] == m.kk_number[:6] == m.village_code.replace(".", "")[:6], "one family, one district"
    heads = [m for m in members if m.relationship == "KEPALA KELUARGA"]
    assert len(heads) == count


def test_names_and_places_compare_as_people_write_them():
    assert compare(REGISTRY, applicant(full_name="  budi   SANTOSO ", birth_place="bogor")) == []


def test_each_differing_field_is_reported_with_both_values():
    finding, = compare(REGISTRY, applicant(birth_date="2000-05-18", gender="PEREMPUAN"))
    assert finding["code"] == "registry.mismatch"
    assert finding["detail"]["mismatches"] == [
        {"field": "birth_date", "entered": "2000-05-18", "registry": "2000-05-17"},
        {"field": "gender", "entered": "PEREMPUAN", "registry": "LAKI-LAKI"}]
    assert "tanggal lahir, jenis kelamin" in finding["message"]["id"]


def test_a_nik_that_is_not_on_the_family_card_is_reported():
    assert [f["code"] for f in compare(REGISTRY, applicant(nik="3201011705000002"))] == ["registry.nik_not_in_kk"]


@pytest.mark.parametrize("kind, changes, uploaded, missing", [
    ("new", [], ["kk", "akta_kelahiran", "photo"], 0),
    ("new", [], ["kk"], 2),
    ("replacement_lost", [], ["surat_kehilangan"], 0),
    ("replacement_damaged", [], [], 1),
    ("move_in", [], ["skpwni"], 1),
    ("data_change", ["address"], ["ktp_lama", "kk"], 0),
    ("data_change", ["marital_status"], ["ktp_lama", "kk", "akta_perceraian"], 1),
    ("data_change", ["marital_status"], ["ktp_lama", "kk", "akta_perkawinan"], 0),
    ("data_change", ["name", "photo"], ["ktp_lama", "kk", "photo"], 1),
])
def test_documents_are_checked_against_the_kind(kind, changes, uploaded, missing):
    findings = run_checks(kind, changes, applicant(marital_status="KAWIN"), docs(*uploaded), REGISTRY, TODAY)
    assert [f["code"] for f in findings].count("documents.missing") == missing


def test_a_first_card_before_17_is_flagged_unless_married():
    young = {"birth_date": "2010-01-01"}
    assert "kind.too_young" in flags(run_checks("new", [], applicant(**young), docs("kk"), REGISTRY, TODAY))
    married = run_checks("new", [], applicant(marital_status="KAWIN", **young), docs("kk"), REGISTRY, TODAY)
    assert "kind.too_young" not in flags(married)


def test_the_registry_loads_from_csv_or_json(tmp_path):
    rows = [{column: getattr(MEMBER, column) for column in COLUMNS}]
    (tmp_path / "r.json").write_text(json.dumps(rows))
    (tmp_path / "r.csv").write_text(",".join(COLUMNS) + "\n" + ",".join(rows[0].values()) + "\n")
    for name in ("r.json", "r.csv"):
        loaded = load(tmp_path / name)
        assert loaded.family(MEMBER.kk_number) == {MEMBER.nik: MEMBER}


def test_the_shipped_registry_is_loaded_from_the_package():
    assert len(load(shipped_path())) == 300
