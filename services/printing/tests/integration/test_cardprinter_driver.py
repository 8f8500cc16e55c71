"""The card-printer driver against the emulator process, through every failure a card printer has."""

from __future__ import annotations

import hashlib
import socket
import time
import uuid

import pytest

from printing.card_front import render
from printing.card_front.chip import chip_record, record_digest
from printing.drivers import (
    CardPrinterDriver,
    Condition,
    JobState,
    PrintDocument,
    PrinterUnavailable,
    driver_for,
)

DIGESTS = [hashlib.sha256(b"right").hexdigest(), hashlib.sha256(b"left").hexdigest()]


@pytest.fixture(scope="module")
def document(request) -> PrintDocument:
    card = request.getfixturevalue("wni_card")()
    front = render(card, request.getfixturevalue("portrait"), request.getfixturevalue("issue_bandung"),
                   request.getfixturevalue("signature"))
    return PrintDocument(png=front.png, pdf=front.pdf, chip=chip_record(card, DIGESTS))


@pytest.fixture
def driver(emulator) -> CardPrinterDriver:
    return CardPrinterDriver(emulator.uri, timeout=5)


def new_job() -> str:
    return f"job-{uuid.uuid4().hex[:12]}"


def test_a_card_is_encoded_printed_and_dropped_in_the_hopper(driver, emulator, document):
    job = new_job()
    submission = driver.submit(job, document)
    assert submission.state is JobState.PRINTED and not submission.already_known
    assert submission.chip is not None and submission.chip.ok
    assert submission.chip.written_sha256 == record_digest(document.chip)
    assert (emulator.output_dir / f"{job}.png").read_bytes() == document.png
    assert (emulator.output_dir / f"{job}.chip").read_bytes() == document.chip
    status = driver.printer_status()
    assert status.ready and status.conditions == frozenset()
    assert (status.ribbon_remaining, status.cards_in_feeder, status.cards_in_hopper) == (199, 99, 1)
    assert driver.job_status(job).state is JobState.PRINTED


def test_the_same_job_id_is_never_printed_twice(driver, emulator, document):
    job = new_job()
    driver.submit(job, document)
    again = driver.submit(job, document)
    assert again.state is JobState.PRINTED and again.already_known
    assert emulator.status()["printed"] == "1" and emulator.status()["feeder"] == "99"


def test_unknown_job_is_reported_unknown(driver):
    assert driver.job_status(new_job()).state is JobState.UNKNOWN


@pytest.mark.parametrize("fault, condition", [
    ("SIM FEEDER 0", Condition.FEEDER_EMPTY),
    ("SIM HOPPER 100", Condition.HOPPER_FULL),
    ("SIM COVER OPEN", Condition.COVER_OPEN),
    ("SIM RIBBON 0", Condition.RIBBON_OUT),
    ("SIM JAM NOW", Condition.JAM),
])
def test_a_printer_that_cannot_take_a_card_refuses_the_job_without_using_one(driver, emulator, document, fault,
                                                                             condition):
    emulator.control(fault)
    status = driver.printer_status()
    assert status.online and not status.ready and condition in status.conditions
    before = emulator.status()
    job = new_job()
    with pytest.raises(PrinterUnavailable) as refused:
        driver.submit(job, document)
    assert condition in refused.value.conditions
    after = emulator.status()
    assert (after["feeder"], after["printed"], after["rejected"]) == (before["feeder"], before["printed"],
                                                                      before["rejected"])
    # Nothing was consumed, so the job is still unknown to the printer and may go to another one.
    assert driver.job_status(job).state is JobState.UNKNOWN


def test_after_the_operator_fixes_the_printer_the_job_prints(driver, emulator, document):
    emulator.control("SIM FEEDER 0")
    job = new_job()
    with pytest.raises(PrinterUnavailable):
        driver.submit(job, document)
    emulator.control("SIM FEEDER 20")
    assert driver.submit(job, document).state is JobState.PRINTED
    assert driver.printer_status().cards_in_feeder == 19


def test_a_jam_spoils_the_card_and_stops_the_printer_until_cleared(driver, emulator, document):
    emulator.control("SIM JAM NEXT")
    job = new_job()
    submission = driver.submit(job, document)
    assert submission.state is JobState.SPOILED and submission.reason == "jam"
    assert not (emulator.output_dir / f"{job}.png").exists()
    assert Condition.JAM in driver.printer_status().conditions
    assert driver.job_status(job).state is JobState.SPOILED
    with pytest.raises(PrinterUnavailable):
        driver.submit(new_job(), document)
    emulator.control("SIM JAM CLEAR")
    assert driver.submit(new_job(), document).state is JobState.PRINTED


def test_a_chip_that_refuses_the_write_spoils_the_card(driver, emulator, document):
    emulator.control("SIM CHIP FAIL")
    job = new_job()
    submission = driver.submit(job, document)
    assert submission.state is JobState.SPOILED and submission.reason == "chip_encode"
    assert submission.chip is not None and not submission.chip.ok
    assert emulator.status()["rejected"] == "1" and emulator.status()["printed"] == "0"
    assert driver.job_status(job).state is JobState.SPOILED
    assert not (emulator.output_dir / f"{job}.png").exists()


def test_a_chip_that_reads_back_different_data_spoils_the_card(driver, emulator, document):
    emulator.control("SIM CHIP CORRUPT")
    submission = driver.submit(new_job(), document)
    assert submission.state is JobState.SPOILED and submission.reason == "chip_mismatch"
    assert submission.chip is not None and not submission.chip.ok
    assert submission.chip.read_sha256 != submission.chip.written_sha256
    # The card was rejected before printing: no ribbon used.
    assert driver.printer_status().ribbon_remaining == 200


def test_the_cover_opened_during_a_job_spoils_that_card(driver, emulator, document):
    # Hold a card in the printer through the protocol, open the cover, then print: the printer refuses.
    with socket.create_connection((emulator.host, emulator.port), timeout=5) as sock, sock.makefile("rwb") as s:
        job = new_job()
        s.write(f"JOB BEGIN {job}\r\n".encode())
        s.flush()
        assert s.readline().startswith(b"OK")
        emulator.control("SIM COVER OPEN")
        s.write(f"PRINT {len(document.png)}\r\n".encode() + document.png)
        s.flush()
        assert s.readline().startswith(b"ERR COVER_OPEN")
    # The session ended with the card inside: the printer rejects it.
    status = settled(driver, job)
    assert status.state is JobState.SPOILED and status.reason == "session_lost"


def settled(driver, job: str, timeout: float = 5.0):
    """The job's status once the printer has noticed the closed session (it does so on its own thread,
    a moment after the client hung up; until then the card is still being printed, as far as it knows)."""
    deadline = time.monotonic() + timeout
    status = driver.job_status(job)
    while status.state is JobState.PRINTING and time.monotonic() < deadline:
        time.sleep(0.05)
        status = driver.job_status(job)
    return status


def test_a_job_lost_with_the_connection_is_never_printed_again(driver, emulator, document):
    job = new_job()
    with socket.create_connection((emulator.host, emulator.port), timeout=5) as sock, sock.makefile("rwb") as s:
        s.write(f"JOB BEGIN {job}\r\n".encode())
        s.flush()
        assert s.readline().startswith(b"OK")
    # As if the service crashed after feeding the card: on restart it asks, and resubmitting prints nothing.
    assert settled(driver, job).state is JobState.SPOILED
    again = driver.submit(job, document)
    assert again.already_known and again.state is JobState.SPOILED
    assert emulator.status()["printed"] == "0"


def test_a_card_held_by_another_session_makes_the_printer_busy(driver, emulator, document):
    with socket.create_connection((emulator.host, emulator.port), timeout=5) as sock, sock.makefile("rwb") as s:
        s.write(f"JOB BEGIN {new_job()}\r\n".encode())
        s.flush()
        assert s.readline().startswith(b"OK")
        with pytest.raises(PrinterUnavailable) as refused:
            driver.submit(new_job(), document)
        assert Condition.BUSY in refused.value.conditions


def test_a_low_ribbon_warns_but_still_prints(driver, emulator, document):
    emulator.control("SIM RIBBON 5")
    status = driver.printer_status()
    assert Condition.RIBBON_LOW in status.conditions and status.ready
    assert driver.submit(new_job(), document).state is JobState.PRINTED
    assert driver.printer_status().ribbon_remaining == 4


def test_an_image_that_is_not_an_id1_card_is_not_printed(driver, emulator, document):
    submission = driver.submit(new_job(), PrintDocument(png=document.pdf, pdf=document.pdf))
    assert submission.state is JobState.SPOILED and submission.reason == "bad_data"
    assert emulator.status()["printed"] == "0"


def test_a_printer_that_does_not_answer_is_offline():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    driver = driver_for(f"cardprinter://127.0.0.1:{port}", timeout=2)
    status = driver.printer_status()
    assert not status.online and Condition.OFFLINE in status.conditions
    with pytest.raises(PrinterUnavailable) as refused:
        driver.submit(new_job(), PrintDocument(png=b"", pdf=b""))
    assert Condition.OFFLINE in refused.value.conditions


def test_job_ids_that_could_break_the_protocol_are_refused(driver, document):
    with pytest.raises(ValueError, match="job_id"):
        driver.submit("job 1\r\nSIM RESET", document)


def test_the_emulator_answers_malformed_commands_with_errors_and_stays_up(driver, emulator):
    replies = emulator.control("JOB BEGIN " + "x" * 100, "FLY AWAY", "SIM JAM SOMETIMES", "JOB END")
    assert [r.split()[:2] for r in replies] == [["ERR", "BAD_COMMAND"], ["ERR", "BAD_COMMAND"],
                                                ["ERR", "BAD_COMMAND"], ["ERR", "NO_CARD"]]
    assert driver.printer_status().ready
