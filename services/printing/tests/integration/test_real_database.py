"""The same print, stock and pickup rules on PostgreSQL and an S3 server (the real profile's stores)."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_print_refuse_and_reprint_on_postgresql(world_factory, emulator):
    world = world_factory(real=True)
    world.stock(world.office["code"], "3273-2026-000001", 3)
    application_id = world.new_card()
    replacement = world.new_card(kind="replacement_damaged", nik="3273015507900011")
    world.run_queue(2)

    assert world.card(application_id)["serial"] == "3273-2026-000001"
    assert world.card(replacement)["state"] == "QUEUED_FOR_PRINT", "2 cards left, at the default threshold of 50"
    refused = world.post(f"/v1/cards/{application_id}/refusal", {
        "receipt_number": f"KTP-{application_id[:6].upper()}", "nik": "3273015507900003", "fields": ["nama", "alamat"]})
    assert refused.status_code == 200, refused.json
    world.verified(application_id, full_name="Siti Nurhaliza")
    world.run_queue(2)
    card = world.card(application_id)
    assert (card["state"], card["serial"], card["void_serials"]) == ("READY_FOR_PICKUP", "3273-2026-000002",
                                                                     ["3273-2026-000001"])
    metrics = world.client.get("/metrics").text
    assert f'ektp_card_stock{{office="{world.office["code"]}"}} 1.0' in metrics
    assert 'ektp_print_jobs{state="qc_passed"} 2.0' in metrics
