"""The record personalised onto the chip."""

from __future__ import annotations

import hashlib
import json

import pytest

from printing.card_front.chip import chip_record, record_digest

LEFT = hashlib.sha256(b"left index template").hexdigest()
RIGHT = hashlib.sha256(b"right index template").hexdigest()


def test_record_holds_the_printed_fields_and_both_fingerprint_digests(wni_card):
    record = json.loads(chip_record(wni_card(), [RIGHT, LEFT]))
    assert record["format"] == "ektp-chip/1"
    assert record["fields"]["nik"] == "3273015507900003"
    assert record["fields"]["nama"] == "SITI NURHALIZA PUTRI"
    assert record["fingerprints"] == [RIGHT, LEFT]


def test_the_same_card_always_gives_the_same_bytes_so_read_back_can_be_compared(wni_card):
    assert chip_record(wni_card(), [RIGHT, LEFT]) == chip_record(wni_card(), [RIGHT.upper(), LEFT])
    assert chip_record(wni_card(), [RIGHT, LEFT]) != chip_record(wni_card(), [LEFT, RIGHT])
    assert record_digest(chip_record(wni_card(), [RIGHT, LEFT])) != record_digest(
        chip_record(wni_card(nama="Siti Nurhaliza"), [RIGHT, LEFT]))


@pytest.mark.parametrize("digests", [[RIGHT], [RIGHT, LEFT, LEFT], [RIGHT, "not-a-digest"], [RIGHT, LEFT[:-1]]])
def test_anything_but_two_sha256_digests_is_refused(wni_card, digests):
    with pytest.raises(ValueError, match="fingerprint_digests"):
        chip_record(wni_card(), digests)
