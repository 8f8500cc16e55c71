"""Officers' tokens from a real OpenID Connect provider (the npm oidc-provider): the services accept its
RS256 and ES256 access tokens checked against its JWKS, and refuse a wrong issuer, audience, key or an
expired token; roles come from the client roles (a realm-wide "admin" grants nothing); production refuses
the development secret and its tokens."""
from __future__ import annotations

import datetime as dt

import jwt
import pytest
from ektp_peers.oidc_provider import OidcClient, OidcProvider, OidcUser

from ektp_shared.auth import issue_development_token
from ektp_shared.bus.signatures import new_key
from ektp_shared.service import discover
from ektp_shared.settings import SettingsError
from ektp_shared.web.app import create_app

OWN, OTHER = "DISDUKCAPIL-3273", "DISDUKCAPIL-3201"


@pytest.fixture
def verification_for(runtime_factory):
    """Verification trusting a provider's JWKS and issuer (the production wiring)."""

    def make(provider: OidcProvider, **overrides):
        spec = discover("verification")["verification"]
        runtime = runtime_factory(spec, jwt_jwks_url=provider.jwks_url, jwt_issuer=provider.issuer, **overrides)
        return create_app(runtime).test_client()

    return make


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def provider_token(provider: OidcProvider, **claims) -> str:
    """A token signed with the provider's own key (as if it had issued it), for claims it would not issue."""
    now = dt.datetime.now(dt.timezone.utc)
    body = {"sub": "verifier-3273", "iss": provider.issuer, "aud": "ektp", "iat": now,
            "exp": now + dt.timedelta(minutes=5), "resource_access": {"ektp": {"roles": ["verifier"]}},
            "offices": [OWN], **claims}
    return jwt.encode(body, provider.rsa_key, algorithm="RS256", headers={"kid": "rsa-1"})


def test_the_provider_serves_discovery_with_pkce_s256_and_logout(oidc_provider):
    meta = oidc_provider.discovery()
    assert meta["issuer"] == oidc_provider.issuer
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["end_session_endpoint"] == f"{oidc_provider.issuer}/session/end"


def test_an_rs256_access_token_of_the_provider_signs_the_officer_in_with_roles_and_office(oidc_provider, verification_for):
    client = verification_for(oidc_provider)
    token = oidc_provider.sign_in("verifier-3273", "ektp-console")["access_token"]
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    assert client.get("/v1/cases", headers=bearer(token)).status_code == 200
    assert client.get("/v1/cases", query_string={"office": OWN}, headers=bearer(token)).status_code == 200
    other = client.get("/v1/cases", query_string={"office": OTHER}, headers=bearer(token))
    assert other.status_code == 403 and other.get_json()["code"] == "other_office"
    # A print operator's token has no verifier role.
    printer = oidc_provider.sign_in("print_operator-3273", "ektp-console")["access_token"]
    assert client.get("/v1/cases", headers=bearer(printer)).status_code == 403


def test_an_es256_access_token_is_accepted_too(verification_for):
    client = OidcClient("ektp-console", "s", ["http://127.0.0.1:9/auth/callback"])
    with OidcProvider([OidcUser("ana", ["verifier"], [OWN])], [client], signing_alg="ES256") as provider:
        token = provider.sign_in("ana", "ektp-console")["access_token"]
        assert jwt.get_unverified_header(token)["alg"] == "ES256"
        assert verification_for(provider).get("/v1/cases", headers=bearer(token)).status_code == 200


def test_realm_roles_grant_nothing_only_the_client_roles_count(oidc_provider, verification_for):
    client = verification_for(oidc_provider)
    token = oidc_provider.sign_in("realm-admin", "ektp-console")["access_token"]
    assert jwt.decode(token, options={"verify_signature": False})["realm_access"]["roles"] == ["admin"]
    office = {"kind": "UPT", "serves": "32.73.01", "name": "UPT", "address": "Jl. 1", "daily_capacity": 5,
              "opens": "08:00", "closes": "12:00"}
    assert client.put("/v1/offices/UPT-X", json=office, headers=bearer(token)).status_code == 403
    admin = oidc_provider.sign_in("admin", "ektp-console")["access_token"]
    assert client.put("/v1/offices/UPT-X", json=office, headers=bearer(admin)).status_code == 200


@pytest.mark.parametrize("claims, reason", [
    ({"iss": "http://127.0.0.1:1"}, "issuer"),
    ({"aud": "another-application"}, "audience"),
    ({"exp": dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)}, "expired"),
])
def test_a_wrong_issuer_audience_or_an_expired_token_is_refused(oidc_provider, verification_for, claims, reason):
    client = verification_for(oidc_provider)
    assert client.get("/v1/cases", headers=bearer(provider_token(oidc_provider))).status_code == 200
    refused = client.get("/v1/cases", headers=bearer(provider_token(oidc_provider, **claims)))
    assert refused.status_code == 401 and refused.get_json()["code"] == "invalid_token", reason


def test_a_token_signed_with_another_key_or_the_development_secret_is_refused(oidc_provider, verification_for):
    from cryptography.hazmat.primitives.asymmetric import rsa

    client = verification_for(oidc_provider)
    now = dt.datetime.now(dt.timezone.utc)
    claims = {"sub": "x", "iss": oidc_provider.issuer, "aud": "ektp", "exp": now + dt.timedelta(minutes=5),
              "resource_access": {"ektp": {"roles": ["admin"]}}}
    forged = jwt.encode(claims, rsa.generate_private_key(public_exponent=65537, key_size=2048), algorithm="RS256",
                        headers={"kid": "rsa-1"})
    assert client.get("/v1/cases", headers=bearer(forged)).status_code == 401
    development = jwt.encode(claims, "development-only-secret-change-me", algorithm="HS256", headers={"kid": "rsa-1"})
    assert client.get("/v1/cases", headers=bearer(development)).status_code == 401


def test_production_refuses_the_development_secret_and_development_tokens(runtime_factory):
    spec = discover("verification")["verification"]
    with pytest.raises(SettingsError, match="development secret"):
        spec.load_settings({"EKTP_ENVIRONMENT": "production"})
    signing, public = new_key()
    settings = spec.load_settings({"EKTP_ENVIRONMENT": "production", "EKTP_JWT_SECRET": "s" * 40,
                                   "EKTP_LOOKUP_KEY": "l" * 40, "EKTP_INTAKE_LINK_SECRET": "i" * 40,
                                   "EKTP_BIOMETRICS_LINK_SECRET": "b" * 40,
                                   "EKTP_DATA_KEYS": "p:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVoxMjM0NTY=",
                                   "EKTP_EVENT_SIGNING_KEY": signing, "EKTP_EVENT_PUBLIC_KEYS": f"intake:{public}"})
    with pytest.raises(ValueError, match="refused in production"):
        issue_development_token(settings, "x", ["admin"])
