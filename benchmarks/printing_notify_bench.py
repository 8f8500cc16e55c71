"""Printing and notify throughput (a benchmark, not a test): prints what it measured.

    python benchmarks/printing_notify_bench.py [--cards 40] [--messages 200]

- cards rendered per second: the card front (PNG at 300 dpi and the PDF) from verified data and a portrait;
- cards printed per second: the print queue end to end (stock, serial, render, chip record) on the
  card-printer emulator with no print delay, so the software path is what is measured;
- notifications per second through the SMTP path (aiosmtpd, STARTTLS) and the SMPP path (the smpp34 SMSC
  simulator): events in through the dispatcher, claimed, rendered, sent, recorded; and, for comparison,
  the bare provider sending the same messages.

Everything runs in this process on the embedded profile (SQLite, objects in a folder); nothing is read
from outside the repository.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path

from ektp_peers.smsc import SmscSimulator
from ektp_peers.smtp import SmtpSink
from machine import banner

from ektp_shared.bus.dispatcher import Dispatcher
from ektp_shared.contracts import CloudEvent
from ektp_shared.contracts.biometrics import BIOMETRICS_ENROLLED
from ektp_shared.contracts.intake import APPLICATION_SUBMITTED
from ektp_shared.contracts.printing import CARD_READY_FOR_PICKUP
from ektp_shared.contracts.verification import APPLICATION_VERIFIED
from ektp_shared.db import utcnow
from ektp_shared.service import Runtime
from ektp_shared.settings import DEVELOPMENT
from ektp_shared.testing.harness import signed

ROOT = Path(__file__).resolve().parents[1]
PORTRAIT = (ROOT / "services/printing/tests/fixtures/portrait.png").read_bytes()
OFFICE = {"code": "DISDUKCAPIL-3273", "name": "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL KOTA BANDUNG",
          "address": "Jl. Ambon No. 1B, Bandung", "timezone": "Asia/Jakarta"}
HOLDER = {"nik": "3273015507900003", "kk_number": "3273010101200001", "full_name": "Siti Nurhaliza Putri",
          "birth_place": "Bandung", "birth_date": "1990-07-15", "gender": "PEREMPUAN", "blood_type": "O",
          "religion": "ISLAM", "marital_status": "KAWIN", "occupation": "KARYAWAN SWASTA", "citizenship": "WNI",
          "address": {"street": "Jl. Merdeka No. 17", "rt": "003", "rw": "012", "village_code": "32.73.01.1001"}}


def runtime(spec, folder: Path, **overrides) -> Runtime:
    settings = spec.load_settings({**DEVELOPMENT, "EKTP_DATA_DIR": str(folder), "EKTP_BUS_NAMESPACE": f"bench{uuid.uuid4().hex[:6]}"},
                                  **overrides)
    built = Runtime.build(spec, settings)
    built.migrate()
    return built


def deliver(dispatcher: Dispatcher, contract, application_id: str, data: dict) -> None:
    event = CloudEvent.new(source="/bench", type=contract.type, correlationid=application_id,
                           data={"application_id": application_id, **data})
    outcome = dispatcher.dispatch(json.dumps(event.to_dict()).encode(), signed(event.to_dict())).outcome.value
    if outcome != "handled":
        raise RuntimeError(f"{contract.key} was {outcome}")


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:8.1f}/s  ({count} in {seconds:.2f} s)"


def render_cards(count: int) -> str:
    from printing.card_front import Issue, render
    from printing.rules.card_fields import card_fields

    fields = card_fields(HOLDER)
    render(fields, PORTRAIT, Issue("BANDUNG", dt.date(2026, 11, 20)), HOLDER["full_name"])  # fonts loaded
    started = time.perf_counter()
    for _ in range(count):
        render(fields, PORTRAIT, Issue("BANDUNG", dt.date(2026, 11, 20)), HOLDER["full_name"])
    return rate(count, time.perf_counter() - started)


def print_cards(count: int, folder: Path) -> str:
    from ektp_peers.card_printer import CardPrinterEmulator

    from printing import blank_cards, tasks
    from printing.service import SERVICE

    printer = CardPrinterEmulator(feeder=count + 10, ribbon=count + 10, hopper_capacity=count + 10).start()
    try:
        host, port = printer.address
        service = runtime(SERVICE, folder, printer_uri=f"cardprinter://{host}:{port}",
                          development_stock=0, print_batch=20)
        tasks.tasks(service)
        with service.uow() as uow:
            blank_cards.receive(uow, OFFICE["code"], "bench", "3273-000001", count + 10, "bench", utcnow())
            uow.commit()
        dispatcher = Dispatcher.of(service)
        for n in range(count):
            application_id = str(uuid.uuid4())
            deliver(dispatcher, APPLICATION_VERIFIED, application_id, {
                "receipt_number": f"KTP-{n:06d}", "kind": "new", "verified_at": "2026-11-20T03:00:00+00:00",
                "card_holder": HOLDER, "office": OFFICE})
            service.context.portraits.keep(application_id, PORTRAIT)
            deliver(dispatcher, BIOMETRICS_ENROLLED, application_id, {
                "reference_id": str(uuid.uuid4()), "enrolled_at": "2026-11-21T03:00:00+00:00", "fingers_enrolled": 2,
                "fingerprint_digests": [hashlib.sha256(f"{n}-{i}".encode()).hexdigest() for i in (1, 2)]})
        started = time.perf_counter()
        while printer.state.hopper < count:
            tasks.run_print_queue(service)
        seconds = time.perf_counter() - started
        service.dispose()
        return rate(count, seconds)
    finally:
        printer.stop()


def notify_path(channel: str, count: int, folder: Path) -> tuple[str, str]:
    from notify import tasks
    from notify.providers import Email, SmppConfig, SmppSmsProvider, Sms, SmtpConfig, SmtpEmailProvider
    from notify.service import SERVICE

    peer = SmtpSink(tls="starttls") if channel == "email" else SmscSimulator()
    peer.start()
    try:
        if channel == "email":
            settings = {"email_providers": "smtp", "smtp_host": peer.host, "smtp_port": peer.port,
                        "smtp_security": "starttls", "smtp_ca_file": peer.ca_file, "sms_providers": "folder"}
            contact = {"email": "warga@example.org", "phone": None}
        else:
            settings = {"email_providers": "folder", "sms_providers": "smpp", "smpp_host": peer.host,
                        "smpp_port": peer.port, "smpp_system_id": "bench", "smpp_password": "bench"}
            contact = {"email": None, "phone": "081234567890"}
        service = runtime(SERVICE, folder, send_batch=50, rate_limit_per_recipient=count + 10, **settings)
        dispatcher = Dispatcher.of(service)
        applications = [str(uuid.uuid4()) for _ in range(count // 2)]
        for n, application_id in enumerate(applications):
            deliver(dispatcher, APPLICATION_SUBMITTED, application_id, {
                "receipt_number": f"KTP-3273-261120-{n:06d}-7", "kind": "new",
                "submitted_at": "2026-11-20T02:00:00+00:00", "applicant": HOLDER, "contact": contact,
                "documents": [], "language": "id"})
            deliver(dispatcher, CARD_READY_FOR_PICKUP, application_id, {"pickup_from": "2026-11-30", "office": OFFICE})
        total = 2 * len(applications)
        started = time.perf_counter()
        while tasks.send_due(service):
            pass
        service_seconds = time.perf_counter() - started
        service.context.channels.close()
        service.dispose()

        if channel == "email":
            provider = SmtpEmailProvider(SmtpConfig(host=peer.host, sender="noreply@dukcapil.go.id", port=peer.port,
                                                    security="starttls", ca_file=peer.ca_file))
            make = lambda n: Email(f"raw-{n}", "warga@example.org", "e-KTP", "Permohonan e-KTP Anda diterima.")  # noqa: E731
        else:
            provider = SmppSmsProvider(SmppConfig(host=peer.host, port=peer.port, system_id="bench", password="bench"))
            make = lambda n: Sms(f"raw-{n}", "+6281234567890", "Dukcapil: e-KTP Anda siap diambil.")  # noqa: E731
        started = time.perf_counter()
        for n in range(total):
            provider.send(make(n))
        raw_seconds = time.perf_counter() - started
        provider.close()
        return rate(total, service_seconds), rate(total, raw_seconds)
    finally:
        peer.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=40)
    parser.add_argument("--messages", type=int, default=200, help="per channel (half receipts, half pickup notices)")
    args = parser.parse_args()
    print(banner("printing and notify throughput (embedded profile: SQLite, in-process peers)"), flush=True)
    with tempfile.TemporaryDirectory(prefix="ektp-print-notify-bench-") as scratch:
        root = Path(scratch)
        print(f"cards rendered (PNG + PDF)        {render_cards(args.cards)}", flush=True)
        print(f"cards printed (queue → emulator)  {print_cards(args.cards, root / 'printing')}", flush=True)
        for channel, label in (("email", "SMTP"), ("sms", "SMPP")):
            service, raw = notify_path(channel, args.messages, root / f"notify-{channel}")
            print(f"notifications via {label}, service  {service}", flush=True)
            print(f"notifications via {label}, provider {raw}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
