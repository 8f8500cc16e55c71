"""Idempotency-Key: a client that retries a request (a dropped connection, a double tap) gets the first
answer again instead of a second draft or a "409 already submitted".

The key is remembered in the same transaction as the effect, so a retry either finds the effect and its
key or finds neither. The same key with another request body is a client bug and is refused.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy import delete

from ektp_shared.refusal import Refused
from ektp_shared.uow import UnitOfWork

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_LENGTH = 200


def fingerprint(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def check_key(key: str | None) -> str | None:
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_LENGTH or not key.isprintable():
        raise Refused("idempotency_key_invalid", f"{HEADER} must be 1–{MAX_LENGTH} printable characters",
                      field=HEADER, location="headers")
    return key


def remembered(uow: UnitOfWork, scope: str, key: str | None, body_fingerprint: str) -> str | None:
    """The application the first request with this key produced, or None when the key is new."""
    if key is None:
        return None
    found = uow.session.get(IdempotencyKey, (scope, key))
    if found is None:
        return None
    if found.fingerprint != body_fingerprint:
        raise Refused("idempotency_key_reused", f"this {HEADER} was used for a different request",
                      field=HEADER, location="headers")
    return found.application_id


def seen(uow: UnitOfWork, scope: str, key: str | None) -> bool:
    """Whether a request with this key already took effect (its retry makes nothing new)."""
    return key is not None and len(key) <= MAX_LENGTH and uow.session.get(IdempotencyKey, (scope, key)) is not None


def remember(uow: UnitOfWork, scope: str, key: str | None, body_fingerprint: str, application_id: str,
             now: dt.datetime) -> None:
    if key is not None:
        uow.session.add(IdempotencyKey(scope=scope, key=key, fingerprint=body_fingerprint,
                                       application_id=application_id, created_at=now))


def forget_older_than(uow: UnitOfWork, cutoff: dt.datetime) -> int:
    return uow.session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff)).rowcount
