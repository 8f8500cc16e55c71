"""The IPP driver against real CUPS: the card PDF goes through the cups-pdf queue and comes out as a
PDF, which is rendered with pdftoppm and compared with the card."""

from __future__ import annotations

import http.server
import io
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from printing.card_front import render
from printing.drivers import Condition, IppDriver, JobState, PrintDocument, PrinterError, PrinterUnavailable, driver_for


@pytest.fixture(scope="module")
def document(request) -> PrintDocument:
    front = render(request.getfixturevalue("wni_card")(), request.getfixturevalue("portrait"),
                   request.getfixturevalue("issue_bandung"), request.getfixturevalue("signature"))
    return PrintDocument(png=front.png, pdf=front.pdf)


def new_job() -> str:
    return f"job-{uuid.uuid4().hex[:12]}"


def wait_for(driver: IppDriver, job: str, timeout: float = 60) -> JobState:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = driver.job_status(job)
        if status.state in (JobState.PRINTED, JobState.FAILED):
            return status.state
        time.sleep(0.3)
    raise AssertionError(f"job {job} did not finish in {timeout}s: {status}, printer {driver.printer_status()}")


def produced_pdf(pdf_dir: Path, device_job_id: str) -> Path:
    # cups-pdf names its output <job-name>-job_<CUPS job id>.pdf (the name part varies with the title).
    matches = list(pdf_dir.glob(f"*job_{device_job_id}.pdf"))
    assert len(matches) == 1, f"expected one PDF for CUPS job {device_job_id} in {pdf_dir}, found {matches}"
    return matches[0]


def test_the_card_pdf_prints_through_cups_as_an_id1_page_that_shows_the_card(cups, document, pdftoppm, tmp_path):
    driver = IppDriver(cups.queue_uri)
    job = new_job()
    submission = driver.submit(job, document)
    assert submission.state in (JobState.QUEUED, JobState.PRINTING, JobState.PRINTED)
    assert submission.device_job_id is not None and not submission.already_known
    assert wait_for(driver, job) is JobState.PRINTED

    output = produced_pdf(cups.pdf_dir, submission.device_job_id)
    try:
        info = subprocess.run(["pdfinfo", str(output)], capture_output=True, text=True, check=True).stdout
        assert "Pages:           1" in info
        width_pt, height_pt = (float(v) for v in info.split("Page size:")[1].split("pts")[0].split(" x "))
        assert abs(width_pt / 72 * 25.4 - 85.60) < 0.1 and abs(height_pt / 72 * 25.4 - 53.98) < 0.1
        # cups-pdf re-renders through Ghostscript (text becomes Type 3, images are recompressed): compare pictures.
        subprocess.run([pdftoppm, "-r", "300", "-scale-to-x", "1011", "-scale-to-y", "638", "-png", "-singlefile",
                        str(output), str(tmp_path / "printed")], check=True)
        printed = Image.open(tmp_path / "printed.png").convert("RGB")
        card = Image.open(io.BytesIO(document.png)).convert("RGB")
        histogram = ImageChops.difference(printed, card).convert("L").histogram()
        mean = sum(value * count for value, count in enumerate(histogram)) / (card.width * card.height)
        assert mean < 10, f"printed page differs from the card by {mean:.1f} on average"
        # The NIK line is dark text on the printed page where the card has it.
        nik = card.convert("L").crop((250, 120, 690, 165))
        assert sum(printed.convert("L").crop((250, 120, 690, 165)).histogram()[:80]) > 0.5 * sum(nik.histogram()[:80])
    finally:
        output.unlink()


def test_submitting_the_same_job_again_prints_nothing_new(cups, document):
    driver = IppDriver(cups.queue_uri)
    job = new_job()
    first = driver.submit(job, document)
    wait_for(driver, job)
    again = driver.submit(job, document)
    assert again.already_known and again.device_job_id == first.device_job_id
    assert again.state is JobState.PRINTED
    produced_pdf(cups.pdf_dir, first.device_job_id).unlink()


def test_the_cups_queue_reports_ready(cups):
    status = IppDriver(cups.queue_uri).printer_status()
    assert status.online and status.ready and status.conditions == frozenset()


def test_a_stopped_queue_is_reported_and_refuses_jobs(cups, document):
    queue = f"EKTP_STOPPED_{uuid.uuid4().hex[:6]}"
    subprocess.run(["lpadmin", "-p", queue, "-E", "-v", "cups-pdf:/", "-P",
                    "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"], check=True, capture_output=True)
    try:
        subprocess.run(["cupsdisable", queue], check=True)
        driver = IppDriver(cups.queue_uri.rsplit("/", 1)[0] + "/" + queue)
        status = driver.printer_status()
        assert Condition.STOPPED in status.conditions and not status.ready
        job = new_job()
        with pytest.raises(PrinterUnavailable):
            driver.submit(job, document)
        assert driver.job_status(job).state is JobState.UNKNOWN
    finally:
        subprocess.run(["lpadmin", "-x", queue], check=True)


def test_an_unknown_job_is_unknown(cups):
    assert IppDriver(cups.queue_uri).job_status(new_job()).state is JobState.UNKNOWN


def test_an_ipp_printer_that_does_not_answer_is_offline(document):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    driver = driver_for(f"ipp://127.0.0.1:{port}/printers/NONE", timeout=2)
    status = driver.printer_status()
    assert not status.online and Condition.OFFLINE in status.conditions
    with pytest.raises(PrinterUnavailable) as refused:
        driver.submit(new_job(), document)
    assert Condition.OFFLINE in refused.value.conditions


def test_an_ipp_printer_cannot_personalise_a_chip(cups, document):
    with pytest.raises(ValueError, match="chip"):
        IppDriver(cups.queue_uri).submit(new_job(), PrintDocument(png=document.png, pdf=document.pdf, chip=b"x"))


def test_printer_state_reasons_become_conditions():
    from printing.drivers.ipp import conditions_of

    printer = {"printer-state": 3, "printer-is-accepting-jobs": True,
               "printer-state-reasons": ["media-empty-error", "cover-open", "marker-supply-low-warning",
                                         "media-jam-error", "output-area-full-report", "toner-empty", "none"]}
    assert conditions_of(printer) == {Condition.FEEDER_EMPTY, Condition.COVER_OPEN, Condition.RIBBON_LOW,
                                      Condition.JAM, Condition.HOPPER_FULL, Condition.RIBBON_OUT}
    assert conditions_of({"printer-state": 5, "printer-state-reasons": "paused"}) == {Condition.STOPPED}
    assert conditions_of({"printer-state": 3, "printer-is-accepting-jobs": False}) == {Condition.STOPPED}
    assert conditions_of({"printer-state": 4, "printer-state-reasons": "none"}) == frozenset()


def test_every_request_names_its_language_in_the_lowercase_form_cups_accepts(document):
    """CUPS 2.4 refuses `en-US` (RFC 8011 natural languages are lowercase): capture what the driver puts on
    the wire for each operation it uses, whatever the server would answer."""
    bodies: list[bytes] = []

    class Capture(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(500)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Capture)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        driver = IppDriver(f"ipp://127.0.0.1:{server.server_port}/printers/CARD", timeout=5)
        driver.printer_status()
        with pytest.raises(PrinterError):
            driver.job_status(new_job())
    finally:
        server.shutdown()
    assert len(bodies) == 2
    for body in bodies:
        language = body.index(b"attributes-natural-language")
        # name, then a two-byte length and the value (RFC 8010 §3.1.4)
        length = int.from_bytes(body[language + 27:language + 29], "big")
        assert body[language + 29:language + 29 + length] == b"en"
        assert b"en-US" not in body and b"attributes-charset\x00\x05utf-8" in body
