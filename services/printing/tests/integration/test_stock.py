"""Blank-card stock per office: batches and serials, low stock keeps the last cards for first-time
applicants, and an office out of cards issues a temporary identity letter while the card stays queued."""
from __future__ import annotations

import datetime as dt
import io
import subprocess
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from printing.rules import temporary_letter


def stock_of(world, office: str) -> dict:
    response = world.client.get(f"/v1/offices/{office}/stock", headers=world.token())
    assert response.status_code == 200, response.json
    return response.json


def test_a_received_batch_adds_its_serials_and_a_repeated_one_is_refused(world):
    office = "DISDUKCAPIL-3204"
    body = {"reference": "BA-2026/117", "first_serial": "3204-0000998", "count": 5}
    response = world.post(f"/v1/offices/{office}/stock/batches", body)
    assert response.status_code == 201, response.json
    assert response.json["available"] == 5 and response.json["low"] is True
    [batch] = response.json["batches"]
    assert (batch["first_serial"], batch["last_serial"], batch["received_by"]) == ("3204-0000998", "3204-0001002",
                                                                                    "operator-7")
    again = world.post(f"/v1/offices/{office}/stock/batches", {**body, "first_serial": "3204-0001000"})
    assert again.status_code == 409 and again.json["errors"][0]["field"] == "first_serial"
    assert "3 serials" in again.json["message"]
    assert stock_of(world, office)["available"] == 5


@pytest.mark.parametrize(("body", "field"), [
    ({"reference": "x", "first_serial": "ABC", "count": 5}, "first_serial"),
    ({"reference": "x", "first_serial": "A-99", "count": 5}, "first_serial"),
    ({"reference": "x", "first_serial": "A-01", "count": 0}, "count"),
    ({"reference": "x", "first_serial": "A-01", "count": 2.5}, "count"),
    ({"first_serial": "A-01", "count": 5}, "reference"),
])
def test_a_bad_batch_is_refused_naming_the_field(world, body, field):
    response = world.post("/v1/offices/DISDUKCAPIL-3204/stock/batches", body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == [field]


def test_stock_needs_a_print_operator_and_a_real_office_code(world):
    assert world.client.get("/v1/offices/DISDUKCAPIL-3204/stock").status_code == 401
    assert world.client.get("/v1/offices/DISDUKCAPIL-3204/stock", headers=world.token("verifier")).status_code == 403
    response = world.client.get("/v1/offices/not%20an%20office/stock", headers=world.token())
    assert response.status_code == 404 and response.json["errors"][0]["field"] == "office_code"


def test_a_blank_damaged_on_the_shelf_is_voided_with_its_reason(world):
    response = world.post(f"/v1/offices/{world.office['code']}/stock/void",
                          {"serial": "3273-2026-000200", "reason": "bent in storage"})
    assert response.status_code == 200
    assert (response.json["available"], response.json["void"]) == (199, 1)
    again = world.post(f"/v1/offices/{world.office['code']}/stock/void", {"serial": "3273-2026-000200", "reason": "x x"})
    assert again.status_code == 409 and again.json["errors"][0]["field"] == "serial"


def test_when_stock_is_low_first_time_applicants_print_and_replacements_wait(world):
    office = {**world.office, "code": "DISDUKCAPIL-3277"}
    world.stock("DISDUKCAPIL-3277", "3277-000001", 3)
    response = world.client.put("/v1/offices/DISDUKCAPIL-3277/policy", headers=world.token("admin"),
                                json={"representative": "same_kk", "low_stock_threshold": 2, "qc_by_operator": False})
    assert response.status_code == 200 and response.json["own"] is True

    replacement = world.new_card(kind="replacement_lost", office=office, nik="3277015507900011")
    first_timers = [world.new_card(kind="new", office=office, nik=f"327701550790002{i}") for i in range(2)]
    world.run_queue()

    # 3 cards in stock, threshold 2: the replacement came first in time but waits; both first-timers print.
    assert [world.card(a)["state"] for a in first_timers] == ["READY_FOR_PICKUP"] * 2
    waiting = world.card(replacement)
    assert waiting["state"] == "QUEUED_FOR_PRINT"
    assert waiting["jobs"][0]["reason"] == "waiting: stock is low and kept for first-time applicants"
    assert stock_of(world, "DISDUKCAPIL-3277")["available"] == 1

    world.stock("DISDUKCAPIL-3277", "3277-000100", 10)
    world.run_queue()
    assert world.card(replacement)["state"] == "READY_FOR_PICKUP"
    assert world.card(replacement)["serial"] == "3277-000003", "the batch's leftover goes before the new batch"


def test_out_of_stock_issues_one_temporary_letter_and_the_card_stays_queued(world, pdftoppm, tmp_path):
    office = {**world.office, "code": "DISDUKCAPIL-3278", "name": "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL KOTA TASIKMALAYA"}
    application_id = world.new_card(office=office, nik="3278015507900031")
    world.run_queue(3)

    card = world.card(application_id)
    assert card["state"] == "QUEUED_FOR_PRINT"
    assert card["jobs"][0]["reason"] == "waiting: the office is out of blank cards"
    issued = [e for e in world.events(application_id) if e["type"].endswith("card.temporary_letter_issued.v1")]
    assert len(issued) == 1, "one letter, not one per retry"
    data = issued[0]["data"]
    # Dated in the office's zone (WIB), which is a day ahead of UTC in the evening.
    issued_on = dt.datetime.fromisoformat(data["issued_at"]).astimezone(ZoneInfo("Asia/Jakarta")).date()
    assert data["letter_number"].startswith("470/00001/DISDUKCAPIL-3278/")
    assert data["letter_number"].endswith(f"/{issued_on.year}")
    assert dt.date.fromisoformat(data["valid_until"]) == temporary_letter.valid_until(issued_on, 6)
    assert data["office"]["address"] == office["address"]
    assert card["temporary_letter"]["number"] == data["letter_number"]

    response = world.client.get(f"/v1/cards/{application_id}/temporary-letter.pdf", headers=world.token())
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    for words in ("SURAT KETERANGAN", data["letter_number"], "3278015507900031", "SITI NURHALIZA PUTRI",
                  "BANDUNG, 15-07-1990", "KOTA TASIKMALAYA", "blangko KTP-el belum tersedia"):
        assert words in text, words
    (tmp_path / "letter.pdf").write_bytes(response.data)
    subprocess.run([pdftoppm, "-r", "50", "-png", "-singlefile", str(tmp_path / "letter.pdf"), str(tmp_path / "letter")],
                   check=True)
    assert (tmp_path / "letter.png").stat().st_size > 0, "the letter renders"

    world.stock("DISDUKCAPIL-3278", "3278-000001", 100)
    world.run_queue()
    assert world.card(application_id)["state"] == "READY_FOR_PICKUP"
    assert len([e for e in world.events(application_id) if e["type"].endswith("temporary_letter_issued.v1")]) == 1


def test_a_card_without_a_letter_has_none_to_download(world):
    application_id = world.new_card()
    response = world.client.get(f"/v1/cards/{application_id}/temporary-letter.pdf", headers=world.token())
    assert response.status_code == 404 and response.json["errors"][0]["field"] == "application_id"


def test_development_stock_is_given_once_to_an_office_that_never_received_a_batch(world_factory):
    world = world_factory(development_stock=40)
    application_id = world.new_card()
    world.run_queue()
    card = world.card(application_id)
    assert card["state"] == "READY_FOR_PICKUP" and card["serial"] == "DISDUKCAPIL-3273-DEV-000001"
    assert stock_of(world, world.office["code"])["available"] == 39
    assert [b["reference"] for b in stock_of(world, world.office["code"])["batches"]] == ["development stock"]


def test_production_without_development_stock_waits_for_a_real_batch(world_factory):
    world = world_factory()
    application_id = world.new_card()
    world.run_queue()
    assert world.card(application_id)["jobs"][0]["reason"] == "waiting: the office is out of blank cards"
