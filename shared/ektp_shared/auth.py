"""Officer authentication: bearer JWTs carrying a ``roles`` claim.

Development signs and verifies with HS256 and a shared secret (``make token ROLE=verifier``);
production verifies RS256 tokens of an OIDC provider (Keycloak, ...) against its JWKS URL. Roles:
verifier, biometric_operator, biometric_adjudicator, print_operator, supervisor, admin.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

import jwt
from flask import current_app, g, request

from .settings import Settings, load
from .web.errors import ApiError

ROLES = ("verifier", "biometric_operator", "biometric_adjudicator", "print_operator", "supervisor", "admin")


@dataclasses.dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[str]
    name: str | None = None


class TokenVerifier:
    def __init__(self, settings: Settings):
        self._secret = settings.jwt_secret
        self._audience = settings.jwt_audience or None
        self._issuer = settings.jwt_issuer or None
        self._jwks = jwt.PyJWKClient(settings.jwt_jwks_url, cache_keys=True) if settings.jwt_jwks_url else None

    def verify(self, token: str) -> Principal:
        options = {"require": ["exp", "sub"]}
        if self._jwks is not None:
            key = self._jwks.get_signing_key_from_jwt(token).key
            claims = jwt.decode(token, key, algorithms=["RS256"], audience=self._audience, issuer=self._issuer, options=options)
        else:
            claims = jwt.decode(token, self._secret, algorithms=["HS256"], audience=self._audience, issuer=self._issuer,
                                options=options)
        roles = claims.get("roles") or claims.get("realm_access", {}).get("roles") or []
        if not isinstance(roles, list):
            raise jwt.InvalidTokenError("roles claim is not a list")
        return Principal(str(claims["sub"]), frozenset(map(str, roles)), claims.get("preferred_username"))


def issue_development_token(settings: Settings, subject: str, roles: list[str], minutes: int = 480,
                            **extra: Any) -> str:
    now = dt.datetime.now(dt.timezone.utc)
    claims: dict[str, Any] = {"sub": subject, "roles": roles, "iat": now, "exp": now + dt.timedelta(minutes=minutes),
                              "preferred_username": subject, **extra}
    if settings.jwt_audience:
        claims["aud"] = settings.jwt_audience
    if settings.jwt_issuer:
        claims["iss"] = settings.jwt_issuer
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")


def authenticate() -> Principal:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, "unauthenticated", "a bearer token is required", field="Authorization", location="headers",
                       headers={"WWW-Authenticate": 'Bearer realm="ektp"'})
    try:
        return current_app.extensions["ektp_tokens"].verify(token)
    except jwt.PyJWTError as exc:
        raise ApiError(401, "invalid_token", f"the bearer token is not valid: {exc}", field="Authorization",
                       location="headers", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from exc


def requires(*roles: str) -> Callable:
    """Route decorator: the caller must hold one of ``roles`` (``admin`` holds them all)."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            principal = authenticate()
            if not (principal.roles & (set(roles) | {"admin"})):
                raise ApiError(403, "forbidden", f"this action needs one of the roles: {', '.join(roles)}",
                               field="Authorization", location="headers")
            g.principal = principal
            return view(*args, **kwargs)

        guarded._ektp_roles = roles  # type: ignore[attr-defined]  (read when documenting security in OpenAPI)
        return guarded

    return decorate


def main() -> None:
    parser = argparse.ArgumentParser(description="Print a development (HS256) officer token.")
    parser.add_argument("--role", action="append", required=True, choices=ROLES)
    parser.add_argument("--subject", default="officer-dev")
    parser.add_argument("--minutes", type=int, default=480)
    args = parser.parse_args()
    print(issue_development_token(load(Settings, "dev"), args.subject, args.role, args.minutes))


if __name__ == "__main__":
    main()
