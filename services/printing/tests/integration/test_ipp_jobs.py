"""An office whose printer is an IPP queue: the print job goes through real CUPS (cups-pdf) and is
followed until CUPS reports it completed; the PDF that comes out is the card."""
from __future__ import annotations

import subprocess
import time

from PIL import Image


def test_an_office_printing_through_cups_gets_its_card_once_cups_completes_the_job(world, cups, pdftoppm, tmp_path):
    world.printers(world.office["code"], cups.queue_uri)
    before = set(cups.pdf_dir.glob("*.pdf"))
    application_id = world.new_card()

    world.run_queue()
    card = world.card(application_id)
    assert card["jobs"][0]["state"] in ("sent", "qc_passed"), card["jobs"][0]
    deadline = time.monotonic() + 60
    while world.card(application_id)["state"] != "READY_FOR_PICKUP":
        assert time.monotonic() < deadline, world.card(application_id)["jobs"]
        time.sleep(0.5)
        world.run_queue()

    card = world.card(application_id)
    assert card["serial"] == "3273-2026-000001" and card["jobs"][0]["printer"] == "disdukcapil-3273-1"
    assert card["jobs"][0]["chip_verified"] is None, "an IPP printer has no chip encoder"
    [output] = set(cups.pdf_dir.glob("*.pdf")) - before
    try:
        subprocess.run([pdftoppm, "-r", "100", "-png", "-singlefile", str(output), str(tmp_path / "printed")], check=True)
        with Image.open(tmp_path / "printed.png") as printed:
            width, height = printed.size
        assert abs(width / height - 85.60 / 53.98) < 0.02, "an ID-1 page"
    finally:
        output.unlink()
    assert world.event_keys(application_id) == ["card.printed.v1", "card.ready_for_pickup.v1"]
