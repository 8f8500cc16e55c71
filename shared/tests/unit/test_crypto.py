import base64
import os

import pytest

from ektp_shared.crypto import Cipher, DecryptionError, parse_keys


def key(kid: str) -> str:
    return f"{kid}:{base64.b64encode(os.urandom(32)).decode()}"


def test_data_encrypted_under_an_old_key_still_reads_after_rotation():
    old = key("2025")
    before = Cipher(parse_keys(old), b"lookup")
    sealed = before.encrypt(b"3201015705000001")
    after = Cipher(parse_keys(f"{key('2026')},{old}"), b"lookup")
    assert after.decrypt(sealed) == b"3201015705000001"
    assert after.key_id_of(after.encrypt(b"x")) == "2026", "the first key encrypts"


def test_ciphertext_hides_the_value_and_detects_tampering():
    cipher = Cipher(parse_keys(key("k1")), b"lookup")
    sealed = cipher.encrypt(b"Siti Aminah", b"documents/1")
    assert b"Siti" not in sealed
    with pytest.raises(DecryptionError):
        cipher.decrypt(sealed[:-1] + bytes([sealed[-1] ^ 1]), b"documents/1")
    with pytest.raises(DecryptionError):
        cipher.decrypt(sealed, b"documents/2")  # an object copied under another key does not decrypt


def test_a_key_that_is_not_configured_is_named():
    sealed = Cipher(parse_keys(key("gone")), b"l").encrypt(b"x")
    with pytest.raises(DecryptionError, match="gone"):
        Cipher(parse_keys(key("k2")), b"l").decrypt(sealed)


def test_lookup_hashes_are_stable_and_keyed():
    a, b = Cipher(parse_keys(key("k")), b"one"), Cipher(parse_keys(key("k")), b"two")
    assert a.lookup_hash("3201015705000001") == a.lookup_hash(" 3201015705000001 ")
    assert a.lookup_hash("3201015705000001") != b.lookup_hash("3201015705000001")


@pytest.mark.parametrize("spec", ["", "nokey", "k:" + base64.b64encode(b"short").decode()])
def test_malformed_key_specs_are_refused(spec):
    with pytest.raises(ValueError):
        parse_keys(spec)
