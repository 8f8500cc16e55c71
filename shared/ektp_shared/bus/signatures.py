"""Event signatures: each producer signs its events with its own Ed25519 key; a consumer checks the
signature against the public key of the producer the event's contract names.

The signature covers the envelope as JSON canonicalised by RFC 8785 (JCS), so it survives any
re-encoding of the body and both CloudEvents content modes (structured: the body's JSON object; binary:
the envelope rebuilt from the ``cloudEvents:*`` headers and the data). It travels base64-encoded in the
AMQP header ``x-ektp-signature``. A broker user that may publish a routing key still cannot make another
service's event: without that service's private key the consumer parks it as unauthenticated.

Keys are settings: ``EKTP_EVENT_SIGNING_KEY`` (the service's own private key, base64 of the 32-byte seed)
and ``EKTP_EVENT_PUBLIC_KEYS`` (``producer:base64(32-byte public key)``, comma separated). Left empty they
are development keys derived from the service's name, which production refuses.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

SIGNATURE_HEADER = "x-ektp-signature"
PRODUCERS = ("intake", "verification", "biometrics", "printing", "notify")


class SignatureError(ValueError):
    """The event is not signed by the producer its contract names."""


def canonical(envelope: Mapping[str, Any]) -> bytes:
    return rfc8785.dumps(envelope)


def development_seed(service: str) -> bytes:
    """A public, well-known key for development and tests only (production refuses it)."""
    return hashlib.sha256(f"ektp-development-event-key:{service}".encode()).digest()


def public_key_text(seed: bytes) -> str:
    raw = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def new_key() -> tuple[str, str]:
    """A fresh key pair as settings text: (private seed, public key), both base64."""
    private = Ed25519PrivateKey.generate()
    seed = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return base64.b64encode(seed).decode(), public_key_text(seed)


def _decode(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"{what} is not base64") from exc
    if len(raw) != 32:
        raise ValueError(f"{what} must be 32 bytes (base64)")
    return raw


def parse_public_keys(spec: str) -> dict[str, bytes]:
    keys: dict[str, bytes] = {}
    for item in (part.strip() for part in spec.split(",")):
        if item:
            producer, _, encoded = item.partition(":")
            keys[producer.strip()] = _decode(encoded.strip(), f"the public key of {producer!r}")
    return keys


class EventSignatures:
    """Signs the events of one service and verifies those it receives."""

    def __init__(self, service: str, signing_seed: bytes, public_keys: Mapping[str, bytes]):
        self.service = service
        self._private = Ed25519PrivateKey.from_private_bytes(signing_seed)
        self._public = {producer: Ed25519PublicKey.from_public_bytes(raw) for producer, raw in public_keys.items()}

    @classmethod
    def from_settings(cls, settings: Any) -> "EventSignatures":
        seed = (_decode(settings.event_signing_key, "EKTP_EVENT_SIGNING_KEY") if settings.event_signing_key
                else development_seed(settings.service))
        if settings.event_public_keys:
            public = parse_public_keys(settings.event_public_keys)
        else:
            public = {producer: base64.b64decode(public_key_text(development_seed(producer))) for producer in PRODUCERS}
        return cls(settings.service, seed, public)

    @classmethod
    def development(cls, producer: str) -> "EventSignatures":
        """The development signer of ``producer`` (tests, and other teams' examples against make up)."""
        return cls(producer, development_seed(producer), {})

    def sign(self, envelope: Mapping[str, Any]) -> str:
        return base64.b64encode(self._private.sign(canonical(envelope))).decode()

    def verify(self, producer: str, envelope: Mapping[str, Any], signature: Any) -> None:
        """Raise ``SignatureError`` unless ``signature`` is ``producer``'s over ``envelope``."""
        if signature is None:
            raise SignatureError(f"not signed (no {SIGNATURE_HEADER} header)")
        key = self._public.get(producer)
        if key is None:
            raise SignatureError(f"no public key configured for the producer {producer!r}")
        try:
            raw = base64.b64decode(signature.decode() if isinstance(signature, bytes) else str(signature), validate=True)
            key.verify(raw, canonical(envelope))
        except (InvalidSignature, binascii.Error, ValueError, rfc8785.CanonicalizationError) as exc:
            raise SignatureError(f"the signature is not {producer}'s") from exc
