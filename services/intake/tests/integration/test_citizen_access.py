"""Citizen access: nothing of an application without the sign-in of its own citizen, codes that are short-lived
and few, refusals that reveal nothing, rate limits, and what is not kept (embedded profile)."""
from __future__ import annotations

import datetime as dt
import io
import struct
import time
import zlib

import pytest
from PIL import Image, ImageFile

from ektp_shared.contracts.verification import APPLICATION_REJECTED
from ektp_shared.db import utcnow
from intake import retention, tasks
from intake.models import AccessEntry, Application, CitizenCode, Document


def fields(response) -> list[str]:
    return [e["field"] for e in response.get_json()["errors"]]


def endpoints(application_id: str) -> list[tuple[str, str, dict]]:
    """Every request that reads or changes an application, as a client would send it."""
    upload = {"data": {"file": (io.BytesIO(b"%PDF-1.4"), "kk.pdf")}, "content_type": "multipart/form-data"}
    return [("GET", f"/v1/applications/{application_id}", {}),
            ("GET", f"/v1/applications/{application_id}/review", {}),
            ("PUT", f"/v1/applications/{application_id}/documents/kk", upload),
            ("POST", f"/v1/applications/{application_id}/submit", {}),
            ("POST", f"/v1/applications/{application_id}/appointment/reschedule", {"json": {}}),
            ("GET", f"/v1/applications/{application_id}/receipt.pdf", {}),
            ("GET", f"/v1/applications/{application_id}/documents/photo", {})]


def personal(body: dict, response) -> list[str]:
    """The applicant's personal data found in a response."""
    text = response.get_data(as_text=True)
    values = [body["applicant"]["nik"], body["applicant"]["full_name"], body["contact"]["phone"],
              body["contact"]["email"], body["applicant"]["address"]["street"]]
    return [value for value in values if value and value in text]


def test_without_a_token_or_with_another_niks_token_nothing_of_an_application_is_given(intake, citizen):
    owner_body = citizen(41)
    application_id = intake.complete(owner_body)
    receipt = intake.submit(application_id).get_json()["receipt_number"]
    stranger = intake.client.application.test_client()
    answers = []
    for method, path, options in endpoints(application_id):
        answers.append(stranger.open(path, method=method, **options))
    other_body = citizen(42)
    intake.create(other_body)  # signs in as another citizen (another NIK, another phone)
    for method, path, options in endpoints(application_id):
        answers.append(intake.client.open(path, method=method, **options))
    assert [a.status_code for a in answers[:7]] == [401] * 7
    assert [a.status_code for a in answers[7:]] == [404] * 7, "another citizen's application is as if it did not exist"
    assert all(not personal(owner_body, a) and receipt not in a.get_data(as_text=True) for a in answers)


def test_a_second_draft_under_a_nik_with_an_application_reveals_nothing_to_another_contact(intake, citizen):
    body = citizen(43)
    receipt = intake.submit(intake.complete(body)).get_json()["receipt_number"]
    impostor = {**body, "contact": {"phone": "081311112222", "email": None}}
    intake.sign_in(body["applicant"]["nik"], "081311112222", None)  # an attacker proves their own number
    second = intake.client.post("/v1/applications", json=impostor)
    assert second.status_code == 409 and second.get_json()["code"] == "active_application_exists"
    assert receipt not in second.get_data(as_text=True) and "receipt_number" not in second.get_json()
    assert intake.client.get("/v1/citizen/applications").get_json() == [], "the attacker sees no application"
    intake.sign_in(body["applicant"]["nik"])  # the citizen, with the number on the application
    again = intake.client.post("/v1/applications", json=body)
    assert again.status_code == 409 and again.get_json()["receipt_number"] == receipt, "its own citizen is told which"
    assert [a["receipt_number"] for a in intake.client.get("/v1/citizen/applications").get_json()] == [receipt]


def test_a_draft_is_only_for_the_signed_in_nik_and_the_addresses_it_proved(intake, citizen):
    intake.sign_in(citizen(44)["applicant"]["nik"], "081234567890", None)
    other_nik = intake.client.post("/v1/applications", json=citizen(45))
    assert other_nik.status_code == 403 and fields(other_nik) == ["applicant.nik"]
    unproven_email = intake.client.post("/v1/applications", json=citizen(44))
    assert unproven_email.status_code == 403 and fields(unproven_email) == ["contact.email"]
    phone_only = {**citizen(44), "contact": {"phone": "0812-3456-7890", "email": None}}
    assert intake.client.post("/v1/applications", json=phone_only).status_code == 201, "the same number, written otherwise"


def test_a_code_is_six_digits_lasts_five_minutes_and_five_tries(make_intake, citizen):
    intake = make_intake(code_seconds=300, code_tries=5)
    nik = citizen(46)["applicant"]["nik"]
    asked = intake.request_code(nik, "sms", "081234567890").get_json()
    code = intake.code_sent(asked["request_id"])
    assert len(code) == 6 and code.isdigit() and asked["sent_to"] == "+62812****7890"
    stored = intake.runtime.sessions().get(CitizenCode, asked["request_id"])
    assert code not in (stored.code_hash, stored.address_key), "only keyed hashes are kept"
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    tries = [intake.client.post("/v1/citizen/sessions", json={"request_id": asked["request_id"], "nik": nik,
                                                              "code": wrong}) for _ in range(5)]
    assert [t.status_code for t in tries] == [422] * 5 and tries[-1].get_json()["tries_left"] == 0
    spent = intake.client.post("/v1/citizen/sessions", json={"request_id": asked["request_id"], "nik": nik, "code": code})
    assert spent.status_code == 422 and spent.get_json()["message"] == tries[0].get_json()["message"], \
        "the right code after five wrong ones is refused, in the same words"

    later = intake.request_code(nik, "sms", "081234567890").get_json()
    with intake.runtime.uow() as uow:  # five minutes pass
        uow.session.get(CitizenCode, later["request_id"]).expires_at = utcnow() - dt.timedelta(seconds=1)
        uow.commit()
    expired = intake.client.post("/v1/citizen/sessions", json={
        "request_id": later["request_id"], "nik": nik, "code": intake.code_sent(later["request_id"])})
    assert expired.status_code == 422
    other_nik = intake.request_code(nik, "sms", "081234567890").get_json()
    assert intake.client.post("/v1/citizen/sessions", json={
        "request_id": other_nik["request_id"], "nik": citizen(47)["applicant"]["nik"],
        "code": intake.code_sent(other_nik["request_id"])}).status_code == 422, "a code is for the NIK it was asked for"


def test_codes_to_one_address_are_throttled(make_intake, citizen):
    intake = make_intake(code_resend_seconds=60)
    nik = citizen(48)["applicant"]["nik"]
    assert intake.request_code(nik, "sms", "081234567890").status_code == 202
    again = intake.request_code(nik, "sms", "+62 812 3456 7890")
    assert again.status_code == 429 and 0 < int(again.headers["Retry-After"]) <= 60
    assert len(intake.emitted("citizen.code_requested.v1")) == 1


def test_a_sign_in_renews_while_used_lapses_when_idle_and_ends_at_sign_out(make_intake, citizen):
    intake = make_intake(session_idle_seconds=2, session_max_seconds=3600)
    body = citizen(49)
    application_id = intake.create(body)["id"]
    first = intake.client.get("/v1/citizen/session").get_json()["expires_at"]
    time.sleep(1.2)
    assert intake.client.get(f"/v1/applications/{application_id}").status_code == 200
    assert intake.client.get("/v1/citizen/session").get_json()["expires_at"] > first, "each request renews it"
    time.sleep(2.2)
    assert intake.client.get(f"/v1/applications/{application_id}").status_code == 401, "idle too long"

    intake.sign_in(body["applicant"]["nik"])
    assert intake.client.delete("/v1/citizen/session").status_code == 204
    assert intake.client.get(f"/v1/applications/{application_id}").status_code == 401, "signed out"


def test_sixty_tracking_attempts_in_a_minute_from_one_address_get_429s(make_intake, citizen):
    intake = make_intake(limit_tracking="20 per minute; 200 per day", limit_tracking_per_nik="10000 per hour")
    anyone = intake.client.application.test_client()
    answers = [anyone.post("/v1/applications/track", json={"receipt_number": "KTP-3201-261127-ABCDEF-0",
                                                           "nik": citizen(50 + n)["applicant"]["nik"]})
               for n in range(60)]
    codes = [a.status_code for a in answers]
    assert codes[:20] == [404] * 20 and codes[20:] == [429] * 40
    assert int(answers[-1].headers["Retry-After"]) > 0 and answers[-1].get_json()["code"] == "too_many_requests"
    other_address = anyone.post("/v1/applications/track", json={"receipt_number": "KTP-3201-261127-ABCDEF-0",
                                                                 "nik": citizen(1)["applicant"]["nik"]},
                                environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other_address.status_code == 404, "another address is counted on its own"


def test_retries_of_a_draft_with_its_idempotency_key_do_not_count_against_the_nik_s_limit(make_intake, citizen):
    intake = make_intake(limit_drafts_per_nik="2 per day")
    body = citizen(54)
    intake.sign_in(body["applicant"]["nik"])
    answers = [intake.client.post("/v1/applications", json=body, headers={"Idempotency-Key": "flaky-network"})
               for _ in range(5)]
    assert [a.status_code for a in answers] == [201] * 5
    assert len({a.get_json()["id"] for a in answers}) == 1, "one draft, given back to every retry"
    new_keys = [intake.client.post("/v1/applications", json=body, headers={"Idempotency-Key": f"tap-{n}"}).status_code
                for n in range(2)]
    assert new_keys[-1] == 429, "requests that could make a draft are still counted"


def test_tracking_one_nik_from_many_addresses_is_limited_per_nik(make_intake, citizen):
    intake = make_intake(limit_tracking="10000 per minute", limit_tracking_per_nik="3 per hour")
    anyone = intake.client.application.test_client()
    nik = citizen(51)["applicant"]["nik"]
    codes = [anyone.post("/v1/applications/track", json={"receipt_number": "KTP-3201-261127-ABCDEF-0", "nik": nik},
                         environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}).status_code for n in range(5)]
    assert codes == [404, 404, 404, 429, 429]


def test_a_refusal_of_tracking_is_the_same_for_an_unknown_receipt_and_a_wrong_nik(intake, citizen):
    body = citizen(52)
    receipt = intake.submit(intake.complete(body)).get_json()["receipt_number"]
    anyone = intake.client.application.test_client()
    wrong_nik = anyone.post("/v1/applications/track", json={"receipt_number": receipt, "nik": citizen(53)["applicant"]["nik"]})
    unknown = anyone.post("/v1/applications/track", json={"receipt_number": "KTP-3201-261127-ABCDEF-0",
                                                           "nik": body["applicant"]["nik"]})
    assert (wrong_nik.status_code, wrong_nik.get_json()) == (unknown.status_code, unknown.get_json())


def png_claiming(width: int, height: int) -> bytes:
    """A real 1-bit PNG of ``width`` x ``height`` pixels, all white: a few KB that decode to megabytes."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    data = zlib.compress(row * height, 9)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def test_a_599_megapixel_png_of_a_few_kb_is_refused_from_its_header_without_decoding(intake, citizen, monkeypatch):
    bomb = png_claiming(7741, 7741)
    assert len(bomb) < 64 * 1024 and 7741 * 7741 > 59_900_000
    with Image.open(io.BytesIO(bomb)) as probe:
        assert probe.size == (7741, 7741), "a valid PNG, as the upload would read it"
    decoded: list[str] = []
    original = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(self.format) or original(self))
    application_id = intake.create(citizen(54))["id"]
    started = time.perf_counter()
    refused = intake.upload(application_id, "kk", bomb)
    assert refused.status_code == 422 and fields(refused) == ["file"]
    assert [f["code"] for f in refused.get_json()["findings"]] == ["document.image_too_large"]
    assert decoded == [] and time.perf_counter() - started < 1.0, "no pixel was decoded"


def test_a_draft_expires_and_the_documents_of_an_ended_application_go_with_their_objects(make_intake, citizen, photos):
    intake = make_intake(draft_days=30, document_retention_days=90)
    draft = intake.complete(citizen(55))
    rejected = intake.complete(citizen(56))
    intake.submit(rejected)
    intake.deliver(APPLICATION_REJECTED, {"application_id": rejected, "reason_code": "other", "message": "Ditolak."})
    with intake.runtime.uow() as uow:  # time passes: the draft is 31 days old, the rejection 91
        uow.session.get(Application, draft).created_at = utcnow() - dt.timedelta(days=31)
        uow.session.get(Application, rejected).status_since = utcnow() - dt.timedelta(days=91)
        uow.commit()
    with intake.runtime.uow() as uow:
        keys = {d.application_id: d.object_key for d in uow.session.query(Document)}
    tasks.keep_only_what_is_needed(intake.runtime)
    with intake.runtime.uow() as uow:
        assert uow.session.get(Application, draft).status == "EXPIRED"
        assert {d.application_id for d in uow.session.query(Document)} == {draft}, "the draft's wait 90 days more"
        purge = [(e.actor, e.action) for e in uow.session.query(AccessEntry).filter_by(application_id=rejected)]
        assert ("system", "purge:documents:3") in purge, "the purge is in the access log"
    intake.sign_in(citizen(55)["applicant"]["nik"])
    assert intake.client.post(f"/v1/applications/{draft}/submit").status_code == 409, "an expired draft is final"
    from ektp_shared.objects import ObjectNotFound
    with pytest.raises(ObjectNotFound):
        intake.runtime.objects.get(keys[rejected])
    assert intake.runtime.objects.get(keys[draft])
    metrics = intake.client.get("/metrics").get_data(as_text=True)
    assert 'ektp_documents_purged_total{reason="rejected"} 3.0' in metrics
    with intake.runtime.uow() as uow:
        assert retention.ended_with_documents(uow, utcnow(), 90) == [], "purged once"
