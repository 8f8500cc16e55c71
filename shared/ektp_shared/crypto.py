"""Encryption at rest (AES-256-GCM with key ids) and keyed lookup hashes.

A ciphertext carries the id of the key that made it, so keys can be rotated: the first configured key
encrypts, every configured key decrypts. Lookups by a personal value (a NIK) use an HMAC of it, never
the clear value.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"EK1"
NONCE_BYTES = 12


class DecryptionError(ValueError):
    """The ciphertext is damaged, or was made with a key that is not configured."""


def parse_keys(spec: str) -> dict[str, bytes]:
    """Parse ``kid:base64key,kid2:base64key`` into an ordered mapping; keys must be 32 bytes."""
    keys: dict[str, bytes] = {}
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        kid, _, encoded = item.partition(":")
        key = base64.b64decode(encoded)
        if not kid or len(kid) > 32 or len(key) != 32:
            raise ValueError("each data key must be `kid:base64(32 bytes)` with a key id of at most 32 characters")
        keys[kid] = key
    if not keys:
        raise ValueError("at least one data key is required")
    return keys


class Cipher:
    def __init__(self, keys: dict[str, bytes], lookup_key: bytes):
        self._keys = {kid: AESGCM(key) for kid, key in keys.items()}
        self.active_key_id = next(iter(keys))
        self._lookup_key = lookup_key

    @classmethod
    def from_settings(cls, settings: Any) -> "Cipher":
        return cls(parse_keys(settings.data_keys), settings.lookup_key.encode())

    def encrypt(self, plaintext: bytes, context: bytes = b"") -> bytes:
        """``context`` is authenticated but not stored: the same context must be given to decrypt."""
        kid = self.active_key_id.encode()
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._keys[self.active_key_id].encrypt(nonce, plaintext, context)
        return MAGIC + bytes([len(kid)]) + kid + nonce + sealed

    def decrypt(self, blob: bytes, context: bytes = b"") -> bytes:
        if not blob.startswith(MAGIC):
            raise DecryptionError("not an e-KTP ciphertext")
        kid_len = blob[len(MAGIC)]
        start = len(MAGIC) + 1
        kid = blob[start:start + kid_len].decode()
        nonce = blob[start + kid_len:start + kid_len + NONCE_BYTES]
        aead = self._keys.get(kid)
        if aead is None:
            raise DecryptionError(f"data key {kid!r} is not configured")
        try:
            return aead.decrypt(nonce, blob[start + kid_len + NONCE_BYTES:], context)
        except Exception as exc:  # cryptography raises InvalidTag without a message
            raise DecryptionError("ciphertext failed authentication") from exc

    def key_id_of(self, blob: bytes) -> str:
        return blob[len(MAGIC) + 1:len(MAGIC) + 1 + blob[len(MAGIC)]].decode()

    def lookup_hash(self, value: str) -> str:
        """Keyed hash for equality lookups of a personal value (same input, same hash; not reversible)."""
        return hmac.new(self._lookup_key, value.strip().encode(), hashlib.sha256).hexdigest()
