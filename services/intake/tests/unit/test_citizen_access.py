"""Who may reach an application (rules/citizen_access.py), with plain values."""
from __future__ import annotations

import datetime as dt

from intake.rules import citizen_access
from intake.rules.citizen_access import Citizen


def key(channel: str, address: str) -> str:
    return f"{channel}:{address}"


CONTACT = {"phone": "0812-3456-7890", "email": "Warga@Example.org"}
T0 = dt.datetime(2026, 12, 2, 8, tzinfo=dt.timezone.utc)


def test_an_application_is_its_citizens_by_nik_and_a_proven_address_written_any_way():
    keys = citizen_access.contact_keys(CONTACT, key)
    assert keys == {"sms:+6281234567890", "email:warga@example.org"}
    assert citizen_access.owns(Citizen("nik-a", frozenset({"sms:+6281234567890"})), "nik-a", keys)
    assert not citizen_access.owns(Citizen("nik-b", frozenset({"sms:+6281234567890"})), "nik-a", keys), "another NIK"
    assert not citizen_access.owns(Citizen("nik-a", frozenset({"sms:+6281300000000"})), "nik-a", keys), "another phone"


def test_every_address_a_draft_gives_must_have_been_proven():
    phone_only = Citizen("nik-a", frozenset({"sms:+6281234567890"}))
    assert citizen_access.unproven_addresses(phone_only, CONTACT, key) == ["email"]
    assert citizen_access.unproven_addresses(phone_only, {"phone": "+62 812 3456 7890"}, key) == []


def test_codes_are_six_random_digits_kept_only_as_a_keyed_hash():
    codes = {citizen_access.new_code() for _ in range(200)}
    assert all(len(c) == 6 and c.isdigit() for c in codes) and len(codes) > 150
    stored = citizen_access.code_hash(b"secret", "request-1", "123456")
    assert citizen_access.code_matches(b"secret", "request-1", "123456", stored)
    assert not citizen_access.code_matches(b"secret", "request-2", "123456", stored), "bound to its request"
    assert not citizen_access.code_matches(b"other", "request-1", "123456", stored)


def test_another_code_waits_for_the_resend_delay():
    assert citizen_access.may_send_again(None, T0, 60) is None
    assert citizen_access.may_send_again(T0, T0 + dt.timedelta(seconds=30), 60) == T0 + dt.timedelta(seconds=60)
    assert citizen_access.may_send_again(T0, T0 + dt.timedelta(seconds=60), 60) is None


def test_a_sign_in_renews_for_the_idle_time_but_never_past_its_end():
    ends = T0 + dt.timedelta(hours=12)
    assert citizen_access.session_expiry(T0, ends, 900) == T0 + dt.timedelta(minutes=15)
    assert citizen_access.session_expiry(ends - dt.timedelta(minutes=5), ends, 900) == ends
