"""Short-lived download links: an HMAC over the path and its expiry, checked by the service that serves
the object. Objects are encrypted in the bucket, so the owning service decrypts and serves them; the
link only proves that someone entitled asked for it recently. Each service that serves documents has its own
key, known only to it and to the services that link to its documents; a signer without a key signs nothing."""
from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import urlencode


class LinkKeyMissing(RuntimeError):
    """Signing was asked of a service that was given no key for the documents' service."""


class LinkSigner:
    def __init__(self, secret: str):
        self._secret = secret.encode()

    def _key(self) -> bytes:
        if not self._secret:
            raise LinkKeyMissing("no link key is configured for these documents")
        return self._secret

    def _signature(self, path: str, expires: int) -> str:
        return hmac.new(self._key(), f"{path}\n{expires}".encode(), hashlib.sha256).hexdigest()

    def sign(self, path: str, ttl_seconds: int = 300, now: float | None = None) -> str:
        expires = int((now or time.time()) + ttl_seconds)
        return f"{path}?{urlencode({'expires': expires, 'signature': self._signature(path, expires)})}"

    def verify(self, path: str, expires: str | None, signature: str | None, now: float | None = None) -> bool:
        if not self._secret or not expires or not signature or not expires.isdigit():
            return False
        if int(expires) < (now or time.time()):
            return False
        return hmac.compare_digest(self._signature(path, int(expires)), signature)
