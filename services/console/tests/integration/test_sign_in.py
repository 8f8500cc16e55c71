"""Signing in to the console: without a session the start page sends the browser to the development sign-in
(embedded profile) or to the provider's authorization endpoint with PKCE S256 (real profile); the
development sign-in picks a role and an office, says so on every page, and is refused in production."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from console.site import SITE
from ektp_shared.settings import SettingsError

from ..conftest import person_of

OWN = "DISDUKCAPIL-3273"


def sign_in(client, role: str, office: str) -> None:
    page = client.get("/masuk").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post("/masuk", data={"csrf_token": token, "role": role, "office": office, "name": "ana"})
    assert response.status_code == 302, response.get_data(as_text=True)


def test_without_a_session_the_development_profile_sends_the_officer_to_the_sign_in_page(verification_factory,
                                                                                       console_factory):
    client = console_factory(verification_factory()).test_client()
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/masuk")
    page = client.get("/masuk").get_data(as_text=True)
    assert "Masuk pengembangan" in page and 'name="role"' in page and 'name="office"' in page


def test_the_development_sign_in_picks_a_role_and_an_office_and_every_page_says_so(verification_factory,
                                                                                  console_factory):
    verification = verification_factory()
    case = verification.open_case(person_of(OWN))
    client = console_factory(verification).test_client()
    sign_in(client, "verifier", OWN)
    for path in ("/", "/verifikasi", f"/verifikasi/kasus/{case['id']}"):
        page = client.get(path)
        assert page.status_code == 200, (path, page.get_data(as_text=True)[-1500:])
        assert "Masuk pengembangan" in page.get_data(as_text=True), path
    assert case["receipt_number"] in client.get("/verifikasi").get_data(as_text=True)
    english = client.get("/bahasa/en?next=/verifikasi", follow_redirects=True).get_data(as_text=True)
    assert "Verification queue" in english and "Development sign-in" in english


def test_another_offices_case_is_refused_in_the_console(verification_factory, console_factory):
    verification = verification_factory()
    other = verification.open_case(person_of("DISDUKCAPIL-3205"))
    client = console_factory(verification).test_client()
    sign_in(client, "verifier", OWN)
    refused = client.get(f"/verifikasi/kasus/{other['id']}")
    assert refused.status_code == 403 and "Bukan kantor Anda" in refused.get_data(as_text=True)
    assert other["receipt_number"] not in client.get("/verifikasi").get_data(as_text=True)


def test_production_refuses_the_development_sign_in(verification_factory, oidc_provider):
    production = {"EKTP_ENVIRONMENT": "production", "EKTP_SECRET_KEY": "c" * 40, "EKTP_LOOKUP_KEY": "l" * 40,
                  "EKTP_LINK_SECRET": "k" * 40, "EKTP_JWT_JWKS_URL": oidc_provider.jwks_url,
                  "EKTP_DATA_KEYS": "p:QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVoxMjM0NTY="}
    with pytest.raises(SettingsError, match="development"):
        SITE.load_settings(production)  # no provider: the development sign-in would be the only way in
    settings = SITE.load_settings({**production, "EKTP_CONSOLE_OIDC_ISSUER": oidc_provider.issuer,
                                   "EKTP_CONSOLE_OIDC_CLIENT_SECRET": "console-secret"})
    client = SITE.create_app(settings).test_client()
    response = client.post("/masuk", data={"role": "admin", "office": "", "name": "x"})
    assert response.status_code in (302, 400)
    assert not response.headers.get("Location", "").startswith("/"), "no development session is made"
    assert client.get("/").headers["Location"].startswith(oidc_provider.issuer)


def test_without_a_session_the_real_profile_redirects_to_the_providers_authorization_endpoint(
        verification_factory, console_factory, oidc_provider):
    client = console_factory(verification_factory(), oidc_issuer=oidc_provider.issuer,
                             oidc_client_secret="console-secret", public_url=oidc_provider.console_url).test_client()
    location = client.get("/").headers["Location"]
    endpoint = oidc_provider.discovery()["authorization_endpoint"]
    assert location.startswith(endpoint + "?")
    query = parse_qs(urlsplit(location).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert query["client_id"] == ["ektp-console"] and query["response_type"] == ["code"]
    assert query["redirect_uri"] == [f"{oidc_provider.console_url}/auth/callback"]
    assert "Masuk pengembangan" not in client.get("/keluar/selesai").get_data(as_text=True)
