"""CPL/1 framing: what the driver and the emulator put on the wire."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from printing.drivers import driver_for
from printing.drivers.cpl import MAX_LINE, CplError, ErrorCode, Reply, encode_line, parse_reply, read_line, read_payload

_token = st.text(st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="="), min_size=1, max_size=20)


@given(ok=st.booleans(), code=st.sampled_from(list(ErrorCode)), fields=st.dictionaries(_token, _token, max_size=8))
def test_a_reply_reads_back_as_it_was_written(ok, code, fields):
    reply = Reply(ok, None if ok else code, fields)
    assert parse_reply(read_line(io.BytesIO(reply.encode()))) == reply


@pytest.mark.parametrize("token", ["two words", "line\r\nbreak", "", "ümlaut"])
def test_a_token_that_could_break_the_framing_is_refused(token):
    with pytest.raises(ValueError):
        encode_line("JOB", "BEGIN", token)


def test_an_over_long_line_or_a_short_payload_is_a_framing_error():
    with pytest.raises(CplError, match="too long"):
        read_line(io.BytesIO(b"A" * (MAX_LINE + 10) + b"\r\n"))
    with pytest.raises(CplError, match="closed"):
        read_line(io.BytesIO(b""))
    with pytest.raises(CplError, match="inside a payload"):
        read_payload(io.BytesIO(b"abc"), 10)


@pytest.mark.parametrize("line", [b"HELLO\r\n", b"ERR\r\n", b"\r\n"])
def test_anything_but_ok_or_err_with_a_code_is_not_a_reply(line):
    with pytest.raises(CplError):
        parse_reply(read_line(io.BytesIO(line)))


def test_printer_uris_pick_their_driver():
    assert type(driver_for("cardprinter://127.0.0.1:9100")).__name__ == "CardPrinterDriver"
    assert type(driver_for("ipp://127.0.0.1:631/printers/KTP")).__name__ == "IppDriver"
    with pytest.raises(ValueError, match="no printer driver"):
        driver_for("lpd://127.0.0.1/queue")
