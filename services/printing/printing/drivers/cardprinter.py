"""Card-printer driver: a CPL/1 client (see cpl.py) for a printer with a chip encoder.

One job is one card: JOB BEGIN feeds a blank card, the chip is written, read back and compared,
the front is printed, and JOB END drops the card in the output hopper. A failure after the feed
rejects the card (it is spoiled and its serial must be voided); a failure before it consumes nothing.
The printer remembers job ids, so a job id that already had its card is never printed again.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO
from urllib.parse import urlsplit

from ..card_front.chip import record_digest
from .base import (
    ChipCheck,
    Condition,
    JobState,
    JobStatus,
    PrintDocument,
    PrinterError,
    PrinterStatus,
    PrinterUnavailable,
    ProtocolError,
    Submission,
    check_job_id,
)
from .cpl import PROTOCOL, CplError, ErrorCode, Reply, encode_line, parse_reply, read_line, read_payload

DEFAULT_PORT = 9100
# Printer conditions named in STATUS errors/warnings and in ERR codes before a card is fed.
_CONDITIONS = {
    "feeder_empty": Condition.FEEDER_EMPTY,
    "hopper_full": Condition.HOPPER_FULL,
    "cover_open": Condition.COVER_OPEN,
    "jam": Condition.JAM,
    "ribbon_out": Condition.RIBBON_OUT,
    "ribbon_low": Condition.RIBBON_LOW,
    "busy": Condition.BUSY,
}
_JOB_STATES = {
    "unknown": JobState.UNKNOWN,
    "loaded": JobState.PRINTING,
    "printing": JobState.PRINTING,
    "printed": JobState.PRINTING,  # printed but not yet out in the hopper
    "done": JobState.PRINTED,
    "rejected": JobState.SPOILED,
}


class CardPrinterDriver:
    encodes_chip = True

    def __init__(self, uri: str, *, timeout: float = 10.0) -> None:
        """`uri`: cardprinter://host:port."""
        parts = urlsplit(uri)
        if parts.scheme != "cardprinter" or not parts.hostname:
            raise ValueError("uri: expected cardprinter://host:port")
        self.uri = uri
        self._address = (parts.hostname, parts.port or DEFAULT_PORT)
        self._timeout = timeout

    def submit(self, job_id: str, document: PrintDocument) -> Submission:
        check_job_id(job_id)
        with self._session() as session:
            begun = session.call("JOB", "BEGIN", job_id)
            if begun.code == ErrorCode.JOB_DONE:
                state = _JOB_STATES.get(begun.fields.get("state", ""), JobState.UNKNOWN)
                return Submission(job_id, state, job_id, begun.fields.get("reason"), already_known=True)
            if not begun.ok:
                raise PrinterUnavailable(_conditions_of(begun), f"JOB BEGIN refused: {begun.code}")

            chip = None
            if document.chip is not None:
                chip = self._personalise(session, document.chip)
                if not chip.ok:
                    return self._reject(session, job_id, chip.error or "chip_mismatch", chip)

            printed = session.call("PRINT", str(len(document.png)), payload=document.png)
            if not printed.ok:
                if printed.code == ErrorCode.JAM:
                    # The card is stuck in the printer: the printer has already written it off.
                    return Submission(job_id, JobState.SPOILED, job_id, "jam", chip)
                return self._reject(session, job_id, (printed.code or "print").lower(), chip)

            ended = session.call("JOB", "END")
            if not ended.ok:
                return self._reject(session, job_id, (ended.code or "eject").lower(), chip)
            return Submission(job_id, JobState.PRINTED, job_id, None, chip)

    def job_status(self, job_id: str) -> JobStatus:
        check_job_id(job_id)
        with self._session() as session:
            reply = session.call("JOB", "STATUS", job_id)
        if not reply.ok:
            raise ProtocolError(f"JOB STATUS refused: {reply.code}")
        state = _JOB_STATES.get(reply.fields.get("state", ""), JobState.UNKNOWN)
        return JobStatus(job_id, state, job_id if state is not JobState.UNKNOWN else None, reply.fields.get("reason"))

    def printer_status(self) -> PrinterStatus:
        try:
            with self._session() as session:
                reply = session.call("STATUS")
        except PrinterError as exc:
            return PrinterStatus(online=False, conditions=frozenset({Condition.OFFLINE}), message=str(exc))
        if not reply.ok:
            return PrinterStatus(online=False, conditions=frozenset({Condition.OFFLINE}),
                                 message=f"STATUS refused: {reply.code}")
        return PrinterStatus(
            online=True,
            conditions=_conditions_of(reply),
            ribbon_remaining=_int(reply, "ribbon"),
            ribbon_capacity=_int(reply, "ribbon_capacity"),
            cards_in_feeder=_int(reply, "feeder"),
            feeder_capacity=_int(reply, "feeder_capacity"),
            cards_in_hopper=_int(reply, "hopper"),
            hopper_capacity=_int(reply, "hopper_capacity"),
            message=reply.fields.get("state", ""),
        )

    def _personalise(self, session: _Session, record: bytes) -> ChipCheck:
        written = record_digest(record)
        reply = session.call("CHIP", "WRITE", str(len(record)), payload=record)
        if not reply.ok:
            return ChipCheck(written, None, error="chip_encode")
        reply, data = session.call_for_data("CHIP", "READ")
        if not reply.ok:
            return ChipCheck(written, None, error="chip_encode")
        read = record_digest(data)
        return ChipCheck(written, read, error=None if read == written else "chip_mismatch")

    def _reject(self, session: _Session, job_id: str, reason: str, chip: ChipCheck | None) -> Submission:
        # Send the card to the reject bin so it cannot be mistaken for a good one.
        session.call("JOB", "ABORT", reason)
        return Submission(job_id, JobState.SPOILED, job_id, reason, chip)

    @contextmanager
    def _session(self) -> Iterator[_Session]:
        try:
            sock = socket.create_connection(self._address, timeout=self._timeout)
        except OSError as exc:
            raise PrinterUnavailable(frozenset({Condition.OFFLINE}), f"cannot connect: {exc.strerror or exc}") from exc
        try:
            with sock, sock.makefile("rb") as rfile, sock.makefile("wb") as wfile:
                session = _Session(rfile, wfile)
                hello = session.call("HELLO")
                if not hello.ok or hello.fields.get("protocol") != PROTOCOL:
                    raise ProtocolError(f"printer does not speak CPL/{PROTOCOL}")
                yield session
                session.call("QUIT")
        except (OSError, CplError) as exc:
            # A card in the printer when the session drops is rejected by the printer: ask job_status.
            raise PrinterError(f"card printer session lost: {exc}") from exc


class _Session:
    def __init__(self, rfile: BinaryIO, wfile: BinaryIO) -> None:
        self._rfile = rfile
        self._wfile = wfile

    def call(self, *tokens: str, payload: bytes | None = None) -> Reply:
        self._wfile.write(encode_line(*tokens) + (payload or b""))
        self._wfile.flush()
        return parse_reply(read_line(self._rfile))

    def call_for_data(self, *tokens: str) -> tuple[Reply, bytes]:
        reply = self.call(*tokens)
        if not reply.ok:
            return reply, b""
        return reply, read_payload(self._rfile, reply.number("len"))


def _conditions_of(reply: Reply) -> frozenset[Condition]:
    names = [reply.code.lower()] if reply.code else []
    for key in ("errors", "warnings"):
        names += [n for n in reply.fields.get(key, "").split(",") if n and n != "-"]
    return frozenset(_CONDITIONS[name] for name in names if name in _CONDITIONS)


def _int(reply: Reply, key: str) -> int | None:
    return int(reply.fields[key]) if key in reply.fields else None
