"""The portal's pages through a plain HTTP client (no JavaScript, as the simplest phone would): every step of an
application is a form and a page, CSRF tokens included, against a real intake."""
from __future__ import annotations

import re


def test_a_citizen_without_javascript_applies_and_gets_a_receipt(citizen):
    assert "Gratis" in citizen.visitor.open("/").get_data(as_text=True)
    citizen.submitted()
    words = citizen.visitor.words()
    assert re.search(r"KTP-\d{4}-\d{6}-[0-9A-Z]{6}-\S", words), words


def test_the_start_page_says_the_law_makes_the_card_free_and_where_a_regional_fee_would_show(visitor):
    visitor.open("/")
    words = visitor.words()
    assert "tidak dipungut biaya (UU 24/2013 Pasal 79A)" in words
    assert "biaya penggantian kartu, besarnya tampil sebelum Anda mengirim permohonan" in words
    assert words.count("Biaya: Rp0, gratis") == 9  # each kind in the list of documents by kind
    visitor.open("/bahasa/en")
    visitor.open("/")
    words = visitor.words()
    assert "(Law 24/2013, Article 79A)" in words and "can be prosecuted (Article 95B)" in words
    assert "paid only through the payment link on the status page" in words
    assert words.count("Fee: Rp0, free") == 9


def test_outside_domicile_asks_for_the_office_outside_the_home_regency_and_the_review_names_it(citizen, person, form_of):
    citizen.sign_in()
    citizen.visitor.open("/permohonan/baru")
    assert "Perekaman dan pencetakan di luar domisili" in citizen.visitor.words()
    citizen.visitor.send("/permohonan/baru", {"kind": "outside_domicile"})
    page = citizen.visitor.words()
    assert "Kantor pilihan" in page and "Kota Bandung (Jawa Barat)" in page
    assert "Status perkawinan" in page and "Pekerjaan" in page, "an e-KTP asks both (a child's card neither)"

    home = person.application["applicant"]["address"]["village_code"][:5]
    for office, said in (("", "Pilih kabupaten/kota kantor tempat Anda dilayani."),
                         (home, "Kantor pilihan harus di luar kabupaten/kota alamat Anda")):
        refused = citizen.visitor.send("/permohonan/baru/data", form_of(person, office_regency=office))
        assert refused.status_code == 422 and said in citizen.visitor.words()

    citizen.visitor.send("/permohonan/baru/data", form_of(person, office_regency="32.73"))
    assert citizen.visitor.path.endswith("/dokumen"), citizen.visitor.words()
    application_id = citizen.visitor.path.split("/")[2]
    citizen.visitor.open(f"/permohonan/{application_id}/periksa")
    words = citizen.visitor.words()
    assert "Kantor pilihan Disdukcapil Kota Bandung" in words
    marital, occupation = (person.application["applicant"][name] for name in ("marital_status", "occupation"))
    assert f"Status perkawinan {marital} Pekerjaan {occupation}" in words
