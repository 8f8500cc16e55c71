"""The verifier's desk in Chromium (the console has no scripts), signed in through the real OpenID provider (npm
oidc-provider): the provider's login form, the queue, claiming the next case, the case page, approval; another
office's case refused; signing out ends the provider's session (the next visit meets its login form again)."""
from __future__ import annotations

from urllib.parse import urlsplit

from ..conftest import person_of

OWN, OTHER = "DISDUKCAPIL-3273", "DISDUKCAPIL-3205"


def provider_sign_in(page, login: str) -> None:
    """The provider's own login form (oidc-provider's devInteractions)."""
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "test")
    page.click("button[type=submit]")


def test_a_verifier_signs_in_with_the_provider_approves_a_case_and_is_refused_another_offices(
        oidc_provider, verification_factory, console_factory, desk_of):
    verification = verification_factory(jwt_jwks_url=oidc_provider.jwks_url, jwt_issuer=oidc_provider.issuer)
    own = verification.open_case(person_of(OWN))
    other = verification.open_case(person_of(OTHER))
    console = console_factory(verification, port=urlsplit(oidc_provider.console_url).port, serve=True,
                              oidc_issuer=oidc_provider.issuer, oidc_client_secret="console-secret",
                              public_url=oidc_provider.console_url)
    desk = desk_of(console.url)
    page = desk.page

    page.goto("/")
    assert page.url.startswith(oidc_provider.issuer), "no session: the provider's sign-in"
    provider_sign_in(page, "verifier-3273")
    assert page.url == f"{console.url}/"
    assert "Masuk pengembangan" not in page.content()
    assert OWN in page.locator("nav").inner_text()
    desk.check("home")

    page.click("main >> text=Verifikasi")
    assert own["receipt_number"] in page.content() and other["receipt_number"] not in page.content()
    desk.check("queue")

    page.click("text=Ambil kasus berikutnya")
    assert page.url.endswith(f"/verifikasi/kasus/{own['id']}")
    assert "Temuan pemeriksaan otomatis" in page.content() and "Pasfoto 4x6" in page.content()
    desk.check("case")

    page.check("input[name=decision][value=approve]")
    page.click("text=Kirim keputusan")
    assert "Disetujui" in page.locator(".notice").inner_text()
    assert "Jadwal perekaman" in page.content()
    desk.check("case-approved")

    response = page.goto(f"/verifikasi/kasus/{other['id']}")
    assert response.status == 403 and "Bukan kantor Anda" in page.content()
    desk.check("other-office")

    page.click("text=Keluar")
    page.click("button[value=yes]")  # the provider asks to confirm signing out of it too
    assert page.url == f"{console.url}/keluar/selesai"
    desk.check("signed-out")
    page.goto("/")
    assert page.url.startswith(oidc_provider.issuer) and page.locator("input[name=login]").count() == 1, \
        "the provider's session ended: it asks for the login again"
