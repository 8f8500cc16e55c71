"""Officer authentication and the office boundary: bearer JWTs carrying roles and office codes.

Production verifies the access tokens of an OpenID Connect provider (Keycloak, ...) against its JWKS:
signature (RS256/ES256), issuer, audience and expiry. Development signs and verifies HS256 tokens with a
shared secret (``make token ROLE=verifier OFFICE=DISDUKCAPIL-3201``); production refuses that secret.

Roles are read at a configurable claim path, by default Keycloak's client roles
(``resource_access.<client>.roles``), so a realm-wide "admin" of some other application grants nothing here.
The office codes an officer works for come from another claim. Every list and action is limited to those
offices; the national roles (admin) are the one exception.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import functools
import os
from collections.abc import Callable, Collection
from typing import Any

import jwt
from flask import current_app, g, request

from .settings import DEVELOPMENT, Settings, load
from .web.errors import ApiError

ROLES = ("verifier", "biometric_operator", "biometric_adjudicator", "print_operator", "supervisor", "admin")
NATIONAL_ROLES = frozenset({"admin"})
ASYMMETRIC = frozenset({"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512"})
LEEWAY_SECONDS = 30  # clocks of the provider and the services differ a little


@dataclasses.dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[str]
    name: str | None = None
    offices: frozenset[str] = frozenset()

    @property
    def national(self) -> bool:
        return bool(self.roles & NATIONAL_ROLES)

    @property
    def office_scope(self) -> frozenset[str] | None:
        """The offices whose records this officer may see; None: every office (a national role)."""
        return None if self.national else self.offices

    def serves(self, office_code: str | None) -> bool:
        return self.national or (office_code is not None and office_code in self.offices)


def claim_at(claims: dict[str, Any], path: str) -> Any:
    """The value at a dotted claim path (``resource_access.ektp.roles``), or None."""
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _strings(value: Any, claim: str) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str):  # a single-valued user attribute
        value = [part for part in value.replace(",", " ").split() if part]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise jwt.InvalidTokenError(f"the {claim} claim is not a list of strings")
    return frozenset(value)


def roles_claim(settings: Settings) -> str:
    return settings.jwt_roles_claim.replace("<client>", settings.jwt_client_id)


class TokenVerifier:
    def __init__(self, settings: Settings):
        self._settings = settings
        self._audience = settings.jwt_audience or None
        self._issuer = settings.jwt_issuer or None
        self._roles_claim = roles_claim(settings)
        self._algorithms = [a.strip() for a in settings.jwt_algorithms.split(",") if a.strip()]
        if set(self._algorithms) - ASYMMETRIC:
            raise ValueError(f"EKTP_JWT_ALGORITHMS: only asymmetric algorithms ({', '.join(sorted(ASYMMETRIC))})")
        self._jwks = jwt.PyJWKClient(settings.jwt_jwks_url, cache_keys=True, lifespan=300) if settings.jwt_jwks_url else None

    def verify(self, token: str) -> Principal:
        options = {"require": ["exp", "sub"] + (["iss"] if self._issuer else []) + (["aud"] if self._audience else [])}
        if self._jwks is not None:
            key = self._jwks.get_signing_key_from_jwt(token).key
            claims = jwt.decode(token, key, algorithms=self._algorithms, audience=self._audience, issuer=self._issuer,
                                options=options, leeway=LEEWAY_SECONDS)
        else:
            claims = jwt.decode(token, self._settings.jwt_secret, algorithms=["HS256"], audience=self._audience,
                                issuer=self._issuer, options=options, leeway=LEEWAY_SECONDS)
        roles = _strings(claim_at(claims, self._roles_claim), self._roles_claim)
        offices = _strings(claim_at(claims, self._settings.jwt_offices_claim), self._settings.jwt_offices_claim)
        return Principal(str(claims["sub"]), roles & set(ROLES), claims.get("preferred_username"), offices)


def development_claims(settings: Settings, subject: str, roles: Collection[str], offices: Collection[str]) -> dict[str, Any]:
    """Roles and offices where the services read them (the configured claim paths)."""
    claims: dict[str, Any] = {}
    for path, value in ((roles_claim(settings), list(roles)), (settings.jwt_offices_claim, list(offices))):
        *parents, leaf = path.split(".")
        node = claims
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return {"sub": subject, "preferred_username": subject, **claims}


def issue_development_token(settings: Settings, subject: str, roles: list[str], minutes: int = 480,
                            offices: Collection[str] = (), **extra: Any) -> str:
    if settings.environment == "production":
        raise ValueError("development tokens are refused in production")
    now = dt.datetime.now(dt.timezone.utc)
    claims: dict[str, Any] = {**development_claims(settings, subject, roles, offices), "iat": now,
                              "exp": now + dt.timedelta(minutes=minutes), **extra}
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
    except (jwt.PyJWTError, ValueError) as exc:
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


def require_office(office_code: str | None, field: str = "office_code", location: str = "path") -> None:
    """The office boundary: refuse (403) a record of an office the signed-in officer does not work for."""
    if not g.principal.serves(office_code):
        raise ApiError(403, "other_office", "this belongs to an office you do not work for (your token's offices: "
                       f"{', '.join(sorted(g.principal.offices)) or 'none'})", field=field, location=location)


def office_scope() -> frozenset[str] | None:
    """The signed-in officer's offices for filtering a list; None for a national role."""
    return g.principal.office_scope


def main() -> None:
    parser = argparse.ArgumentParser(description="Print a development (HS256) officer token.")
    parser.add_argument("--role", action="append", required=True, choices=ROLES)
    parser.add_argument("--office", action="append", default=[], help="an office code the officer works for")
    parser.add_argument("--subject", default="officer-dev")
    parser.add_argument("--minutes", type=int, default=480)
    args = parser.parse_args()
    print(issue_development_token(load(Settings, "dev", {**DEVELOPMENT, **os.environ}), args.subject, args.role, args.minutes, offices=args.office))


if __name__ == "__main__":
    main()
