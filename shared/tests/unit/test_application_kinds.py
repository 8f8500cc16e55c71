"""Which documents each application kind needs, and who may ask for a first e-KTP."""

from datetime import date

import pytest

from ektp_shared.reference.application_kinds import application_kind, application_kinds, document_type, document_types


def codes(requirements):
    return [list(r) for r in requirements]


def test_the_six_ektp_kinds_and_three_kia_kinds_are_offered():
    assert [k.code for k in application_kinds()] == [
        "new", "data_change", "replacement_lost", "replacement_damaged", "move_in", "outside_domicile",
        "kia_new", "kia_replacement_lost", "kia_replacement_damaged"]
    assert {k.code: k.document_type.value for k in application_kinds()}["kia_new"] == "kia"
    assert [k.code for k in application_kinds() if k.document_type.value == "ektp"][-1] == "outside_domicile"
    assert all(k.indonesian and k.english for k in application_kinds())


def test_only_outside_domicile_lets_the_citizen_choose_the_office():
    assert [k.code for k in application_kinds() if k.office_chosen] == ["outside_domicile"]
    assert application_kind("outside_domicile").indonesian == "Perekaman dan pencetakan di luar domisili"


@pytest.mark.parametrize(("kind", "required"), [
    ("new", [["kk"], ["akta_kelahiran"], ["photo"]]),
    ("data_change", [["ktp_lama"], ["kk"]]),
    ("replacement_lost", [["surat_kehilangan"]]),
    ("replacement_damaged", [["foto_ktp_rusak"]]),
    ("move_in", [["skpwni"], ["kk"]]),
    ("outside_domicile", [["kk"], ["photo"]]),
    ("kia_new", [["akta_kelahiran"], ["kk"], ["photo"]]),
    ("kia_replacement_lost", [["kk"], ["surat_kehilangan"], ["photo"]]),
    ("kia_replacement_damaged", [["kk"], ["foto_kia_rusak"], ["photo"]]),
])
def test_each_kind_requires_its_documents(kind, required):
    assert codes(application_kind(kind).required_documents()) == required


def test_a_new_application_with_only_the_kk_misses_the_birth_certificate_and_photo():
    new = application_kind("new")
    assert codes(new.missing_documents(["kk"])) == [["akta_kelahiran"], ["photo"]]
    assert new.missing_documents(["photo", "kk", "akta_kelahiran"]) == ()
    findings = new.document_findings(["kk"])
    assert [f.code for f in findings] == ["documents.missing", "documents.missing"]
    assert "Akta kelahiran" in findings[0].indonesian and "birth certificate" in findings[0].english


@pytest.mark.parametrize(("change", "supporting"), [
    ({"marital_status": "KAWIN"}, [["akta_perkawinan"]]),
    ({"marital_status": "CERAI HIDUP"}, [["akta_perceraian"]]),
    ({"marital_status": "CERAI MATI"}, [["akta_kematian"]]),
    ({"marital_status": None}, [["akta_perkawinan", "akta_perceraian", "akta_kematian"]]),
    ({"name": "SITI AMINAH"}, [["penetapan_pengadilan"]]),
    ({"occupation": "GURU"}, [["surat_keterangan_pekerjaan"]]),
    ({"religion": "ISLAM"}, [["surat_keterangan_agama"]]),
    ({"photo": None}, [["photo"]]),
    ({"address": None}, []),
])
def test_a_data_change_needs_the_old_card_the_kk_and_the_supporting_document(change, supporting):
    assert codes(application_kind("data_change").required_documents(change)) == [["ktp_lama"], ["kk"]] + supporting


def test_several_changes_add_up_and_any_accepted_alternative_satisfies_a_requirement():
    kind = application_kind("data_change")
    changes = {"marital_status": None, "name": "X", "address": None}
    assert codes(kind.missing_documents(["ktp_lama", "kk", "akta_perceraian"], changes)) == [["penetapan_pengadilan"]]
    finding = kind.document_findings(["ktp_lama", "kk"], {"marital_status": None})[0]
    assert "salah satu dari" in finding.indonesian and "one of" in finding.english


def test_an_unknown_changed_field_or_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="changeable"):
        application_kind("data_change").required_documents({"blood_type": "A"})
    with pytest.raises(ValueError, match="new"):
        application_kind("renewal")
    with pytest.raises(ValueError):
        application_kind("new").required_documents({"name": "X"})


def test_every_document_has_a_name_in_both_languages():
    assert all(d.indonesian and d.english for d in document_types())
    assert document_type("skpwni").english == "move letter (SKPWNI)"


@pytest.mark.parametrize(("birth", "status", "on", "eligible"), [
    (date(2009, 11, 28), "BELUM KAWIN", date(2026, 11, 27), False),   # 17 tomorrow
    (date(2009, 11, 27), "BELUM KAWIN", date(2026, 11, 27), True),    # 17 today
    (date(2012, 2, 29), "BELUM KAWIN", date(2029, 2, 28), False),     # leap-day birthday not reached yet
    (date(2012, 2, 29), "BELUM KAWIN", date(2029, 3, 1), True),
    (date(2010, 5, 1), "KAWIN", date(2026, 11, 27), True),            # married at 16
    (date(2010, 5, 1), "CERAI HIDUP", date(2026, 11, 27), True),
    (date(2010, 5, 1), "CERAI MATI", date(2026, 11, 27), True),
])
def test_a_first_ektp_needs_age_17_on_the_day_or_having_married(birth, status, on, eligible):
    findings = application_kind("new").eligibility_findings(birth, status, on)
    assert (findings == ()) is eligible
    if not eligible:
        assert findings[0].code == "kind.too_young"
        assert "17" in findings[0].indonesian and "17" in findings[0].english


def test_other_kinds_have_no_age_rule():
    assert application_kind("replacement_lost").eligibility_findings(date(2015, 1, 1), "BELUM KAWIN", date(2026, 1, 1)) == ()


def test_every_kind_is_free_by_law_and_no_region_may_charge_for_a_replacement():
    for kind in application_kinds():
        assert (kind.fee.rupiah, kind.fee.region_may_charge) == (0, False), kind.code
    stated = application_kind("replacement_lost").fee.as_dict()
    assert stated["basis"] == "UU 24/2013 Pasal 79A, Pasal 95B"
    assert "termasuk penggantian kartu yang hilang atau rusak" in stated["message"]["id"]
    assert "A region may not charge a fee" in stated["message"]["en"]


def test_a_kia_takes_a_photo_from_age_5_and_refuses_one_before():
    kia = application_kind("kia_new")
    on = date(2026, 12, 3)
    assert kia.takes_photo(date(2021, 12, 3), on) and not kia.takes_photo(date(2021, 12, 4), on)
    assert codes(kia.required_documents(photo=False)) == [["akta_kelahiran"], ["kk"]]
    assert kia.document_findings(["akta_kelahiran", "kk"], photo=False) == ()
    refused = kia.document_findings(["akta_kelahiran", "kk", "photo"], photo=False)
    assert [f.code for f in refused] == ["documents.photo_too_young"]
    assert "di bawah 5 tahun" in refused[0].indonesian


def test_a_kia_is_for_an_unmarried_child_under_17_and_the_ektp_age_rule_does_not_apply():
    kia = application_kind("kia_new")
    on = date(2026, 12, 3)
    assert kia.eligibility_findings(date(2015, 1, 1), "BELUM KAWIN", on) == ()
    assert kia.eligibility_findings(date(2026, 1, 1), "BELUM KAWIN", on) == ()  # a baby: no minimum age
    assert [f.code for f in kia.eligibility_findings(date(2009, 12, 3), "BELUM KAWIN", on)] == ["kind.too_old"]
    assert kia.eligibility_findings(date(2009, 12, 4), "BELUM KAWIN", on) == ()  # 17 tomorrow: still a child
    assert [f.code for f in kia.eligibility_findings(date(2010, 1, 1), "KAWIN", on)] == ["kind.child_married"]


def test_a_kia_does_not_ask_marital_status_or_occupation_and_an_ektp_asks_both():
    for code in ("kia_new", "kia_replacement_lost", "kia_replacement_damaged"):
        assert application_kind(code).implied_fields == {"marital_status": "BELUM KAWIN", "occupation": None}
    assert all(kind.implied_fields == {} for kind in application_kinds() if kind.document_type.value == "ektp")
    entered = {"full_name": "Putri", "occupation": "PELAJAR/MAHASISWA"}
    assert application_kind("kia_new").with_implied_fields(entered) == {
        "full_name": "Putri", "marital_status": "BELUM KAWIN", "occupation": None}
    assert application_kind("new").with_implied_fields(entered) == entered
