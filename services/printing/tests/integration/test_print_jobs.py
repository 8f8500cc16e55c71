"""Print jobs against the card-printer emulator: a card comes out once with a serial from the office's
stock, a crash never makes a second card, printer failures reroute or wait, spoiled cards void their
serials."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from ektp_peers.card_printer import CardPrinterEmulator

from ektp_shared.db import utcnow
from ektp_shared.settings import DEVELOPMENT
from printing import cards, print_jobs, printers
from printing.card_front.chip import chip_record
from printing.drivers import driver_for
from printing.models import Card
from printing.rules.card_fields import card_fields


def hopper(emulator) -> list[str]:
    return sorted(path.stem for path in emulator.output_dir.glob("*.png"))


def test_an_enrolled_applicant_gets_one_card_with_a_serial_from_the_office_stock(world, emulator):
    application_id = world.new_card()
    world.run_queue()

    card = world.card(application_id)
    assert card["state"] == "READY_FOR_PICKUP"
    assert card["serial"] == "3273-2026-000001", "the office's lowest serial goes first"
    assert card["pickup_from"] and card["office"]["address"] == world.office["address"]
    assert world.job_states(application_id) == ["qc_passed"]
    assert world.event_keys(application_id) == ["card.printed.v1", "card.ready_for_pickup.v1"]
    printed = world.events(application_id)[0]["data"]
    assert printed["card_serial"] == "3273-2026-000001"

    [device_job] = hopper(emulator)
    assert device_job == f"{card['jobs'][0]['id']}-1"
    with world.runtime.uow() as uow:
        stored = uow.session.get(Card, application_id)
        expected_chip = chip_record(card_fields(stored.card_holder), stored.fingerprint_digests)
    assert (emulator.output_dir / f"{device_job}.chip").read_bytes() == expected_chip, "the chip holds the card data"
    assert card["jobs"][0]["chip_verified"] is True
    stock = world.client.get(f"/v1/offices/{world.office['code']}/stock", headers=world.token()).json
    assert (stock["available"], stock["issued"], stock["reserved"], stock["void"]) == (199, 1, 0, 0)

    world.run_queue(3)
    assert len(hopper(emulator)) == 1 and len(world.events(application_id)) == 2, "nothing happens twice"


@pytest.fixture
def second_printer(tmp_path):
    """Another card printer (in this process), for an office with two."""
    printer = CardPrinterEmulator(output_dir=tmp_path / "second-hopper").start()
    yield printer
    printer.stop()


def uri(emulator: CardPrinterEmulator) -> str:
    host, port = emulator.address
    return f"cardprinter://{host}:{port}"


def prefer(world, first_name: str, other_name: str) -> None:
    """Make the queue pick `first_name` next: it picks the printer that has waited longest."""
    with world.runtime.uow() as uow:
        printers.by_name(uow, first_name).last_used_at = None
        printers.by_name(uow, other_name).last_used_at = utcnow()
        uow.commit()


def start_attempt(world, application_id: str):
    """What the worker does up to handing the card to the printer: plan, render, record the attempt."""
    with world.runtime.uow() as uow:
        job = print_jobs.latest(uow, application_id)
        card = uow.session.get(Card, application_id)
        target = print_jobs.prepare(uow, job, card, utcnow(), world.runtime.settings)
        uow.commit()
    driver = driver_for(target.uri)
    document = cards.document_for(card, world.runtime.context.portraits.of(application_id), driver.encodes_chip)
    with world.runtime.uow() as uow:
        attempt = print_jobs.begin(uow, job.id, target, utcnow(), world.runtime.settings)
        uow.commit()
    return driver, attempt, document


def test_a_crash_after_the_printer_printed_records_the_card_and_prints_no_second_one(world, emulator):
    application_id = world.new_card()
    driver, attempt, document = start_attempt(world, application_id)
    driver.submit(attempt.device_job_id, document)  # the card comes out; the worker dies before recording it

    world.run_queue(2)  # the restarted worker finds the job at the printer and asks about it
    card = world.card(application_id)
    assert card["state"] == "READY_FOR_PICKUP" and card["void_serials"] == []
    assert hopper(emulator) == [attempt.device_job_id]
    assert world.event_keys(application_id) == ["card.printed.v1", "card.ready_for_pickup.v1"]


def test_a_crash_before_the_card_reached_the_printer_resumes_with_the_serial_back_on_the_shelf(world, emulator):
    application_id = world.new_card()
    start_attempt(world, application_id)  # recorded as sent; the worker dies before the printer heard of it

    world.run_queue(2)
    card = world.card(application_id)
    assert card["state"] == "READY_FOR_PICKUP"
    assert card["serial"] == "3273-2026-000001" and card["void_serials"] == [], "the unused blank was not lost"
    assert [job["attempts"] for job in card["jobs"]] == [2] and len(hopper(emulator)) == 1


def test_a_worker_killed_mid_print_makes_exactly_one_card_and_voids_the_lost_one(world, tmp_path):
    slow = CardPrinterEmulator(output_dir=tmp_path / "slow-hopper", print_seconds=2.5).start()
    try:
        world.printers(world.office["code"], uri(slow))
        application_id = world.new_card()
        settings = world.runtime.settings
        environment = {**os.environ, **DEVELOPMENT, "EKTP_DATA_DIR": settings.data_dir, "EKTP_BUS_NAMESPACE": settings.bus_namespace,
                       "EKTP_PRINTING_PRINTER_URI": settings.printer_uri, "EKTP_PRINTING_PRINTER_EMULATOR": "false",
                       "EKTP_PRINTING_DEVELOPMENT_STOCK": "0", "EKTP_PRINTING_PRINT_RETRY_SECONDS": "0"}
        worker = subprocess.Popen([sys.executable, "-c", "from ektp_shared.service import Runtime\n"
                                   "from printing import tasks\nfrom printing.service import SERVICE\n"
                                   "tasks.run_print_queue(Runtime.build(SERVICE))"], env=environment)
        deadline = time.monotonic() + 30
        while not slow.state.printing:
            assert worker.poll() is None and time.monotonic() < deadline, "the worker never started printing"
            time.sleep(0.05)
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        while slow.state.printing or slow.state.card is not None:  # the printer finishes and rejects the orphan
            time.sleep(0.05)

        world.run_queue(3)
        card = world.card(application_id)
        assert card["state"] == "READY_FOR_PICKUP"
        assert card["void_serials"] == ["3273-2026-000001"] and card["serial"] == "3273-2026-000002"
        assert len(list((tmp_path / "slow-hopper").glob("*.png"))) == 1, "one good card in the hopper"
        assert slow.state.rejected_total == 1
        assert world.event_keys(application_id).count("card.printed.v1") == 1
    finally:
        slow.stop()


def test_a_jam_spoils_the_card_and_the_job_goes_to_the_offices_other_printer(world, emulator, second_printer):
    world.printers(world.office["code"], emulator.uri, uri(second_printer))
    prefer(world, "disdukcapil-3273-1", "disdukcapil-3273-2")
    emulator.control("SIM JAM NEXT")
    application_id = world.new_card()

    world.run_queue(2)
    card = world.card(application_id)
    assert card["state"] == "READY_FOR_PICKUP"
    assert card["void_serials"] == ["3273-2026-000001"] and card["serial"] == "3273-2026-000002"
    assert hopper(emulator) == [] and len(list(second_printer.output_dir.glob("*.png"))) == 1
    printers = {p["name"]: p for p in world.client.get("/v1/printers", headers=world.token()).json}
    assert not printers["disdukcapil-3273-1"]["in_rotation"] and printers["disdukcapil-3273-1"]["out_reason"] == "jam"
    assert printers["disdukcapil-3273-2"]["in_rotation"]

    emulator.control("SIM JAM CLEAR")
    world.poll()
    printers = {p["name"]: p for p in world.client.get("/v1/printers", headers=world.token()).json}
    assert printers["disdukcapil-3273-1"]["in_rotation"], "back in rotation once it reports ready"


@pytest.mark.parametrize(("fault", "fix", "condition"), [
    ("SIM FEEDER 0", "SIM FEEDER 100", "feeder_empty"),
    ("SIM COVER OPEN", "SIM COVER CLOSED", "cover_open"),
    ("SIM RIBBON 0", "SIM RIBBON 200", "ribbon_out"),
])
def test_the_only_printer_failing_makes_the_job_wait_without_using_a_blank(world, emulator, fault, fix, condition):
    emulator.control(fault)
    application_id = world.new_card()

    world.run_queue()
    card = world.card(application_id)
    assert card["state"] == "QUEUED_FOR_PRINT" and card["jobs"][0]["state"] == "queued"
    assert condition in card["jobs"][0]["reason"]
    world.run_queue()
    assert world.card(application_id)["jobs"][0]["reason"] == "waiting: no printer of the office is in rotation"
    stock = world.client.get(f"/v1/offices/{world.office['code']}/stock", headers=world.token()).json
    assert stock["available"] == 200 and stock["void"] == 0, "the refused attempt used no blank"
    [printer] = world.client.get("/v1/printers", headers=world.token()).json
    assert not printer["in_rotation"] and condition in printer["out_reason"]

    emulator.control(fix)
    world.run_queue()
    assert world.card(application_id)["state"] == "QUEUED_FOR_PRINT", "out of rotation until the poll sees it ready"
    world.poll()
    world.run_queue()
    assert world.card(application_id)["state"] == "READY_FOR_PICKUP"
    assert hopper(emulator) != []


def test_a_chip_that_reads_back_wrong_spoils_cards_until_the_job_waits_for_an_operator(world, emulator):
    emulator.control("SIM CHIP CORRUPT")
    application_id = world.new_card()

    world.run_queue(5)
    card = world.card(application_id)
    limit = world.runtime.settings.max_spoiled_cards
    assert card["state"] == "PRINT_FAILED"
    assert card["jobs"][0]["state"] == "failed" and card["jobs"][0]["spoiled"] == limit
    assert card["void_serials"] == [f"3273-2026-00000{n}" for n in range(1, limit + 1)]
    assert hopper(emulator) == [] and emulator.status()["rejected"] == str(limit)
    assert "chip_mismatch" in card["jobs"][0]["reason"]

    emulator.control("SIM CHIP OK")
    world.run_queue()
    assert world.card(application_id)["state"] == "PRINT_FAILED", "no card without an operator's decision"
    response = world.post(f"/v1/cards/{application_id}/reprint", {"reason": "chip encoder cleaned"})
    assert response.status_code == 202, response.json
    world.run_queue()
    card = world.card(application_id)
    assert card["state"] == "READY_FOR_PICKUP" and card["serial"] == f"3273-2026-00000{limit + 1}"
    assert [job["state"] for job in card["jobs"]] == ["failed", "qc_passed"]
    assert card["jobs"][1]["purpose"] == "reprint"


def test_a_printer_that_stops_answering_keeps_its_job_until_an_operator_writes_it_off(world, emulator, tmp_path):
    vanishing = CardPrinterEmulator(output_dir=tmp_path / "vanishing").start()
    world.printers(world.office["code"], uri(vanishing), emulator.uri)
    prefer(world, "disdukcapil-3273-1", "disdukcapil-3273-2")
    application_id = world.new_card()
    start_attempt(world, application_id)
    vanishing.stop()  # the worker crashes and the printer is gone: did a card come out?

    world.run_queue(3)
    card = world.card(application_id)
    assert card["state"] == "QUEUED_FOR_PRINT"
    assert card["jobs"][0]["state"] == "sent" and card["jobs"][0]["outcome_unknown"]
    assert hopper(emulator) == [], "never sent to another printer while the outcome is unknown"

    response = world.post(f"/v1/cards/{application_id}/reprint", {"reason": "printer 1 is dead; no card came out"})
    assert response.status_code == 202
    world.run_queue()
    card = world.card(application_id)
    assert card["state"] == "READY_FOR_PICKUP" and len(hopper(emulator)) == 1
    assert card["void_serials"] == ["3273-2026-000001"], "the written-off attempt's serial can never be issued"
    assert [job["state"] for job in card["jobs"]] == ["failed", "qc_passed"]


def test_printer_status_is_polled_into_the_metrics(world, emulator):
    emulator.control("SIM RIBBON 37", "SIM FEEDER 12")
    world.poll()
    metrics = world.client.get("/metrics").text
    assert 'ektp_printer_up{printer="shared-1"} 1.0' in metrics
    assert 'ektp_printer_ribbon_remaining{printer="shared-1"} 37.0' in metrics
    assert 'ektp_printer_cards_in_feeder{printer="shared-1"} 12.0' in metrics
    assert f'ektp_card_stock{{office="{world.office["code"]}"}} 200.0' in metrics
    assert f'ektp_card_stock_low_threshold{{office="{world.office["code"]}"}} 50.0' in metrics

    world.new_card()
    world.run_queue()
    metrics = world.client.get("/metrics").text
    assert 'ektp_print_jobs{state="qc_passed"} 1.0' in metrics and 'ektp_print_jobs{state="queued"} 0.0' in metrics
    assert f'ektp_card_stock{{office="{world.office["code"]}"}} 199.0' in metrics
    province = world.office["code"].rpartition("-")[2][:2]
    assert f'ektp_province_cards{{province="{province}",state="READY_FOR_PICKUP"}} 1.0' in metrics


def test_a_printer_that_does_not_answer_the_poll_is_down(world, tmp_path):
    gone = CardPrinterEmulator(output_dir=tmp_path / "gone").start()
    world.printers("DISDUKCAPIL-3204", uri(gone))
    gone.stop()
    world.poll()
    metrics = world.client.get("/metrics").text
    assert 'ektp_printer_up{printer="disdukcapil-3204-1"} 0.0' in metrics
    printers = {p["name"]: p for p in world.client.get("/v1/printers", headers=world.token()).json}
    assert printers["disdukcapil-3204-1"]["in_rotation"] is False
    assert printers["disdukcapil-3204-1"]["out_reason"] == "offline"


def test_a_waiting_job_is_retried_later_and_later(world_factory, emulator):
    world = world_factory(print_retry_seconds=30, print_retry_max_seconds=100)
    application_id = world.new_card()  # no stock at all: the job waits

    def job():
        with world.runtime.uow() as uow:
            return print_jobs.latest(uow, application_id)

    waits = []
    for _ in range(4):
        before = utcnow()
        world.run_queue()
        waiting = job()
        waits.append(round((waiting.next_attempt_at - before).total_seconds()))
        world.run_queue()
        assert (job().retries, job().next_attempt_at) == (waiting.retries, waiting.next_attempt_at), "not due yet"
        with world.runtime.uow() as uow:
            print_jobs.latest(uow, application_id).next_attempt_at = utcnow()  # time passes
            uow.commit()
    assert waits == [30, 60, 100, 100]


def test_a_printer_that_refuses_hands_the_job_to_the_offices_other_printer_at_once(world, emulator, second_printer):
    world.printers(world.office["code"], emulator.uri, uri(second_printer))
    prefer(world, "disdukcapil-3273-1", "disdukcapil-3273-2")
    emulator.control("SIM HOPPER 100")  # its output hopper is full: it takes no card
    application_id = world.new_card()

    world.run_queue(2)
    card = world.card(application_id)
    assert card["state"] == "READY_FOR_PICKUP" and card["jobs"][0]["printer"] == "disdukcapil-3273-2"
    assert card["serial"] == "3273-2026-000001" and card["void_serials"] == [], "the refused attempt used no blank"
    assert [job["attempts"] for job in card["jobs"]] == [2]
    printers = {p["name"]: p for p in world.client.get("/v1/printers", headers=world.token()).json}
    assert "hopper_full" in printers["disdukcapil-3273-1"]["out_reason"]
