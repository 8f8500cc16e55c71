"""A parent applies for their child's identity card (KIA) through the portal's pages, without JavaScript, against a
real intake: signed in with their own NIK, they give the child's data and their own name; the photo is asked
only from age 5; intake's refusals stand beside the field they name; the review, receipt and status say KIA and
name the parent."""
from __future__ import annotations

import datetime as dt
import random
import re

import pytest

from ektp_launcher.journey import passport_photo, sample_child, scanned_document
from ektp_shared.contracts import verification as ver

OFFICE = {"code": "3273", "name": "Disdukcapil Kota Bandung", "address": "Jl. Ambon No. 1A, Bandung",
          "timezone": "Asia/Jakarta"}
PAPERS = {"akta_kelahiran": scanned_document("KUTIPAN AKTA KELAHIRAN"), "kk": scanned_document("KARTU KELUARGA")}


@pytest.fixture
def person(request):
    """A child from the family-card registry (5 to 16 unless a test asks for other ages) and their parent."""
    return sample_child(random.Random(3), ages=getattr(request, "param", (5, 16)))


def kia_form(person, form_of, **changes: str) -> dict[str, str]:
    return form_of(person, **{"nik": person.nik, "parent_full_name": person.parent["full_name"], **changes})


def test_a_parent_applies_for_a_childs_card_and_the_pages_say_kia_and_name_the_parent(citizen, person, form_of):
    parent, child = citizen, person
    parent.sign_in()
    parent.visitor.open("/permohonan/baru")
    assert "Kartu anak di bawah 17 tahun, diajukan oleh orang tuanya dengan akta kelahiran dan KK anak." in \
        parent.visitor.words()
    parent.visitor.send("/permohonan/baru", {"kind": "kia_new"})
    page = parent.visitor.words()
    assert "Orang tua yang mengajukan" in page and "Data anak" in page
    assert "Status perkawinan" not in page and "Pekerjaan" not in page, "a child's card asks neither"
    shown = rf'<input[^>]*id="parent_nik"[^>]*readonly[^>]*value="{child.parent["nik"]}"'
    assert re.search(shown, parent.visitor.text), "the parent's NIK is the signed-in one, not to be changed"

    refused = parent.visitor.send("/permohonan/baru/data", kia_form(child, form_of, parent_full_name=""))
    assert refused.status_code == 422 and "Tulis nama lengkap orang tua seperti di KK." in parent.visitor.words()

    parent.visitor.send("/permohonan/baru/data", kia_form(child, form_of))
    assert parent.visitor.path.endswith("/dokumen"), parent.visitor.words()
    application_id = parent.visitor.path.split("/")[2]
    words = parent.visitor.words()
    assert "Pas foto" in words and "Hanya wajah anak" in words, "a child of 5 or older gives a 4x6 photo of the child"
    for kind, content in {**PAPERS, "photo": passport_photo(child.face)}.items():
        assert parent.upload(application_id, kind, content).status_code == 200, parent.visitor.words()

    parent.visitor.open(f"/permohonan/{application_id}/periksa")
    words = parent.visitor.words()
    assert "KIA baru (Kartu Identitas Anak)" in words
    assert f"Orang tua yang mengajukan NIK {child.parent['nik']} Nama lengkap {child.parent['full_name']}" in words
    assert f"Data anak NIK {child.nik}" in words
    assert "Status perkawinan" not in words and "Pekerjaan" not in words
    parent.visitor.send(f"/permohonan/{application_id}/kirim", {"key": f"submit-{application_id}"})
    assert parent.visitor.path.endswith("/tanda-terima"), parent.visitor.words()
    said = f"Kartu Identitas Anak (KIA), diajukan oleh orang tua {child.parent['full_name']}."
    assert said in parent.visitor.words()
    parent.visitor.open(f"/permohonan/{application_id}")
    assert "Terkirim" in parent.visitor.words() and said in parent.visitor.words()


@pytest.mark.parametrize("person", [(0, 4)], indirect=True)
def test_a_child_under_5_gives_no_photo_and_intakes_refusal_stands_beside_the_field(citizen, person, intake, form_of):
    parent, toddler = citizen, person
    parent.sign_in()
    parent.visitor.open("/permohonan/baru")
    parent.visitor.send("/permohonan/baru", {"kind": "kia_new"})

    # The parent types their own NIK as the child's: intake refuses it on parent.nik, shown by the parent's NIK.
    refused = parent.visitor.send("/permohonan/baru/data", kia_form(toddler, form_of, nik=toddler.parent["nik"]))
    assert refused.status_code == 422, parent.visitor.words()
    message = "NIK anak sama dengan NIK Anda. Tulis NIK anak; Anda mengajukan sebagai orang tua."
    assert f'<a href="#parent_nik">{message}</a>' in parent.visitor.text
    assert 'id="parent_nik-galat"' in parent.visitor.text

    parent.visitor.send("/permohonan/baru/data", kia_form(toddler, form_of))
    assert parent.visitor.path.endswith("/dokumen"), parent.visitor.words()
    application_id = parent.visitor.path.split("/")[2]
    words = parent.visitor.words()
    assert "Pas foto" not in words and "Masih kurang: Akta kelahiran, Kartu Keluarga" in words, words
    for kind, content in PAPERS.items():
        assert parent.upload(application_id, kind, content).status_code == 200, parent.visitor.words()
    parent.visitor.open(f"/permohonan/{application_id}/periksa")
    parent.visitor.send(f"/permohonan/{application_id}/kirim", {"key": f"submit-{application_id}"})
    assert parent.visitor.path.endswith("/tanda-terima"), parent.visitor.words()

    # Approved, a child's card is printed without a capture appointment: the status page says so.
    receipt = re.search(r'class="receipt-number mono">([^<]+)<', parent.visitor.text).group(1)
    applicant = toddler.application["applicant"]
    intake.harness.deliver(ver.APPLICATION_VERIFIED, {
        "application_id": application_id, "receipt_number": receipt, "kind": "kia_new", "document_type": "kia",
        "office": OFFICE, "verified_at": dt.datetime.now(dt.timezone.utc), "parent": toddler.parent,
        "card_holder": {**applicant, "birth_date": dt.date.fromisoformat(applicant["birth_date"])}})
    parent.visitor.open(f"/permohonan/{application_id}")
    words = parent.visitor.words()
    assert "Terverifikasi" in words and "Kartu dicetak tanpa perekaman biometrik" in words, words
    assert "perekaman biometrik segera dikirim" not in words


def test_a_correction_of_the_childs_name_keeps_the_parent(citizen, person, intake, form_of):
    parent, child = citizen, person
    parent.sign_in()
    parent.visitor.open("/permohonan/baru")
    parent.visitor.send("/permohonan/baru", {"kind": "kia_new"})
    parent.visitor.send("/permohonan/baru/data", kia_form(child, form_of))
    application_id = parent.visitor.path.split("/")[2]
    for kind, content in {**PAPERS, "photo": passport_photo(child.face)}.items():
        assert parent.upload(application_id, kind, content).status_code == 200, parent.visitor.words()
    parent.visitor.open(f"/permohonan/{application_id}/periksa")
    parent.visitor.send(f"/permohonan/{application_id}/kirim", {"key": f"submit-{application_id}"})
    intake.harness.deliver(ver.CORRECTION_REQUESTED, {
        "application_id": application_id, "reason_code": "name_mismatch", "message": "Nama anak tidak sesuai KK",
        "corrections": [{"field": "applicant.full_name", "message": "Tulis nama anak persis seperti di KK."}]})

    parent.visitor.open(f"/permohonan/{application_id}/perbaikan")
    words = parent.visitor.words()
    assert f"Nama lengkap orang tua {child.parent['full_name']}" in words, "shown, not opened"
    assert 'name="parent_full_name"' not in parent.visitor.text
    parent.visitor.send(f"/permohonan/{application_id}/perbaikan", {"full_name": "Nama Anak Yang Benar",
                                                                        "phone": child.application["contact"]["phone"]})
    assert parent.visitor.path.endswith("/periksa"), parent.visitor.words()
    words = parent.visitor.words()
    assert "Nama lengkap Nama Anak Yang Benar" in words
    assert f"Orang tua yang mengajukan NIK {child.parent['nik']} Nama lengkap {child.parent['full_name']}" in words
