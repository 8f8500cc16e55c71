"""Delivery receipts as SMSCs write them become a delivered or failed status with a reason."""
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notify.providers import DELIVERED, FAILED, PENDING, InvalidReceipt, parse_receipt

STANDARD = b"id:0000000042 sub:001 dlvrd:001 submit date:2601050930 done date:2601050931 stat:DELIVRD err:000 text:Dukcapil: e-KTP"


def test_the_appendix_b_format():
    receipt = parse_receipt(STANDARD)
    assert (receipt.message_id, receipt.state, receipt.error, receipt.outcome) == ("0000000042", "DELIVRD", "000", DELIVERED)
    assert receipt.submitted_at == datetime(2026, 1, 5, 9, 30)
    assert receipt.done_at == datetime(2026, 1, 5, 9, 31)


def test_variants_in_case_seconds_and_missing_fields():
    receipt = parse_receipt("ID:a1b2 SUB:001 DLVRD:000 SUBMIT DATE:260105093005 DONE DATE:260105093107 STAT:UNDELIV ERR:034 Text:")
    assert (receipt.message_id, receipt.outcome, receipt.reason) == ("a1b2", FAILED, "UNDELIV err:034")
    assert receipt.done_at == datetime(2026, 1, 5, 9, 31, 7)
    assert parse_receipt("id:7 stat:EXPIRED").reason == "EXPIRED"


def test_the_optional_parameters_win_over_the_text():
    receipt = parse_receipt(STANDARD, receipted_message_id=b"0000000043\x00", message_state=5)
    assert (receipt.message_id, receipt.state, receipt.outcome) == ("0000000043", "UNDELIV", FAILED)


@pytest.mark.parametrize(("stat", "outcome"), [("DELIVRD", DELIVERED), ("ACCEPTD", PENDING), ("ENROUTE", PENDING), ("REJECTD", FAILED), ("EXPIRED", FAILED), ("DELETED", FAILED), ("UNKNOWN", FAILED)])
def test_states(stat, outcome):
    assert parse_receipt(f"id:1 stat:{stat} err:000").outcome == outcome


def test_an_id_inside_the_message_text_does_not_confuse_it():
    receipt = parse_receipt(b"id:99 sub:001 dlvrd:001 stat:DELIVRD err:000 text:id:12 stat:UNDELIV")
    assert (receipt.message_id, receipt.state) == ("99", "DELIVRD")


def test_a_receipt_without_id_or_state_is_invalid():
    with pytest.raises(InvalidReceipt):
        parse_receipt(b"sub:001 dlvrd:001 stat:DELIVRD")
    with pytest.raises(InvalidReceipt):
        parse_receipt(b"id:5 sub:001")


message_ids = st.text(alphabet="0123456789abcdefABCDEF-", min_size=1, max_size=20)


@given(message_id=message_ids, stat=st.sampled_from(["DELIVRD", "UNDELIV", "EXPIRED", "ACCEPTD"]), error=st.from_regex(r"\A[0-9]{3}\Z"), text=st.text(max_size=20))
def test_any_well_formed_receipt_gives_back_its_id_and_state(message_id, stat, error, text):
    raw = f"id:{message_id} sub:001 dlvrd:001 submit date:2601050930 done date:2601050931 stat:{stat} err:{error} text:{text}"
    receipt = parse_receipt(raw)
    assert (receipt.message_id, receipt.state, receipt.error) == (message_id, stat, error)
