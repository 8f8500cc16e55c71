"""The citizen's side through the HTTP API and real events: draft, review, submission with its receipt,
each kind's documents, the rules on the card data, one active application per NIK, idempotent requests,
the correction loop, rescheduling, tracking, and who read the record."""
from __future__ import annotations

import datetime as dt
import io
import uuid

import cv2
import numpy as np
import pytest
from pypdf import PdfReader

from ektp_shared.contracts.printing import (
    CARD_PICKUP_REMINDER,
    CARD_READY_FOR_PICKUP,
    CARD_REFUSED_AT_PICKUP,
    CARD_TEMPORARY_LETTER_ISSUED,
)
from ektp_shared.contracts.verification import (
    APPLICATION_REJECTED,
    APPLICATION_VERIFIED,
    APPOINTMENT_SCHEDULED,
    CORRECTION_REQUESTED,
    INTERVIEW_HELD,
    INTERVIEW_MISSED,
    INTERVIEW_REMINDER,
    INTERVIEW_SCHEDULED,
)
from ektp_shared.crypto import MAGIC

OFFICE = {"code": "DISDUKCAPIL-3201", "name": "DISDUKCAPIL KABUPATEN BOGOR", "address": "Cibinong",
          "timezone": "Asia/Jakarta"}


def fields(response) -> list[str]:
    return [e["field"] for e in response.get_json()["errors"]]


def test_a_draft_is_reviewed_with_region_names_and_warnings_then_submitted_with_a_receipt(intake, citizen):
    body = citizen(3)
    body["applicant"]["birth_date"] = "1999-01-02"  # the NIK says otherwise: a warning, not a refusal
    application_id = intake.complete(body)
    review = intake.client.get(f"/v1/applications/{application_id}/review").get_json()
    assert review["ready"] is True and review["errors"] == [] and review["missing_documents"] == []
    assert [w["code"] for w in review["warnings"]] == ["nik.birth_date_mismatch"]
    address = review["applicant"]["address"]
    assert (address["village"]["name"], address["district"]["name"], address["regency"]["name"],
            address["province"]["name"]) == ("Karadenan", "Cibinong", "Kabupaten Bogor", "Jawa Barat")
    fee = review["kind"].pop("fee")
    assert review["kind"] == {"code": "new", "id": "Permohonan baru (KTP-el pertama)", "en": "New application (first e-KTP)"}
    assert (fee["rupiah"], fee["region_may_charge"], fee["basis"]) == (0, False, "UU 24/2013 Pasal 79A, Pasal 95B")
    assert "tidak dipungut biaya" in fee["message"]["id"] and "free of charge" in fee["message"]["en"]

    submitted = intake.submit(application_id)
    assert submitted.status_code == 200
    receipt = submitted.get_json()["receipt_number"]
    assert receipt.startswith("KTP-3201-") and submitted.get_json()["status"] == "SUBMITTED"
    assert submitted.get_json()["applicant"] is None, "once submitted, the data is not shown back"

    qr = intake.client.get(f"/v1/applications/{application_id}/receipt.png")
    image = cv2.imdecode(np.frombuffer(qr.data, np.uint8), cv2.IMREAD_GRAYSCALE)
    assert cv2.QRCodeDetector().detectAndDecode(image)[0] == receipt
    pdf = PdfReader(io.BytesIO(intake.client.get(f"/v1/applications/{application_id}/receipt.pdf").data))
    text = pdf.pages[0].extract_text()
    assert len(pdf.pages) == 1 and receipt in text and "Siti Aminah" in text and "Pas foto 4x6" in text
    assert "Biaya" in text and "Rp0, tidak dipungut biaya (UU 24/2013 Pasal 79A)" in text
    assert body["applicant"]["nik"] not in text and body["applicant"]["nik"][:4] + "********" in text

    event, = intake.emitted("application.submitted.v1")
    assert event["receipt_number"] == receipt and event["warnings"] == ["nik.birth_date_mismatch"]
    assert sorted(d["kind"] for d in event["documents"]) == ["akta_kelahiran", "kk", "photo"]


def test_no_receipt_before_submission(intake, citizen):
    application_id = intake.create(citizen())["id"]
    response = intake.client.get(f"/v1/applications/{application_id}/receipt.pdf")
    assert response.status_code == 409 and fields(response) == ["application_id"]


@pytest.mark.parametrize("kind, changes, marital, documents", [
    ("new", [], "BELUM KAWIN", ["kk", "akta_kelahiran", "photo"]),
    ("data_change", ["address"], "BELUM KAWIN", ["ktp_lama", "kk"]),
    ("data_change", ["marital_status"], "KAWIN", ["ktp_lama", "kk", "akta_perkawinan"]),
    ("data_change", ["marital_status"], "CERAI HIDUP", ["ktp_lama", "kk", "akta_perceraian"]),
    ("data_change", ["name", "occupation"], "BELUM KAWIN", ["ktp_lama", "kk", "penetapan_pengadilan",
                                                            "surat_keterangan_pekerjaan"]),
    ("replacement_lost", [], "BELUM KAWIN", ["surat_kehilangan"]),
    ("replacement_damaged", [], "BELUM KAWIN", ["foto_ktp_rusak"]),
    ("move_in", [], "BELUM KAWIN", ["skpwni", "kk"]),
])
def test_each_kind_needs_its_documents_and_nothing_else(intake, citizen, photos, kind, changes, marital, documents):
    body = citizen(5, kind=kind, marital_status=marital)
    body["changes"] = changes
    application_id = intake.create(body)["id"]
    content = {d: photos.portrait(photos.faces[1]) if d == "photo" else photos.scan(d) for d in documents}
    for document in documents[:-1]:
        assert intake.upload(application_id, document, content[document]).status_code == 201
    missing = intake.submit(application_id)
    assert missing.status_code == 422 and fields(missing) == ["documents"]
    assert missing.get_json()["missing_documents"] == [documents[-1]]
    unneeded = intake.upload(application_id, "skpwni" if kind != "move_in" else "akta_kelahiran", photos.scan("x"))
    assert unneeded.status_code == 422 and fields(unneeded) == ["kind"]
    assert intake.upload(application_id, documents[-1], content[documents[-1]]).status_code == 201
    assert intake.submit(application_id).status_code == 200


def test_outside_domicile_names_another_regency_s_office_and_the_event_carries_it(intake, citizen, photos):
    body = citizen(6, kind="outside_domicile")
    intake.sign_in(body["applicant"]["nik"])
    for office, rule in ((None, "kind.office_missing"), ("32.01", "kind.office_in_domicile"),
                         ("32.99", "kind.office_unknown"), ("Bandung", "must be a regency code")):
        refused = intake.client.post("/v1/applications", json={**body, "office_regency": office})
        assert refused.status_code == 422 and fields(refused) == ["office_regency"], (office, refused.get_json())
        assert rule in refused.get_json()["errors"][0]["message"]
    other_kind = intake.client.post("/v1/applications", json={**body, "kind": "new", "office_regency": "32.73"})
    assert other_kind.status_code == 422 and fields(other_kind) == ["office_regency"]

    application_id = intake.create({**body, "office_regency": "32.73"})["id"]
    review = intake.client.get(f"/v1/applications/{application_id}/review").get_json()
    assert review["kind"]["id"] == "Perekaman dan pencetakan di luar domisili"
    assert review["office_regency"] == {"code": "32.73", "name": "Kota Bandung"}
    assert [m["message"]["en"] for m in review["missing_documents"]] == [
        "A required document is missing: family card (KK).", "A required document is missing: 4x6 photo."]
    for kind, content in (("kk", photos.scan("KARTU KELUARGA")), ("photo", photos.portrait(photos.faces[0]))):
        assert intake.upload(application_id, kind, content).status_code == 201
    assert intake.submit(application_id).status_code == 200
    [submitted] = intake.emitted("application.submitted.v1", application_id)
    assert (submitted["kind"], submitted["office_regency"]) == ("outside_domicile", "32.73")
    assert intake.status(application_id)["office_regency"]["name"] == "Kota Bandung"


def test_a_data_change_names_what_changes(intake, citizen):
    intake.sign_in(citizen()["applicant"]["nik"])
    response = intake.client.post("/v1/applications", json={**citizen(), "kind": "data_change"})
    assert response.status_code == 422 and fields(response) == ["changes"]
    assert "kind.changes_missing" in response.get_json()["message"]


def test_a_first_card_needs_17_years_on_the_day_unless_married(intake, citizen):
    young = intake.complete(citizen(7, years=16))
    refused = intake.submit(young)
    assert refused.status_code == 422 and refused.get_json()["code"] == "kind.too_young"
    assert fields(refused) == ["applicant.birth_date"]
    married = intake.complete(citizen(8, years=16, marital_status="KAWIN"))
    assert intake.submit(married).status_code == 200


@pytest.mark.parametrize("change, field, rule", [
    (lambda a: a.update(nik="9901011705000001"), "applicant.nik", "nik.province_unknown"),
    (lambda a: a.update(nik="3201017305000001"), "applicant.nik", "nik.birth_day_invalid"),
    (lambda a: a.update(nik="3201011705000000"), "applicant.nik", "nik.serial_invalid"),
    (lambda a: a.update(kk_number="3201014101200001"), "applicant.kk_number", "kk.issue_day_invalid"),
    (lambda a: a["address"].update(village_code="32.01.01.9999"), "applicant.address.village_code", "region.village_unknown"),
    (lambda a: a["address"].update(rt="000"), "applicant.address.rt", "RT must be"),
    (lambda a: a.update(religion="ATHEIS"), "applicant.religion", "religion must be one of"),
    (lambda a: a.update(occupation="ASTRONOT"), "applicant.occupation", "occupation must be one of"),
    (lambda a: a.pop("occupation"), "applicant.occupation", "Missing data for required field"),
    (lambda a: a.update(marital_status=None), "applicant.marital_status", "Missing data for required field"),
    (lambda a: a.update(blood_type="Z"), "applicant.blood_type", "blood_type must be one of"),
    (lambda a: a.update(birth_date="2999-01-01"), "applicant.birth_date", "birth_date.implausible"),
    (lambda a: a.update(citizenship="WNA"), "applicant.permit_expiry", "citizenship.wna_permit"),
])
def test_card_data_breaking_a_rule_is_refused_naming_field_and_rule(intake, citizen, change, field, rule):
    body = citizen()
    change(body["applicant"])
    intake.sign_in(citizen()["applicant"]["nik"])
    response = intake.client.post("/v1/applications", json=body)
    assert response.status_code == 422 and field in fields(response)
    assert any(rule in e["message"] for e in response.get_json()["errors"] if e["field"] == field)


def test_a_foreign_resident_gives_passport_kitap_and_its_expiry(intake, citizen):
    body = citizen(citizenship="WNA", permit_expiry=(dt.date.today() + dt.timedelta(days=900)).isoformat())
    intake.sign_in(body["applicant"]["nik"])
    missing = intake.client.post("/v1/applications", json=body)
    assert missing.status_code == 422 and fields(missing) == ["residence"]
    body["residence"] = {"passport_number": "X1234567", "permit_number": "2C11AB1234567"}
    assert intake.client.post("/v1/applications", json=body).status_code == 201


def test_a_second_active_application_for_a_nik_names_the_first_receipt(intake, citizen):
    first = intake.complete(citizen(9))
    receipt = intake.submit(first).get_json()["receipt_number"]
    again = intake.client.post("/v1/applications", json=citizen(9))
    assert again.status_code == 409 and fields(again) == ["applicant.nik"]
    assert again.get_json()["receipt_number"] == receipt and receipt in again.get_json()["message"]

    intake.deliver(APPLICATION_REJECTED, {"application_id": first, "reason_code": "other", "message": "Ditolak."})
    assert intake.status(first)["status"] == "REJECTED"
    assert intake.client.post("/v1/applications", json=citizen(9)).status_code == 201, "a final stage frees the NIK"


def test_two_drafts_of_one_nik_cannot_both_be_submitted(intake, citizen):
    drafts = [intake.complete(citizen(10)) for _ in range(2)]
    assert intake.submit(drafts[0]).status_code == 200
    second = intake.submit(drafts[1])
    assert second.status_code == 409 and second.get_json()["code"] == "active_application_exists"


def test_a_retried_request_with_the_same_idempotency_key_gets_the_first_answer(intake, citizen):
    body = citizen(11)
    intake.sign_in(body["applicant"]["nik"])
    created = [intake.client.post("/v1/applications", json=body, headers={"Idempotency-Key": "form-1"}) for _ in range(2)]
    assert [r.status_code for r in created] == [201, 201] and created[0].get_json()["id"] == created[1].get_json()["id"]
    other = intake.client.post("/v1/applications", json={**body, "language": "en"}, headers={"Idempotency-Key": "form-1"})
    assert other.status_code == 422 and fields(other) == ["Idempotency-Key"]

    application_id = intake.complete(citizen(13))
    answers = [intake.submit(application_id, **{"Idempotency-Key": "submit-1"}) for _ in range(3)]
    assert {r.status_code for r in answers} == {200}
    assert len({r.get_json()["receipt_number"] for r in answers}) == 1
    assert len(intake.emitted("application.submitted.v1")) == 1, "one submission, however often it is retried"
    assert intake.submit(application_id).status_code == 409, "without the key a second submit is a conflict"


def _corrections(intake, application_id, *items):
    intake.deliver(CORRECTION_REQUESTED, {
        "application_id": application_id, "reason_code": "data_mismatch", "message": "Nama tidak sesuai KK.",
        "corrections": [{"field": f, "message": m} for f, m in items], "round": 1, "rounds_left": 2})


def test_the_correction_loop_changes_what_was_asked_and_resubmits(intake, citizen, photos):
    body = citizen(14)
    application_id = intake.complete(body)
    intake.submit(application_id)
    _corrections(intake, application_id, ("applicant.full_name", "Tulis nama sesuai KK."),
                 ("documents.photo", "Latar belakang harus merah."))
    status = intake.status(application_id)
    assert status["status"] == "CORRECTION_REQUESTED" and status["status_reason"] == "Nama tidak sesuai KK."
    assert [c["field"] for c in status["corrections"]] == ["applicant.full_name", "documents.photo"]
    assert status["applicant"]["full_name"] == "Siti Aminah", "the data is shown again to correct it"

    nothing = intake.submit(application_id)
    assert nothing.status_code == 422 and nothing.get_json()["code"] == "correction.nothing_changed"
    other_field = {**body, "applicant": {**body["applicant"], "birth_place": "Depok"}}
    refused = intake.client.put(f"/v1/applications/{application_id}", json=other_field)
    assert refused.status_code == 422 and fields(refused) == ["applicant.birth_place"]
    assert intake.upload(application_id, "kk", photos.scan("KK")).status_code == 422, "the KK was not asked for"

    corrected = {**body, "applicant": {**body["applicant"], "full_name": "Siti Aminah Lestari"},
                 "contact": {"phone": "081298765432", "email": None}}
    unproven = intake.client.put(f"/v1/applications/{application_id}", json=corrected)
    assert unproven.status_code == 403 and fields(unproven) == ["contact.phone"], "a new number is proven first"
    token = intake.client.environ_base["HTTP_AUTHORIZATION"].removeprefix("Bearer ")
    request_id = intake.request_code(body["applicant"]["nik"], "sms", "081298765432", token).get_json()["request_id"]
    assert intake.client.post("/v1/citizen/session/addresses", json={
        "request_id": request_id, "code": intake.code_sent(request_id)}).status_code == 204
    assert intake.client.put(f"/v1/applications/{application_id}", json=corrected).status_code == 200
    assert intake.upload(application_id, "photo", photos.portrait(photos.faces[2])).status_code == 201
    resubmitted = intake.submit(application_id)
    assert resubmitted.status_code == 200
    assert (resubmitted.get_json()["status"], resubmitted.get_json()["correction_round"]) == ("RESUBMITTED", 1)
    event, = intake.emitted("application.resubmitted.v1")
    assert (event["round"], event["applicant"]["full_name"]) == (1, "Siti Aminah Lestari")
    assert event["receipt_number"] == resubmitted.get_json()["receipt_number"], "the same receipt throughout"
    assert intake.client.put(f"/v1/applications/{application_id}", json=corrected).status_code == 409


def test_the_status_has_a_timeline_and_the_time_in_the_current_stage(intake, citizen):
    body = citizen(15)
    application_id = intake.complete(body)
    intake.submit(application_id)
    verified_at = dt.datetime.now(dt.timezone.utc)
    intake.deliver(APPLICATION_VERIFIED, {
        "application_id": application_id, "receipt_number": "KTP-3201-261127-AAAAAA-0", "kind": "new",
        "verified_at": verified_at, "office": OFFICE,
        "card_holder": {**body["applicant"], "birth_date": dt.date.fromisoformat(body["applicant"]["birth_date"])}},
        time=verified_at)
    # A late, older event enters the timeline but does not move the status back.
    intake.deliver(APPOINTMENT_SCHEDULED, {"application_id": application_id, "appointment_id": str(uuid.uuid4()),
                                           "starts_at": verified_at + dt.timedelta(days=3), "office": OFFICE},
                   time=verified_at - dt.timedelta(seconds=30))
    status = intake.status(application_id)
    assert [t["stage"] for t in status["timeline"]] == ["DRAFT", "SUBMITTED", "VERIFIED", "APPOINTMENT_SCHEDULED"]
    assert status["status"] == "VERIFIED"
    assert dt.datetime.fromisoformat(status["status_since"]) == verified_at, "stuck since: when the stage began"
    assert 0 <= status["seconds_in_status"] < 60


def test_the_citizen_reschedules_the_capture_appointment(intake, citizen):
    application_id = intake.complete(citizen(16))
    intake.submit(application_id)
    no_appointment = intake.client.post(f"/v1/applications/{application_id}/appointment/reschedule", json={})
    assert no_appointment.status_code == 409
    appointment_id = str(uuid.uuid4())
    intake.deliver(APPOINTMENT_SCHEDULED, {"application_id": application_id, "appointment_id": appointment_id,
                                           "starts_at": dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3),
                                           "office": OFFICE})
    far = intake.client.post(f"/v1/applications/{application_id}/appointment/reschedule",
                             json={"not_before": (dt.date.today() + dt.timedelta(days=200)).isoformat()})
    assert far.status_code == 422 and fields(far) == ["not_before"]
    not_before = dt.date.today() + dt.timedelta(days=10)
    asked = intake.client.post(f"/v1/applications/{application_id}/appointment/reschedule",
                               json={"not_before": not_before.isoformat()})
    assert asked.status_code == 202 and asked.get_json()["status"] == "RESCHEDULE_REQUESTED"
    event, = intake.emitted("appointment.reschedule_requested.v1")
    assert (event["appointment_id"], event["not_before"]) == (appointment_id, not_before.isoformat())

    new_id = str(uuid.uuid4())
    intake.deliver(APPOINTMENT_SCHEDULED, {"application_id": application_id, "appointment_id": new_id,
                                           "starts_at": dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=12),
                                           "office": OFFICE, "replaces": appointment_id})
    status = intake.status(application_id)
    assert status["status"] == "APPOINTMENT_SCHEDULED" and status["appointment"]["id"] == new_id


def test_tracking_needs_the_receipt_and_the_nik_and_every_read_is_logged(intake, citizen):
    body = citizen(17)
    application_id = intake.complete(body)
    receipt = intake.submit(application_id).get_json()["receipt_number"]
    typed = receipt.lower().replace("-", " ")
    anyone = intake.client.application.test_client()  # tracking needs no sign-in
    found = anyone.post("/v1/applications/track", json={"receipt_number": typed, "nik": body["applicant"]["nik"]})
    assert found.status_code == 200 and found.get_json()["status"] == "SUBMITTED"
    assert set(found.get_json()) == {"status", "status_since", "stages", "office"}, "no id, no personal data"
    assert [s["stage"] for s in found.get_json()["stages"]] == ["DRAFT", "SUBMITTED"]
    assert dt.datetime.fromisoformat(found.get_json()["stages"][1]["at"]) == dt.datetime.fromisoformat(
        found.get_json()["status_since"]), "each stage's time in ISO 8601, as every other time in the API"
    wrong = anyone.post("/v1/applications/track", json={"receipt_number": receipt, "nik": "3201011705000001"})
    assert wrong.status_code == 404

    from ektp_shared.auth import issue_development_token
    supervisor = {"Authorization": "Bearer " + issue_development_token(intake.runtime.settings, "sri", ["supervisor"])}
    intake.client.get(f"/v1/applications/{application_id}")
    log = intake.client.get(f"/v1/applications/{application_id}/access-log", headers=supervisor).get_json()["entries"]
    assert [e["action"] for e in log] == ["track", "read"]
    assert anyone.get(f"/v1/applications/{application_id}/access-log").status_code == 401


def test_an_officer_reads_a_document_through_a_short_lived_signed_link(intake, citizen, photos):
    application_id = intake.create(citizen(18))["id"]
    kk = photos.scan("KARTU KELUARGA 3201")
    intake.upload(application_id, "kk", kk)
    document = intake.runtime.engine.connect().exec_driver_sql(
        "SELECT id, object_key FROM documents WHERE application_id = ?", (application_id,)).one()
    assert intake.runtime.objects.get_raw(document.object_key).startswith(MAGIC), "encrypted in the bucket"
    path = f"/v1/documents/{document.id}"
    assert intake.client.get(path).status_code == 403
    assert intake.client.get(intake.runtime.links.sign(path, ttl_seconds=-1)).status_code == 403, "expired"
    served = intake.client.get(intake.runtime.links.sign(path, ttl_seconds=60))
    assert served.status_code == 200 and served.data == kk


def test_the_offices_news_about_the_card_reaches_the_timeline(intake, citizen):
    application_id = intake.complete(citizen(19))
    intake.submit(application_id)
    now = dt.datetime.now(dt.timezone.utc)
    intake.deliver(CARD_TEMPORARY_LETTER_ISSUED, {"application_id": application_id, "letter_number": "SK/3201/0042",
                                                  "issued_at": now, "valid_until": dt.date.today() + dt.timedelta(days=180),
                                                  "office": OFFICE}, time=now)
    assert intake.status(application_id)["status"] == "TEMPORARY_LETTER_ISSUED"
    intake.deliver(CARD_READY_FOR_PICKUP, {"application_id": application_id, "pickup_from": dt.date.today(),
                                           "office": OFFICE}, time=now + dt.timedelta(seconds=1))
    intake.deliver(CARD_PICKUP_REMINDER, {"application_id": application_id, "reminder_number": 1,
                                          "pickup_from": dt.date.today(), "office": OFFICE},
                   time=now + dt.timedelta(seconds=2))
    status = intake.status(application_id)
    assert status["status"] == "READY_FOR_PICKUP", "a reminder does not restart the stage's clock"
    assert dt.datetime.fromisoformat(status["status_since"]) == now + dt.timedelta(seconds=1)
    assert status["timeline"][-1]["stage"] == "PICKUP_REMINDER" and status["timeline"][-1]["detail"]["reminder_number"] == 1
    intake.deliver(CARD_REFUSED_AT_PICKUP, {"application_id": application_id, "fields": ["nama"],
                                            "refused_at": now + dt.timedelta(seconds=3), "card_serial": "BLK-1"},
                   time=now + dt.timedelta(seconds=3))
    status = intake.status(application_id)
    assert status["status"] == "REFUSED_AT_PICKUP" and status["timeline"][-1]["detail"]["fields"] == ["nama"]


def test_an_interview_s_reminder_and_outcome_reach_the_timeline_and_a_no_show_is_not_held(intake, citizen):
    application_id = intake.complete(citizen(21))
    intake.submit(application_id)
    now = dt.datetime.now(dt.timezone.utc)
    about = {"application_id": application_id, "interview_id": str(uuid.uuid4()),
             "starts_at": now + dt.timedelta(days=1), "channel": "phone"}
    intake.deliver(INTERVIEW_SCHEDULED, {**about, "join_url": None}, time=now)
    intake.deliver(INTERVIEW_REMINDER, {**about, "join_url": None}, time=now + dt.timedelta(seconds=1))
    status = intake.status(application_id)
    assert status["status"] == "INTERVIEW_SCHEDULED", "a reminder does not change the stage"
    assert status["timeline"][-1]["stage"] == "INTERVIEW_REMINDER"
    intake.deliver(INTERVIEW_MISSED, {**about, "missed": 1, "next": "new_interview"}, time=now + dt.timedelta(seconds=2))
    status = intake.status(application_id)
    assert status["status"] == "INTERVIEW_MISSED"
    assert (status["timeline"][-1]["detail"]["missed"], status["timeline"][-1]["detail"]["next"]) == (1, "new_interview")

    again = {**about, "interview_id": str(uuid.uuid4()), "starts_at": now + dt.timedelta(days=3)}
    intake.deliver(INTERVIEW_SCHEDULED, {**again, "join_url": None}, time=now + dt.timedelta(seconds=3))
    intake.deliver(INTERVIEW_HELD, again, time=now + dt.timedelta(seconds=4))
    status = intake.status(application_id)
    assert status["status"] == "INTERVIEW_HELD"
    assert [t["stage"] for t in status["timeline"]][-5:] == [
        "INTERVIEW_SCHEDULED", "INTERVIEW_REMINDER", "INTERVIEW_MISSED", "INTERVIEW_SCHEDULED", "INTERVIEW_HELD"]
