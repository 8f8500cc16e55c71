"""The office boundary in printing, role × endpoint × office: another office's operator is refused (403)
every card action (read, front, letter, quality check, reprint, surat kuasa, handover, refusal), its stock
(read, receive, void), its policy, its printers' rotation, and sees none of its jobs or uncollected cards;
the card's own office gets the answer the endpoint gives. The audit log records the officer and office."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from ektp_shared.testing.harness import ServiceHarness
from printing.models import AuditEntry

from ..conftest import OFFICE
from .test_pickup import pdf_scan

OWN, OTHER = OFFICE["code"], "DISDUKCAPIL-9999"
NIK = "3273015507900003"

REPRESENTATIVE_NIK = "3273014101850002"  # the neighbour a surat kuasa names
# (role, method, path, body, what the card's own office gets: the card is queued for print, not printed yet)
CARD_ENDPOINTS = [
    ("print_operator", "get", "/v1/cards/{id}", None, 200),
    ("supervisor", "get", "/v1/cards/{id}", None, 200),
    ("print_operator", "get", "/v1/cards/{id}/front.png", None, 200),
    ("print_operator", "get", "/v1/cards/{id}/temporary-letter.pdf", None, 404),
    ("print_operator", "post", "/v1/cards/{id}/quality-check", {"result": "passed"}, 409),
    ("print_operator", "post", "/v1/cards/{id}/reprint", {"reason": "kartu rusak"}, 409),
    ("print_operator", "put", "/v1/cards/{id}/surat-kuasa", "file", 409),
    ("print_operator", "post", "/v1/cards/{id}/handover", {"receipt_number": "KTP-0000", "nik": NIK}, 409),
    ("print_operator", "post", "/v1/cards/{id}/refusal", {"receipt_number": "KTP-0000", "nik": NIK,
                                                         "fields": ["nama"]}, 409),
]
OFFICE_ENDPOINTS = [
    ("print_operator", "get", "/v1/offices/{office}/stock", None, 200),
    ("supervisor", "get", "/v1/offices/{office}/stock", None, 200),
    ("print_operator", "post", "/v1/offices/{office}/stock/batches",
     {"reference": "BA-1", "first_serial": "3273-2026-900001", "count": 5}, 201),
    ("print_operator", "post", "/v1/offices/{office}/stock/void", {"serial": "3273-2026-000200", "reason": "tergores"}, 200),
    ("print_operator", "get", "/v1/offices/{office}/policy", None, 200),
    ("print_operator", "post", "/v1/printers/{printer}/rotation", {"in_rotation": False, "reason": "servis"}, 200),
]


def token(world, subject: str, role: str, offices: tuple[str, ...]) -> dict[str, str]:
    return ServiceHarness.token(world, subject, role, offices=offices)  # World.token signs for its own office


def call(world, role, method, path, body, offices):
    headers = token(world, "operator-7", role, offices)
    if body == "file":
        return world.client.put(path, headers=headers, data={
            "file": (io.BytesIO(pdf_scan()), "sk.pdf"), "representative_nik": REPRESENTATIVE_NIK,
            "representative_name": "Dewi Lestari"}, content_type="multipart/form-data")
    return getattr(world.client, method)(path, json=body, headers=headers)


@pytest.mark.parametrize("role, method, path, body, own_status", CARD_ENDPOINTS + OFFICE_ENDPOINTS,
                         ids=[f"{r}-{m}-{p}" for r, m, p, *_ in CARD_ENDPOINTS + OFFICE_ENDPOINTS])
def test_another_offices_card_stock_and_printers_are_refused_and_its_own_office_gets_the_answer(
        world, role, method, path, body, own_status):
    world.printers(OWN, "ipp://127.0.0.1:9/printers/card")
    url = path.format(id=world.new_card(), office=OWN, printer=f"{OWN.lower()}-1")
    other = call(world, role, method, url, body, (OTHER,))
    assert other.status_code == 403, other.get_json()
    assert other.get_json()["code"] == "other_office"
    own = call(world, role, method, url, body, (OWN,))
    assert own.status_code == own_status, own.get_json()


@pytest.mark.parametrize("role", ["print_operator", "supervisor"])
def test_jobs_printers_and_reports_show_only_the_officers_offices(world, role):
    world.printers(OWN, "ipp://127.0.0.1:9/printers/card")
    application_id = world.new_card()
    own = token(world, "ana", role, (OWN,))
    other = token(world, "eka", role, (OTHER,))
    receipt = {"receipt_number": f"KTP-{application_id[:6].upper()}"}  # World.verified's receipt number
    found = world.client.get("/v1/cards", query_string=receipt, headers=own).get_json()
    assert [(c["application_id"], c["receipt_number"]) for c in found] == [(application_id, receipt["receipt_number"])]
    assert world.client.get("/v1/cards", query_string=receipt, headers=other).get_json() == [], "the pickup desk's search"
    assert world.client.get("/v1/cards", headers=own).status_code == 422
    assert {j["office_code"] for j in world.client.get("/v1/print-jobs", headers=own).get_json()} == {OWN}
    assert world.client.get("/v1/print-jobs", headers=other).get_json() == []
    assert world.client.get("/v1/print-jobs", query_string={"office_code": OWN}, headers=other).status_code == 403
    assert {p["office_code"] for p in world.client.get("/v1/printers", headers=own).get_json()} == {OWN, "*"}
    assert {p["office_code"] for p in world.client.get("/v1/printers", headers=other).get_json()} == {"*"}
    assert world.client.get("/v1/reports/uncollected", query_string={"office_code": OWN}, headers=other).status_code == 403


def test_the_shared_fleet_is_rotated_only_by_a_national_role(world):
    own = token(world, "ana", "print_operator", (OWN,))
    shared = world.client.get("/v1/printers", headers=own).get_json()
    name = next(p["name"] for p in shared if p["office_code"] == "*")
    body = {"in_rotation": False, "reason": "servis"}
    assert world.client.post(f"/v1/printers/{name}/rotation", json=body, headers=own).status_code == 403
    admin = token(world, "root", "admin", ())
    assert world.client.post(f"/v1/printers/{name}/rotation", json=body, headers=admin).status_code == 200


def test_the_audit_log_records_the_officer_and_the_office(world):
    own = token(world, "ana", "print_operator", (OWN,))
    world.client.post(f"/v1/offices/{OWN}/stock/void", json={"serial": "3273-2026-000200", "reason": "tergores"},
                      headers=own)
    with world.runtime.uow() as uow:
        entry = uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "blank_voided")).one()
    assert (entry.actor, entry.office_code) == ("ana", OWN)
