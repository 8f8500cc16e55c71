"""Card-printer emulator: a small TCP server that speaks CPL/1 like a desktop card printer with a
contact chip encoder, for tests and the embedded profile.

    python -m ektp_peers.card_printer --port 9100 [--output-dir DIR]

It keeps a feeder of blank cards, a ribbon, an output hopper and a reject bin, and remembers every
job id it has seen. `SIM ...` commands, accepted on any session, put it into each failure a real
printer has (cover open, jam, feeder empty, hopper full, ribbon out, chip write failure or a chip
that reads back wrong). With --output-dir, each good card is written there as <job id>.png (the
printed front) and <job id>.chip (the chip record): the emulator's stand-in for the physical card.
"""

from __future__ import annotations

import argparse
import io
import socketserver
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from PIL import Image, UnidentifiedImageError

from printing.drivers.base import check_job_id
from printing.drivers.cpl import PROTOCOL, CplError, ErrorCode, Reply, read_line, read_payload

# ID-1 at 300 dpi is 1011 x 638 pixels; allow a pixel of rounding either way, in either orientation.
_CARD_PX = (1011, 638)
_REMEMBERED_JOBS = 100_000


@dataclass
class _Card:
    job_id: str
    session: int
    chip: bytes = b""
    image: bytes = b""


@dataclass
class _Job:
    state: str  # loaded -> printing -> printed -> done, or rejected
    reason: str = ""


class PrinterState:
    """The device: consumables, fault switches and job memory. Callers hold `lock`."""

    def __init__(self, *, ribbon: int = 200, feeder: int = 100, hopper_capacity: int = 100) -> None:
        self.lock = threading.Lock()
        self.ribbon_capacity = ribbon
        self.feeder_capacity = feeder
        self.hopper_capacity = hopper_capacity
        self.reset()

    def reset(self) -> None:
        self.ribbon = self.ribbon_capacity
        self.feeder = self.feeder_capacity
        self.hopper = 0
        self.cover_open = False
        self.jammed = False
        self.jam_next = False
        self.chip_mode = "ok"  # ok | fail | corrupt
        self.card: _Card | None = None
        self.printing = False
        self.printed_total = 0
        self.rejected_total = 0
        self.jobs: OrderedDict[str, _Job] = OrderedDict()

    def errors(self) -> list[str]:
        found = []
        if self.jammed:
            found.append("jam")
        if self.cover_open:
            found.append("cover_open")
        if self.ribbon <= 0:
            found.append("ribbon_out")
        if self.feeder <= 0:
            found.append("feeder_empty")
        if self.hopper >= self.hopper_capacity:
            found.append("hopper_full")
        return found

    def warnings(self) -> list[str]:
        return ["ribbon_low"] if 0 < self.ribbon <= max(1, self.ribbon_capacity // 10) else []

    def remember(self, job_id: str, state: str, reason: str = "") -> None:
        self.jobs[job_id] = _Job(state, reason)
        self.jobs.move_to_end(job_id)
        while len(self.jobs) > _REMEMBERED_JOBS:
            self.jobs.popitem(last=False)

    def reject_card(self, reason: str) -> None:
        if self.card is not None:
            self.remember(self.card.job_id, "rejected", reason)
            self.rejected_total += 1
            self.card = None


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class CardPrinterEmulator:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, output_dir: Path | None = None,
                 print_seconds: float = 0.0, ribbon: int = 200, feeder: int = 100,
                 hopper_capacity: int = 100) -> None:
        self.state = PrinterState(ribbon=ribbon, feeder=feeder, hopper_capacity=hopper_capacity)
        self.output_dir = output_dir
        self.print_seconds = print_seconds
        self._sessions = 0
        emulator = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                emulator._serve(self.rfile, self.wfile)

        self.server = _Server((host, port), Handler)

    @property
    def address(self) -> tuple[str, int]:
        host, port = self.server.server_address[:2]
        return str(host), int(port)

    def serve_forever(self) -> None:
        self.server.serve_forever(poll_interval=0.2)

    def start(self) -> CardPrinterEmulator:
        """Serve from a background thread (for use inside a test process)."""
        threading.Thread(target=self.serve_forever, name="card-printer-emulator", daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _serve(self, rfile, wfile) -> None:
        with self.state.lock:
            self._sessions += 1
            session = self._sessions
        try:
            while True:
                try:
                    tokens = read_line(rfile)
                except CplError:
                    return
                if not tokens:
                    continue
                if tokens[0].upper() == "QUIT":
                    wfile.write(Reply(True, fields={"bye": "1"}).encode())
                    return
                try:
                    reply, data = self._command(session, tokens, rfile)
                except CplError:
                    wfile.write(_err(ErrorCode.BAD_COMMAND, detail="framing").encode())
                    return
                wfile.write(reply.encode() + data)
                wfile.flush()
        except OSError:
            return
        finally:
            with self.state.lock:
                # A card left in the printer by a vanished session goes to the reject bin.
                if self.state.card is not None and self.state.card.session == session:
                    self.state.reject_card("session_lost")

    def _command(self, session: int, tokens: list[str], rfile) -> tuple[Reply, bytes]:
        verb, args = tokens[0].upper(), tokens[1:]
        # Payloads are read before the lock: a slow upload must not freeze the printer for others.
        payload = b""
        length = None
        if verb == "PRINT":
            length = args[0] if args else ""
        elif verb == "CHIP" and args[:1] and args[0].upper() == "WRITE":
            length = args[1] if len(args) > 1 else ""
        if length is not None:
            if not length.isdigit():
                # Without a length the payload cannot be skipped: the session cannot go on.
                raise CplError("payload without a length")
            payload = read_payload(rfile, int(length))
        if verb == "PRINT":
            return self._print(session, payload), b""
        with self.state.lock:
            handler = {
                "HELLO": lambda: _ok(protocol=PROTOCOL, model="EKTP-EMU-1", firmware="1.0", dpi="300"),
                "STATUS": lambda: self._status(),
                "JOB": lambda: self._job(session, args),
                "CHIP": lambda: self._chip(session, args, payload),
                "SIM": lambda: self._simulate(args),
            }.get(verb)
            if handler is None:
                return _err(ErrorCode.BAD_COMMAND, detail=verb[:32]), b""
            result = handler()
        return result if isinstance(result, tuple) else (result, b"")

    def _status(self) -> Reply:
        s = self.state
        errors = s.errors()
        state = errors[0] if errors else ("printing" if s.printing else "busy" if s.card else "ready")
        return _ok(state=state, errors=",".join(errors) or "-", warnings=",".join(s.warnings()) or "-",
                   ribbon=s.ribbon, ribbon_capacity=s.ribbon_capacity, feeder=s.feeder,
                   feeder_capacity=s.feeder_capacity, hopper=s.hopper, hopper_capacity=s.hopper_capacity,
                   printed=s.printed_total, rejected=s.rejected_total)

    def _job(self, session: int, args: list[str]) -> Reply:
        s = self.state
        sub = args[0].upper() if args else ""
        if sub in ("STATUS", "BEGIN") and len(args) == 2:
            try:
                check_job_id(args[1])
            except ValueError:
                return _err(ErrorCode.BAD_COMMAND, detail="job_id")
        if sub == "STATUS" and len(args) == 2:
            job = s.jobs.get(args[1])
            if job is None:
                return _ok(job=args[1], state="unknown")
            return _ok(job=args[1], state=job.state, **({"reason": job.reason} if job.reason else {}))
        if sub == "BEGIN" and len(args) == 2:
            job_id = args[1]
            known = s.jobs.get(job_id)
            if known is not None:
                return _err(ErrorCode.JOB_DONE, job=job_id, state=known.state,
                            **({"reason": known.reason} if known.reason else {}))
            if s.card is not None:
                return _err(ErrorCode.BUSY)
            errors = s.errors()
            if errors:
                return _err(ErrorCode(errors[0].upper()), errors=",".join(errors))
            s.feeder -= 1
            s.card = _Card(job_id, session)
            s.remember(job_id, "loaded")
            return _ok(job=job_id, state="loaded", feeder=s.feeder)
        card = s.card if s.card is not None and s.card.session == session else None
        if sub in ("END", "ABORT"):
            if card is None:
                return _err(ErrorCode.NO_CARD)
            if sub == "ABORT":
                s.reject_card(args[1][:32].lower() if len(args) > 1 else "aborted")
                return _ok(job=card.job_id, state="rejected")
            if s.hopper >= s.hopper_capacity:
                return _err(ErrorCode.HOPPER_FULL)
            s.hopper += 1
            s.card = None
            s.remember(card.job_id, "done")
            self._deliver(card)
            return _ok(job=card.job_id, state="done", hopper=s.hopper)
        return _err(ErrorCode.BAD_COMMAND, detail="JOB")

    def _chip(self, session: int, args: list[str], payload: bytes) -> Reply | tuple[Reply, bytes]:
        s = self.state
        card = s.card if s.card is not None and s.card.session == session else None
        if card is None:
            return _err(ErrorCode.NO_CARD)
        sub = args[0].upper() if args else ""
        if sub == "WRITE":
            if s.chip_mode == "fail":
                return _err(ErrorCode.CHIP_ENCODE, detail="write")
            card.chip = payload
            return _ok(written=len(payload))
        if sub == "READ":
            data = card.chip
            if s.chip_mode == "corrupt" and data:
                # One flipped bit: what a faulty chip or a bad contact returns.
                data = bytes([data[0] ^ 0x01]) + data[1:]
            return _ok(len=len(data)), data
        return _err(ErrorCode.BAD_COMMAND, detail="CHIP")

    def _print(self, session: int, image: bytes) -> Reply:
        s = self.state
        with s.lock:
            card = s.card if s.card is not None and s.card.session == session else None
            if card is None:
                return _err(ErrorCode.NO_CARD)
            refusal = self._refuse_print(image)
            if refusal is not None:
                return refusal
            s.printing = True
            s.remember(card.job_id, "printing")
        time.sleep(self.print_seconds)
        with s.lock:
            s.printing = False
            if s.jam_next or s.jammed:
                # The card is stuck inside: it is lost, and the printer stays jammed until cleared.
                s.jam_next = False
                s.jammed = True
                s.reject_card("jam")
                return _err(ErrorCode.JAM, errors="jam")
            if s.card is not card:
                return _err(ErrorCode.NO_CARD)
            s.ribbon -= 1
            s.printed_total += 1
            card.image = image
            s.remember(card.job_id, "printed")
            return _ok(printed=1, ribbon=s.ribbon)

    def _refuse_print(self, image: bytes) -> Reply | None:
        s = self.state
        if s.cover_open:
            return _err(ErrorCode.COVER_OPEN, errors="cover_open")
        if s.ribbon <= 0:
            return _err(ErrorCode.RIBBON_OUT, errors="ribbon_out")
        try:
            with Image.open(io.BytesIO(image)) as picture:
                size = picture.size
                picture.verify()
        except (UnidentifiedImageError, OSError, SyntaxError):
            return _err(ErrorCode.BAD_DATA, detail="image")
        if not any(abs(size[0] - w) <= 1 and abs(size[1] - h) <= 1 for w, h in (_CARD_PX, _CARD_PX[::-1])):
            return _err(ErrorCode.BAD_DATA, detail=f"size_{size[0]}x{size[1]}")
        return None

    def _simulate(self, args: list[str]) -> Reply:
        s = self.state
        match [a.upper() for a in args]:
            case ["COVER", "OPEN"]:
                s.cover_open = True
            case ["COVER", "CLOSED"]:
                s.cover_open = False
            case ["JAM", "NOW"]:
                s.jammed = True
                s.reject_card("jam")
            case ["JAM", "NEXT"]:
                s.jam_next = True
            case ["JAM", "CLEAR"]:
                s.jammed = False
                s.jam_next = False
            case ["CHIP", ("OK" | "FAIL" | "CORRUPT") as mode]:
                s.chip_mode = mode.lower()
            case ["FEEDER", count] if count.isdigit():
                s.feeder = min(int(count), s.feeder_capacity)
            case ["HOPPER", count] if count.isdigit():
                s.hopper = min(int(count), s.hopper_capacity)
            case ["RIBBON", count] if count.isdigit():
                s.ribbon = min(int(count), s.ribbon_capacity)
            case ["RESET"]:
                s.reset()
            case _:
                return _err(ErrorCode.BAD_COMMAND, detail="SIM")
        return self._status()

    def _deliver(self, card: _Card) -> None:
        if self.output_dir is None:
            return
        self.output_dir.mkdir(parents=True, exist_ok=True)
        (self.output_dir / f"{card.job_id}.png").write_bytes(card.image)
        if card.chip:
            (self.output_dir / f"{card.job_id}.chip").write_bytes(card.chip)


def _ok(**fields: object) -> Reply:
    return Reply(True, fields={k: str(v) for k, v in fields.items()})


def _err(code: ErrorCode, **fields: object) -> Reply:
    return Reply(False, code=code, fields={k: str(v) for k, v in fields.items()})


LOCAL_HOSTS = ("127.0.0.1", "localhost")


def start_local(printer_uris: str, output_dir: Path | None, **options: Any) -> list[CardPrinterEmulator]:
    """An emulator at each local ``cardprinter://`` address of printing's ``printer_uri`` setting (comma
    separated): the printers the embedded and local profiles print on."""
    started = []
    for uri in (part.strip() for part in printer_uris.split(",") if part.strip()):
        address = urlsplit(uri)
        if address.scheme == "cardprinter" and address.hostname in LOCAL_HOSTS:
            started.append(CardPrinterEmulator(address.hostname, address.port or 9100, output_dir=output_dir,
                                               **options).start())
    return started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m ektp_peers.card_printer", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100, help="0 picks a free port")
    parser.add_argument("--output-dir", type=Path, help="write each good card as <job>.png and <job>.chip")
    parser.add_argument("--print-seconds", type=float, default=0.0, help="time one card takes to print")
    parser.add_argument("--ribbon", type=int, default=200, help="prints per ribbon")
    parser.add_argument("--feeder", type=int, default=100, help="blank cards in the feeder")
    parser.add_argument("--hopper-capacity", type=int, default=100)
    args = parser.parse_args(argv)
    emulator = CardPrinterEmulator(args.host, args.port, output_dir=args.output_dir,
                                   print_seconds=args.print_seconds, ribbon=args.ribbon, feeder=args.feeder,
                                   hopper_capacity=args.hopper_capacity)
    host, port = emulator.address
    # The first line on stdout tells a launcher where to connect (useful with --port 0).
    print(f"card printer emulator listening on {host}:{port}", flush=True)
    try:
        emulator.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.server.server_close()


if __name__ == "__main__":
    main(sys.argv[1:])
