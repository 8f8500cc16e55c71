"""The verifier's desk in Chromium (the console has no scripts), signed in through the real OpenID provider (npm
oidc-provider): the provider's login form, the queue, claiming the next case, the case page, approval; another
office's case refused; signing out ends the provider's session (the next visit meets its login form again)."""
from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import expect

from ..conftest import image, person_of

OWN, OTHER = "DISDUKCAPIL-3273", "DISDUKCAPIL-3205"


def provider_sign_in(page, login: str) -> None:
    """The provider's own login form (oidc-provider's devInteractions)."""
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "test")
    page.click("button[type=submit]")


def test_a_verifier_signs_in_with_the_provider_approves_a_case_and_is_refused_another_offices(
        oidc_provider, verification_factory, console_factory, desk_of):
    verification = verification_factory(jwt_jwks_url=oidc_provider.jwks_url, jwt_issuer=oidc_provider.issuer)
    own = verification.open_case(person_of(OWN), photo=image("obama_2.jpg"))
    other = verification.open_case(person_of(OTHER))
    console = console_factory(verification, port=urlsplit(oidc_provider.console_url).port, serve=True,
                              oidc_issuer=oidc_provider.issuer, oidc_client_secret="console-secret",
                              public_url=oidc_provider.console_url)
    desk = desk_of(console.url)
    page = desk.page

    desk.go("/")
    assert page.url.startswith(oidc_provider.issuer), "no session: the provider's sign-in"
    desk.mark()
    provider_sign_in(page, "verifier-3273")
    page.wait_for_url(f"{console.url}/")
    expect(page.locator("h1")).to_have_text("Meja kerja")
    assert "Masuk pengembangan" not in page.content()
    assert OWN in page.locator("nav").inner_text()
    desk.check("home")

    desk.mark()
    page.click("main >> text=Verifikasi")
    expect(page.locator("h1")).to_have_text("Antrean verifikasi")
    assert own["receipt_number"] in page.content() and other["receipt_number"] not in page.content()
    desk.check("queue")

    desk.mark()
    page.click("text=Ambil kasus berikutnya")
    page.wait_for_url(f"**/verifikasi/kasus/{own['id']}")
    expect(page.locator("h1")).to_contain_text(own["receipt_number"])
    assert "Temuan pemeriksaan otomatis" in page.content() and "Pasfoto 4x6" in page.content()
    shown = page.locator("figure.documents img").evaluate_all("images => images.map(i => i.complete && i.naturalWidth > 0)")
    assert shown == [True, True, True], "the KK, the birth certificate and the 4x6 photo are shown beside the data"
    desk.check("case")

    page.check("input[name=decision][value=approve]")
    desk.mark()
    page.click("text=Kirim keputusan")
    expect(page.locator(".notice")).to_contain_text("Disetujui")
    assert "Jadwal perekaman" in page.content()
    desk.check("case-approved")

    desk.mark()
    response = page.goto(f"/verifikasi/kasus/{other['id']}")
    assert response.status == 403 and "Bukan kantor Anda" in page.content()
    desk.check("other-office")

    page.click("text=Keluar")
    desk.mark()
    page.click("button[value=yes]")  # the provider asks to confirm signing out of it too
    page.wait_for_url(f"{console.url}/keluar/selesai")
    desk.check("signed-out")
    desk.go("/")
    assert page.url.startswith(oidc_provider.issuer) and page.locator("input[name=login]").count() == 1, \
        "the provider's session ended: it asks for the login again"
