"""CPL/1, the card-printer line protocol spoken by the `cardprinter` driver and the emulator.

Modelled on the ASCII command sets of desktop card printers: a session over TCP, one command
line at a time, each answered by one reply line; bulk data (the card image, the chip record)
follows its line as a counted block of raw bytes. docs/printing.md has the full command list.

    command  = VERB *(SP token) CRLF [payload]
    reply    = ("OK" / "ERR" SP CODE) *(SP key "=" value) CRLF [payload]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import BinaryIO

PROTOCOL = "1"
MAX_LINE = 1024
MAX_PAYLOAD = 16 * 1024 * 1024


class ErrorCode(StrEnum):
    FEEDER_EMPTY = "FEEDER_EMPTY"
    HOPPER_FULL = "HOPPER_FULL"
    COVER_OPEN = "COVER_OPEN"
    JAM = "JAM"
    RIBBON_OUT = "RIBBON_OUT"
    CHIP_ENCODE = "CHIP_ENCODE"  # the chip did not accept the write or could not be read
    NO_CARD = "NO_CARD"  # the command needs a card in the printer, and there is none for this session
    BUSY = "BUSY"  # another session has a card in the printer
    JOB_DONE = "JOB_DONE"  # this job id already had its card (done or rejected): one job, one card
    BAD_COMMAND = "BAD_COMMAND"
    BAD_DATA = "BAD_DATA"


class CplError(Exception):
    """The peer broke the framing (line too long, payload too large, connection closed)."""


@dataclass(frozen=True)
class Reply:
    ok: bool
    code: str | None = None
    fields: dict[str, str] = field(default_factory=dict)

    def encode(self) -> bytes:
        head = ["OK"] if self.ok else ["ERR", self.code or ErrorCode.BAD_COMMAND]
        return encode_line(*head, *(f"{key}={value}" for key, value in self.fields.items()))

    def number(self, key: str) -> int:
        return int(self.fields[key])


def encode_line(*tokens: str) -> bytes:
    for token in tokens:
        if not token or any(c.isspace() for c in token) or not token.isascii():
            raise ValueError(f"not a protocol token: {token!r}")
    line = " ".join(tokens).encode("ascii") + b"\r\n"
    if len(line) > MAX_LINE:
        raise ValueError("protocol line too long")
    return line


def read_line(stream: BinaryIO) -> list[str]:
    """The next line's tokens; CplError when the peer closed or sent an over-long line."""
    line = stream.readline(MAX_LINE + 1)
    if not line:
        raise CplError("connection closed")
    if not line.endswith(b"\n"):
        raise CplError("line too long")
    try:
        return line.decode("ascii").split()
    except UnicodeDecodeError as exc:
        raise CplError("line is not ASCII") from exc


def read_payload(stream: BinaryIO, length: int) -> bytes:
    if not 0 <= length <= MAX_PAYLOAD:
        raise CplError(f"payload length {length} out of range")
    data = stream.read(length)
    if len(data) != length:
        raise CplError("connection closed inside a payload")
    return data


def parse_reply(tokens: list[str]) -> Reply:
    if not tokens or tokens[0] not in ("OK", "ERR") or (tokens[0] == "ERR" and len(tokens) < 2):
        raise CplError(f"not a reply: {' '.join(tokens)[:80]!r}")
    ok = tokens[0] == "OK"
    rest = tokens[1:] if ok else tokens[2:]
    fields = dict(token.split("=", 1) for token in rest if "=" in token)
    return Reply(ok=ok, code=None if ok else tokens[1], fields=fields)
