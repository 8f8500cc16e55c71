"""A child's identity card (KIA) through intake's API: a parent signs in with their own NIK and applies for a
child under 17; the parent is named (and checked where intake can), the photo is taken only from age 5, the
e-KTP's minimum age does not apply, and the events say the document type and the parent."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader


@pytest.fixture
def kia(citizen):
    def make(seed: int, years: int = 8, parent_years: int = 38) -> dict:
        """A child of about ``years`` and a parent of about ``parent_years``, the parent applying."""
        body = citizen(seed, kind="kia_new", years=years)
        for not_asked in ("marital_status", "occupation"):  # a child's card asks neither
            del body["applicant"][not_asked]
        parent = citizen(seed + 1000, years=parent_years)["applicant"]
        return {**body, "parent": {"nik": parent["nik"], "full_name": "Dewi Lestari"}}

    return make


@pytest.fixture
def documents(photos):
    return {"akta_kelahiran": photos.scan("KUTIPAN AKTA KELAHIRAN"), "kk": photos.scan("KARTU KELUARGA")}


def errors(response) -> list[tuple[str, str]]:
    return [(e["field"], e["message"]) for e in response.get_json()["errors"]]


def test_a_parent_applies_for_a_childs_card_and_the_submission_names_the_kia_and_the_parent(intake, photos, kia,
                                                                                             documents):
    body = kia(1)
    application_id = intake.complete(body, {**documents, "photo": photos.portrait(photos.faces[0])})
    review = intake.client.get(f"/v1/applications/{application_id}/review").get_json()
    assert review["ready"] is True and review["errors"] == []
    assert (review["document_type"], review["parent"]) == ("kia", body["parent"])
    assert (review["kind"]["code"], review["kind"]["id"]) == ("kia_new", "KIA baru (Kartu Identitas Anak)")

    submitted = intake.submit(application_id)
    assert submitted.status_code == 200, submitted.get_json()
    receipt = submitted.get_json()["receipt_number"]
    printed = PdfReader(io.BytesIO(intake.client.get(f"/v1/applications/{application_id}/receipt.pdf").data))
    text = printed.pages[0].extract_text()
    assert "TANDA TERIMA PERMOHONAN KIA" in text and "KTP-el" not in text
    assert "Orang tua pemohon" in text and "Dewi Lestari" in text and body["parent"]["nik"] not in text, \
        "the receipt names the parent who applied, the NIK masked"
    [event] = intake.emitted("application.submitted.v1", application_id)
    assert (event["kind"], event["document_type"], event["parent"]) == ("kia_new", "kia", body["parent"])
    assert event["applicant"]["nik"] == body["applicant"]["nik"], "the card's holder is the child"
    assert (event["applicant"]["marital_status"], event["applicant"]["occupation"]) == ("BELUM KAWIN", None)
    assert {d["kind"] for d in event["documents"]} == {"akta_kelahiran", "kk", "photo"}

    anyone = intake.client.application.test_client()
    for nik in (body["parent"]["nik"], body["applicant"]["nik"]):  # the parent's NIK or the child's
        tracked = anyone.post("/v1/applications/track", json={"receipt_number": receipt, "nik": nik})
        assert tracked.status_code == 200 and tracked.get_json()["status"] == "SUBMITTED"

    # One active application per card: the child's NIK, not the parent's, which stays free for the parent's own.
    again = intake.client.post("/v1/applications", json=kia(1))
    assert again.status_code == 409 and errors(again)[0][0] == "applicant.nik"
    sibling = kia(2)
    sibling["parent"] = body["parent"]
    assert intake.client.post("/v1/applications", json=sibling).status_code == 201


def test_a_childs_card_names_the_applying_parent_and_refuses_what_cannot_be_the_parent(intake, kia):
    body = kia(3)
    intake.sign_in(body["parent"]["nik"])
    missing = intake.client.post("/v1/applications", json={**body, "parent": None})
    assert missing.status_code == 422 and errors(missing)[0][0] == "parent"
    assert "kia.parent_missing" in errors(missing)[0][1]
    child_as_parent = {**body, "parent": {"nik": body["applicant"]["nik"], "full_name": "Siti Aminah"}}
    refused = intake.client.post("/v1/applications", json=child_as_parent)
    assert refused.status_code == 422 and errors(refused)[0] == ("parent.nik", errors(refused)[0][1])
    assert "kia.parent_is_child" in errors(refused)[0][1]
    too_young = kia(3, parent_years=13)  # five years older than the child, by the NIKs' birth dates
    intake.sign_in(too_young["parent"]["nik"])
    refused = intake.client.post("/v1/applications", json=too_young)
    assert refused.status_code == 422 and errors(refused)[0][0] == "parent.nik"
    assert "kia.parent_too_young" in errors(refused)[0][1]
    intake.sign_in(body["parent"]["nik"])
    ektp_with_parent = intake.client.post("/v1/applications", json={**body, "kind": "new"})
    assert ektp_with_parent.status_code == 422 and "parent" in [field for field, _ in errors(ektp_with_parent)]
    bad_nik = intake.client.post("/v1/applications", json={**body, "parent": {"nik": "12", "full_name": "X"}})
    assert bad_nik.status_code == 422 and errors(bad_nik)[0][0] == "parent.nik"

    intake.sign_in(body["applicant"]["nik"])  # the child's NIK signed in: the parent applies, not the child
    other = intake.client.post("/v1/applications", json=body)
    assert other.status_code == 403 and errors(other)[0][0] == "parent.nik"


def test_a_child_under_5_gives_no_photo_and_no_minimum_age_applies(intake, photos, kia, documents):
    body = kia(4, years=3)
    application_id = intake.create(body)["id"]
    assert intake.status(application_id)["missing_documents"] == ["akta_kelahiran", "kk"]
    refused = intake.upload(application_id, "photo", photos.portrait(photos.faces[0]))
    assert refused.status_code == 422 and refused.get_json()["code"] == "documents.photo_too_young"
    for kind, content in documents.items():
        assert intake.upload(application_id, kind, content).status_code == 201
    assert intake.submit(application_id).status_code == 200, "a three-year-old: the e-KTP's age rule is not a KIA's"
    [event] = intake.emitted("application.submitted.v1", application_id)
    assert {d["kind"] for d in event["documents"]} == {"akta_kelahiran", "kk"}

    older = kia(5, years=9)
    older_id = intake.create(older)["id"]
    assert intake.status(older_id)["missing_documents"] == ["akta_kelahiran", "kk", "photo"]


def test_a_kia_is_only_for_a_child_under_17_who_is_not_married(intake, photos, kia, documents):
    documents = {**documents, "photo": photos.portrait(photos.faces[0])}
    grown = intake.complete(kia(6, years=18), documents)
    review = intake.client.get(f"/v1/applications/{grown}/review").get_json()
    assert [e["code"] for e in review["errors"]] == ["kind.too_old"]
    refused = intake.submit(grown)
    assert refused.status_code == 422 and refused.get_json()["code"] == "kind.too_old"



def test_a_childs_card_asks_no_marital_status_or_occupation_and_refuses_a_married_child(intake, kia):
    body = kia(7, years=16)
    draft = intake.create(body)
    assert (draft["applicant"]["marital_status"], draft["applicant"]["occupation"]) == ("BELUM KAWIN", None), \
        "a child is unmarried and has no occupation"
    unmarried = kia(8)
    unmarried["applicant"]["marital_status"] = "BELUM KAWIN"  # saying what is implied is no mistake
    assert intake.create(unmarried)["applicant"]["marital_status"] == "BELUM KAWIN"

    intake.sign_in(kia(9)["parent"]["nik"])
    for status in ("KAWIN", "CERAI HIDUP"):
        married = kia(9)
        married["applicant"]["marital_status"] = status
        refused = intake.client.post("/v1/applications", json=married)
        assert refused.status_code == 422 and errors(refused) == [
            ("applicant.marital_status", "kind.child_married: a child who is or was married applies for an e-KTP, "
                                         "not a KIA")]
    working = kia(9)
    working["applicant"]["occupation"] = "PELAJAR/MAHASISWA"
    refused = intake.client.post("/v1/applications", json=working)
    assert refused.status_code == 422 and [field for field, _ in errors(refused)] == ["applicant.occupation"]
    intake.sign_in(body["parent"]["nik"])
    changed = intake.client.put(f"/v1/applications/{draft['id']}", json={**body, "applicant": {
        **body["applicant"], "marital_status": "KAWIN"}})
    assert changed.status_code == 422 and errors(changed)[0][0] == "applicant.marital_status"
