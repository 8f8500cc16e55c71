"""What a consumer decides about messages it must not trust: too big, too deep, not UTF-8, not JSON, not
signed by the producer its contract names. Each is decided (parked with its reason), none raises."""
import json
import uuid

import pytest

from ektp_shared.bus.dispatcher import Dispatcher, Limits, Outcome, Prepared
from ektp_shared.bus.signatures import SIGNATURE_HEADER, EventSignatures, SignatureError, new_key, parse_public_keys
from ektp_shared.contracts import CloudEvent
from ektp_shared.contracts.verification import APPLICATION_VERIFIED
from ektp_shared.handlers import Handlers

HANDLERS = Handlers()
HANDLERS.on(APPLICATION_VERIFIED)(lambda event, uow, context: None)


class _Settings:
    service = "printing"
    event_signing_key = ""
    event_public_keys = ""


def dispatcher(limits: Limits = Limits(max_bytes=64 * 1024, max_depth=32)) -> Dispatcher:
    return Dispatcher("printing", HANDLERS, lambda: None, lambda: None, EventSignatures.from_settings(_Settings()), limits)


def verified() -> dict:
    application_id = str(uuid.uuid4())
    data = {"application_id": application_id, "receipt_number": "KTP-3201-261127-AAAAAA-0", "kind": "new",
            "verified_at": "2026-11-27T10:00:00+00:00",
            "office": {"code": "DISDUKCAPIL-3201", "name": "DISDUKCAPIL BOGOR", "address": "Cibinong"},
            "card_holder": {"nik": "3201011705000001", "kk_number": "3201010101200001", "full_name": "Uji Coba",
                            "birth_place": "Bogor", "birth_date": "2000-05-17", "gender": "LAKI-LAKI",
                            "address": {"street": "Jl. Uji 1", "rt": "001", "rw": "001", "village_code": "32.01.01.1002"}}}
    return CloudEvent.new(source="/ektp/verification", type=APPLICATION_VERIFIED.type, correlationid=application_id,
                          subject=application_id, data=data).to_dict()


def decide(body: bytes, headers: dict | None = None):
    return dispatcher().prepare(body, headers)


@pytest.mark.parametrize("body, reason", [
    (b"[" * 30_000 + b"]" * 30_000, "nested more than 32 deep"),        # RecursionError in the JSON decoder
    (b'{"a": ' + b"[" * 40 + b"1" + b"]" * 40 + b"}", "nested more than 32 deep"),  # deep, within the decoder's reach
    (b"{" + b" " * (70 * 1024) + b"}", "over the limit of 65536"),
    (b'{"id": "\xff\xfe not utf-8"}', "not JSON"),
    (b"\x00\x01\x02", "not JSON"),
    (b"[1, 2, 3]", "not a JSON object"),
])
def test_a_poisonous_message_is_decided_invalid_with_its_reason_never_raised(body, reason):
    decision = decide(body)
    assert decision.outcome is Outcome.INVALID
    assert reason in decision.reason


def test_binary_mode_headers_that_are_not_text_do_not_escape_either():
    decision = decide(b"{}", {"cloudEvents:id": object(), "cloudEvents:type": 7})
    assert decision.outcome is Outcome.INVALID


def test_an_event_signed_by_its_contracts_producer_is_accepted():
    event = verified()
    signature = EventSignatures.development("verification").sign(event)
    prepared = decide(json.dumps(event).encode(), {SIGNATURE_HEADER: signature})
    assert isinstance(prepared, Prepared)
    # The signature covers the canonical JSON: another key order or spacing is the same event.
    reordered = json.dumps(dict(reversed(list(event.items()))), indent=2).encode()
    assert isinstance(decide(reordered, {SIGNATURE_HEADER: signature}), Prepared)


@pytest.mark.parametrize("signer", ["intake", "printing", None])
def test_an_event_not_signed_by_its_contracts_producer_is_unauthenticated(signer):
    event = verified()
    headers = {SIGNATURE_HEADER: EventSignatures.development(signer).sign(event)} if signer else {}
    decision = decide(json.dumps(event).encode(), headers)
    assert decision.outcome is Outcome.UNAUTHENTICATED
    assert decision.reason.startswith("unauthenticated")


def test_a_signed_event_changed_afterwards_is_unauthenticated():
    event = verified()
    signature = EventSignatures.development("verification").sign(event)
    event["data"]["card_holder"]["full_name"] = "Orang Lain"
    assert decide(json.dumps(event).encode(), {SIGNATURE_HEADER: signature}).outcome is Outcome.UNAUTHENTICATED


def test_configured_keys_replace_the_development_ones():
    private, public = new_key()
    keys = parse_public_keys(f"verification:{public}")

    class Configured(_Settings):
        event_signing_key = private
        event_public_keys = f"verification:{public}"

    own = EventSignatures.from_settings(Configured())
    assert set(keys) == {"verification"}
    event = verified()
    own.verify("verification", event, own.sign(event))
    with pytest.raises(SignatureError):
        own.verify("verification", event, EventSignatures.development("verification").sign(event))
    with pytest.raises(SignatureError, match="no public key"):
        own.verify("intake", event, own.sign(event))


def test_the_parking_lot_lists_a_poisonous_message_without_reading_into_it():
    from ektp_shared.bus.broker import Broker

    class Parked:
        headers = {"x-ektp-parked-reason": "invalid"}
        properties = {"message_id": "m1"}

        def __init__(self, body: bytes):
            self.body = body

    for body in (b"[" * 100_000 + b"]" * 100_000, b"\xff\xfe", b"[1]", b"x" * (2 * 1024 * 1024)):
        described = Broker._describe(Parked(body))
        assert (described.message_id, described.reason, described.event_type) == ("m1", "invalid", None)
