"""From a printed card to the citizen's hand: the operator's inspection, the handover under the office's
representative policy (with the surat kuasa), refusal of a wrong card and its one reprint, reminders
for uncollected cards and the report."""
from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from pypdf import PdfWriter

from ektp_shared.db import utcnow
from printing import audit, pickups, policies
from printing.models import Card

NIK = "3273015507900003"
FAMILY_KK = "3273010101200001"


def ready_card(world, **holder_changes) -> tuple[str, dict]:
    application_id = world.new_card(**holder_changes)
    world.run_queue()
    card = world.card(application_id)
    return application_id, card


def receipt(application_id: str) -> str:
    return f"KTP-{application_id[:6].upper()}"


def set_policy(world, representative: str, qc_by_operator: bool = False) -> None:
    response = world.client.put(f"/v1/offices/{world.office['code']}/policy", headers=world.token("admin"),
                                json={"representative": representative, "low_stock_threshold": 10,
                                      "qc_by_operator": qc_by_operator})
    assert response.status_code == 200, response.json


def scan() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1240, 1754), "white").save(out, "JPEG")
    return out.getvalue()


def pdf_scan() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def handover(world, application_id: str, **body):
    return world.post(f"/v1/cards/{application_id}/handover",
                      {"receipt_number": receipt(application_id), "nik": NIK, **body})


# -- inspection ------------------------------------------------------------------------------------

def test_with_operator_inspection_pickup_is_announced_only_after_the_card_passes(world):
    set_policy(world, "none", qc_by_operator=True)
    application_id, card = ready_card(world)
    assert card["state"] == "AWAITING_QC" and world.job_states(application_id) == ["printed"]
    assert world.event_keys(application_id) == ["card.printed.v1"], "no pickup date before the inspection"

    response = world.post(f"/v1/cards/{application_id}/quality-check", {"result": "passed"})
    assert response.status_code == 200 and response.json["state"] == "READY_FOR_PICKUP"
    assert world.event_keys(application_id) == ["card.printed.v1", "card.ready_for_pickup.v1"]
    again = world.post(f"/v1/cards/{application_id}/quality-check", {"result": "passed"})
    assert again.status_code == 409 and again.json["errors"][0]["field"] == "application_id"


def test_a_defect_found_in_inspection_voids_the_serial_and_leads_to_exactly_one_reprint(world):
    set_policy(world, "none", qc_by_operator=True)
    application_id, card = ready_card(world)
    response = world.post(f"/v1/cards/{application_id}/quality-check",
                          {"result": "defect", "field": "photo", "note": "photo smeared"})
    assert response.status_code == 200, response.json
    assert response.json["state"] == "QUEUED_FOR_PRINT" and response.json["void_serials"] == [card["serial"]]

    world.run_queue(3)
    card = world.card(application_id)
    assert card["state"] == "AWAITING_QC" and card["serial"] == "3273-2026-000002"
    assert [(j["state"], j["purpose"]) for j in card["jobs"]] == [("qc_failed", "first"), ("printed", "reprint")]
    assert card["jobs"][0]["qc_field"] == "photo"
    assert world.post(f"/v1/cards/{application_id}/quality-check", {"result": "passed"}).status_code == 200
    assert world.event_keys(application_id).count("card.printed.v1") == 2
    assert world.event_keys(application_id).count("card.ready_for_pickup.v1") == 1
    with world.runtime.uow() as uow:
        actions = [(e.action, e.actor) for e in audit.of(uow, application_id)]
    assert actions == [("quality_failed", "operator-7"), ("quality_passed", "operator-7")]


@pytest.mark.parametrize(("body", "field"), [({"result": "defect"}, "field"),
                                             ({"result": "defect", "field": "hat"}, "field"),
                                             ({"result": "maybe"}, "result")])
def test_an_inspection_needs_a_known_defect(world, body, field):
    set_policy(world, "none", qc_by_operator=True)
    application_id, _ = ready_card(world)
    response = world.post(f"/v1/cards/{application_id}/quality-check", body)
    assert response.status_code == 422 and [e["field"] for e in response.json["errors"]] == [field]


# -- handover --------------------------------------------------------------------------------------

def test_the_applicant_collects_with_receipt_number_and_nik(world):
    application_id, card = ready_card(world)
    wrong = handover(world, application_id, nik="3273015507900099")
    assert wrong.status_code == 422 and wrong.json["errors"][0]["field"] == "nik"
    wrong = world.post(f"/v1/cards/{application_id}/handover", {"receipt_number": "KTP-XXXXXX", "nik": NIK})
    assert wrong.status_code == 422 and wrong.json["errors"][0]["field"] == "receipt_number"

    response = handover(world, application_id)
    assert response.status_code == 200, response.json
    assert (response.json["state"], response.json["collected_by"], response.json["collector_relation"]) == \
        ("COLLECTED", "applicant", "applicant")
    collected = world.events(application_id)[-1]
    assert collected["type"].endswith("card.collected.v1") and collected["data"]["collected_by"] == "applicant"
    assert handover(world, application_id).status_code == 409, "one handover"


def test_an_office_that_hands_cards_to_the_applicant_only_refuses_any_representative(world):
    set_policy(world, "none")
    application_id, _ = ready_card(world)
    response = handover(world, application_id, collected_by="representative",
                        representative={"nik": "3273014101850002", "kk_number": FAMILY_KK})
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "collected_by"
    assert world.card(application_id)["state"] == "READY_FOR_PICKUP"


def test_a_same_kk_office_hands_the_card_to_a_family_member_only(world):
    set_policy(world, "same_kk")
    application_id, _ = ready_card(world)
    stranger = handover(world, application_id, collected_by="representative",
                        representative={"nik": "3273014101850002", "kk_number": "3273010101200999"})
    assert stranger.status_code == 422 and stranger.json["errors"][0]["field"] == "representative.kk_number"
    family = handover(world, application_id, collected_by="representative",
                      representative={"nik": "3273014101850002", "kk_number": FAMILY_KK})
    assert family.status_code == 200, family.json
    assert (family.json["collected_by"], family.json["collector_relation"]) == ("representative", "family")
    assert world.events(application_id)[-1]["data"]["collected_by"] == "representative"


def upload_kuasa(world, application_id: str, content: bytes, filename: str = "kuasa.pdf", **named: str):
    form = {"representative_nik": NEIGHBOUR["nik"], "representative_name": NEIGHBOUR["name"], **named}
    return world.client.put(f"/v1/cards/{application_id}/surat-kuasa", headers=world.token(),
                            data={"file": (io.BytesIO(content), filename), **form}, content_type="multipart/form-data")


NEIGHBOUR = {"nik": "3273014101850002", "name": "Dewi Lestari"}


def test_a_power_of_attorney_office_needs_the_surat_kuasa_uploaded_first(world):
    set_policy(world, "power_of_attorney")
    application_id, _ = ready_card(world)
    refused = handover(world, application_id, collected_by="representative", representative=NEIGHBOUR)
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "surat_kuasa"

    upload = upload_kuasa(world, application_id, pdf_scan())
    assert upload.status_code == 201, upload.json
    assert upload.json["content_type"] == "application/pdf" and world.card(application_id)["surat_kuasa"] is True
    accepted = handover(world, application_id, collected_by="representative",
                        representative={**NEIGHBOUR, "name": "  dewi   LESTARI "})  # as written, case and spaces aside
    assert accepted.status_code == 200, accepted.json
    assert accepted.json["collector_relation"] == "attorney"


def test_the_surat_kuasa_names_the_one_who_may_collect(world):
    set_policy(world, "power_of_attorney")
    application_id, _ = ready_card(world)
    assert upload_kuasa(world, application_id, pdf_scan()).status_code == 201
    for someone, field in (({"nik": "3273014101850003", "name": NEIGHBOUR["name"]}, "representative.nik"),
                           ({"nik": NEIGHBOUR["nik"], "name": "Budi Santoso"}, "representative.name"),
                           ({"nik": NEIGHBOUR["nik"]}, "representative.name")):
        refused = handover(world, application_id, collected_by="representative", representative=someone)
        assert refused.status_code == 422 and refused.json["errors"][0]["field"] == field, refused.json
        assert "names another person" in refused.json["message"]
    assert world.card(application_id)["state"] == "READY_FOR_PICKUP"


@pytest.mark.parametrize(("form", "field"), [
    ({"representative_nik": "123"}, "representative_nik"),
    ({"representative_name": ""}, "representative_name"),
    ({"representative_nik": NIK}, "representative_nik"),  # the applicant's own
    ({"stamp": "x"}, "stamp"),
])
def test_a_surat_kuasa_without_the_representative_it_names_is_refused(world, form, field):
    application_id, _ = ready_card(world)
    refused = upload_kuasa(world, application_id, pdf_scan(), **form)
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == field, refused.json
    assert world.card(application_id)["surat_kuasa"] is False


def test_the_surat_kuasa_is_kept_encrypted(world):
    application_id, _ = ready_card(world)
    document = scan()
    upload = upload_kuasa(world, application_id, document, "kuasa.jpg")
    assert upload.status_code == 201 and upload.json["content_type"] == "image/jpeg"
    with world.runtime.uow() as uow:
        key = pickups.power_of_attorney(uow, application_id).object_key
    assert world.runtime.objects.get(key) == document
    assert b"JFIF" not in world.runtime.objects.get_raw(key)


@pytest.mark.parametrize(("content", "message"), [
    (b"just some words", "PDF, JPEG or PNG"),
    (b"%PDF-1.7 broken", "cannot be read"),
    (b"\x89PNG\r\n\x1a\n" + b"0" * 40, "cannot be decoded"),
])
def test_an_unreadable_surat_kuasa_is_refused(world, content, message):
    application_id, _ = ready_card(world)
    upload = upload_kuasa(world, application_id, content, "kuasa")
    assert upload.status_code == 422 and upload.json["errors"][0]["field"] == "file"
    assert message in upload.json["message"]


def test_a_representative_must_be_named(world):
    application_id, _ = ready_card(world)
    response = handover(world, application_id, collected_by="representative")
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "representative.nik"
    response = handover(world, application_id, collected_by="representative", representative={"nik": NIK})
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "representative.nik"


# -- refusal at the counter ------------------------------------------------------------------------

def test_a_card_refused_for_a_wrong_name_is_reprinted_once_with_the_corrected_data(world):
    application_id, card = ready_card(world)
    first_serial = card["serial"]
    response = world.post(f"/v1/cards/{application_id}/refusal",
                          {"receipt_number": receipt(application_id), "nik": NIK, "fields": ["nama"]})
    assert response.status_code == 200, response.json
    assert response.json["state"] == "AWAITING_CORRECTION" and response.json["void_serials"] == [first_serial]
    refused = world.events(application_id)[-1]
    assert refused["type"].endswith("card.refused_at_pickup.v1")
    assert refused["data"]["fields"] == ["nama"] and refused["data"]["card_serial"] == first_serial
    assert handover(world, application_id).status_code == 409, "a refused card is not handed over"

    world.run_queue()
    assert world.card(application_id)["state"] == "AWAITING_CORRECTION", "nothing is reprinted with the wrong name"
    corrected = world.verified(application_id, full_name="Siti Nurhaliza Putri Rahayu")
    world.run_queue(2)
    card = world.card(application_id)
    assert card["state"] == "READY_FOR_PICKUP" and card["serial"] == "3273-2026-000002"
    assert [(j["purpose"], j["state"]) for j in card["jobs"]] == [("first", "qc_passed"), ("correction", "qc_passed")]
    assert world.deliver_event(corrected) == "duplicate"
    world.verified(application_id, full_name="Siti Nurhaliza Putri Rahayu")  # verification repeats itself
    world.run_queue()
    assert len(world.card(application_id)["jobs"]) == 2, "one reprint"
    assert world.event_keys(application_id).count("card.printed.v1") == 2
    assert handover(world, application_id).status_code == 200


def test_a_refusal_names_fields_of_the_card(world):
    application_id, _ = ready_card(world)
    response = world.post(f"/v1/cards/{application_id}/refusal",
                          {"receipt_number": receipt(application_id), "nik": NIK, "fields": ["shoe_size"]})
    assert response.status_code == 422 and response.json["errors"][0]["field"].startswith("fields")
    response = world.post(f"/v1/cards/{application_id}/refusal",
                          {"receipt_number": receipt(application_id), "nik": NIK, "fields": []})
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "fields"


def test_an_operator_reprints_a_refused_card_whose_data_was_right(world):
    application_id, _ = ready_card(world)
    world.post(f"/v1/cards/{application_id}/refusal",
               {"receipt_number": receipt(application_id), "nik": NIK, "fields": ["alamat"]})
    response = world.post(f"/v1/cards/{application_id}/reprint", {"reason": "address was printed cut off"})
    assert response.status_code == 202
    world.run_queue()
    card = world.card(application_id)
    assert card["state"] == "READY_FOR_PICKUP" and len(card["void_serials"]) == 1
    assert world.post(f"/v1/cards/{application_id}/reprint", {"reason": "again"}).status_code == 202, \
        "a card waiting for pickup can be reprinted (damaged at the office)"
    assert world.post(f"/v1/cards/{application_id}/reprint", {"reason": "and again"}).status_code == 409, \
        "not while its print is queued"


# -- reminders and the uncollected report ----------------------------------------------------------

def test_uncollected_cards_are_reminded_then_reported(world):
    settings = world.runtime.settings
    application_id, card = ready_card(world)
    pickup_from = dt.date.fromisoformat(card["pickup_from"])

    def run(days_after_pickup: int) -> None:
        moment = dt.datetime.combine(pickup_from + dt.timedelta(days=days_after_pickup), dt.time(3),
                                     tzinfo=dt.timezone.utc)
        with world.runtime.uow() as uow:
            pickups.remind_and_report(uow, moment, settings)
            uow.commit()

    def reminders() -> list[int]:
        return [e["data"]["reminder_number"] for e in world.events(application_id)
                if e["type"].endswith("card.pickup_reminder.v1")]

    run(settings.reminder_after_days - 1)
    assert reminders() == []
    run(settings.reminder_after_days)
    run(settings.reminder_after_days + 1)
    assert reminders() == [1], "one reminder, then a pause"
    for day in range(settings.reminder_after_days, settings.uncollected_report_days + 40):
        run(day)
    assert reminders() == list(range(1, settings.reminders_max + 1))
    reminder = [e for e in world.events(application_id) if e["type"].endswith("card.pickup_reminder.v1")][0]["data"]
    assert reminder["office"]["address"] == world.office["address"] and reminder["pickup_from"] == card["pickup_from"]

    report = world.client.get("/v1/reports/uncollected", headers=world.token("supervisor"),
                              query_string={"office_code": world.office["code"]})
    assert report.status_code == 200
    assert [(r["application_id"], r["reminders_sent"]) for r in report.json] == [(application_id, settings.reminders_max)]
    assert world.client.get("/v1/reports/uncollected", headers=world.token(),
                            query_string={"office_code": "DISDUKCAPIL-3204"}).json == []

    assert handover(world, application_id).status_code == 200
    assert world.client.get("/v1/reports/uncollected", headers=world.token()).json == [], "collected: off the report"


def test_a_collected_card_is_not_reminded(world):
    application_id, card = ready_card(world)
    assert handover(world, application_id).status_code == 200
    with world.runtime.uow() as uow:
        pickups.remind_and_report(uow, utcnow() + dt.timedelta(days=400), world.runtime.settings)
        uow.commit()
    assert not any(e["type"].endswith("card.pickup_reminder.v1") for e in world.events(application_id))


# -- the old card of a replacement -------------------------------------------------------------------

def test_a_replacement_is_handed_over_only_against_the_old_card_which_is_withdrawn_and_its_serial_voided(world):
    first, _ = ready_card(world)
    assert handover(world, first).status_code == 200
    old_serial = world.card(first)["serial"]

    replacement = world.new_card(kind="replacement_damaged")
    world.run_queue()
    refused = handover(world, replacement)
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "old_card"
    assert world.card(first)["state"] == "COLLECTED", "nothing changed"

    response = handover(world, replacement, old_card="handed_in")
    assert response.status_code == 200, response.json
    assert (response.json["state"], response.json["old_card"]) == ("COLLECTED", "handed_in")
    old = world.card(first)
    assert old["state"] == "WITHDRAWN" and old["withdrawn_at"] is not None
    assert old["void_serials"] == [old_serial]
    collected = world.events(replacement)[-1]["data"]
    assert (collected["old_card"], collected["old_card_serials"]) == ("handed_in", [old_serial])


def test_a_lost_card_s_replacement_records_the_loss_report_and_a_first_card_replaces_nothing(world):
    lost = world.new_card(kind="replacement_lost")
    world.run_queue()
    response = handover(world, lost)
    assert response.status_code == 200 and response.json["old_card"] == "reported_lost"
    first, _ = ready_card(world, nik="3273015507900004")
    wrong = world.post(f"/v1/cards/{first}/handover", {"receipt_number": receipt(first), "nik": "3273015507900004",
                                                        "old_card": "handed_in"})
    assert wrong.status_code == 422 and wrong.json["errors"][0]["field"] == "old_card"


# -- the pickup date -------------------------------------------------------------------------------

def test_a_card_is_not_handed_over_before_its_pickup_date(world_factory):
    world = world_factory(pickup_after_days=1)
    world.stock(world.office["code"], "3273-2026-000001", 5)
    application_id, card = ready_card(world)
    pickup_from = dt.date.fromisoformat(card["pickup_from"])
    early = handover(world, application_id)
    assert early.status_code == 409 and early.json["errors"][0]["field"] == "application_id"
    assert f"from {pickup_from.isoformat()}" in early.json["message"]
    assert world.card(application_id)["state"] == "READY_FOR_PICKUP"

    on_the_day = dt.datetime.combine(pickup_from, dt.time(9), ZoneInfo(world.office["timezone"]))
    with world.runtime.uow() as uow:
        found = uow.session.get(Card, application_id)
        policy = policies.policy_of(uow, found.office_code, world.runtime.settings)
        request = pickups.Handover(receipt_number=receipt(application_id), nik_hash=found.nik_hash,
                                   collected_by="applicant")
        assert pickups.hand_over(uow, found, request, policy, "loket-1", on_the_day) == "applicant"
        uow.commit()
    assert world.card(application_id)["state"] == "COLLECTED"
