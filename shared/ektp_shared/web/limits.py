"""Rate limits on public endpoints (Flask-Limiter): per client address and per NIK, counted in Redis in the
real profile (every API process sees the same counts) and in memory in the embedded one. Over a limit the
answer is 429 with ``Retry-After``, in the platform's error JSON.

The client address is the request's, after ``trusted_proxies`` hops of ``X-Forwarded-For`` (the ingress, or
the portal calling an API for a citizen); a NIK is counted by its keyed hash, never in the clear.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request
from flask_limiter import Limiter

from ..settings import Settings


def client_address() -> str:
    return request.remote_addr or "unknown"


def limiter(settings: Settings) -> Limiter:
    """Counts are kept apart per bus namespace (test runs share one Redis); while Redis is unreachable each
    process counts in memory instead of failing the request."""
    return Limiter(key_func=client_address, storage_uri=settings.rate_limit_storage_uri, headers_enabled=True,
                   strategy="moving-window", key_prefix=f"{settings.bus_namespace}:{settings.service}",
                   in_memory_fallback_enabled=True)


def _nik_in(body: Any, path: tuple[str, ...]) -> str | None:
    for name in path:
        if not isinstance(body, dict):
            return None
        body = body.get(name)
    return body if isinstance(body, str) and body else None


def nik_key(lookup_hash: Callable[[str], str], *path: str) -> tuple[Callable[[], str], Callable[[], bool]]:
    """The key function counting requests per NIK (found in the JSON body at ``path``), and the exemption for a
    request without one (it is refused by validation anyway, and counted per address)."""

    def key() -> str:
        return "nik:" + lookup_hash(_nik_in(request.get_json(silent=True), path) or "")

    def without_nik() -> bool:
        return _nik_in(request.get_json(silent=True), path) is None

    return key, without_nik
