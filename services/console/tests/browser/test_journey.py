"""One application through every desk, in Chromium only, each officer signed in through the real OpenID
provider (npm oidc-provider) as their own role at office 3273: the verifier approves it; the capture desk takes
its face and fingers; its face does not match its photo, so the adjudicator reviews the two faces; the search
then finds it resembles an enrolled citizen, and the adjudicator compares them finger by finger and finds two
people; the print operator receives blank cards and passes the printed card; the pickup desk hands it over.
Between desks only the bus is stood in for (each service's events carried to the next) and the workers run.
The citizen part (submission) and one earlier citizen it resembles go through the services' own APIs and events."""
from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import expect

from ..conftest import image, person_of, relay
from .test_verifier_desk import provider_sign_in

OWN = "DISDUKCAPIL-3273"


def test_one_application_goes_through_every_desk_to_its_handover(
        oidc_provider, verification_factory, biometrics_factory, printing_factory, console_factory, desk_of, tmp_path):
    trust = {"jwt_jwks_url": oidc_provider.jwks_url, "jwt_issuer": oidc_provider.issuer}
    verification, biometrics = verification_factory(**trust), biometrics_factory(**trust)
    printing = printing_factory(biometrics, OWN, **trust)
    printing.office_policy(OWN, qc_by_operator=True)
    earlier = verification.open_case(person_of(OWN, 0), photo=image("obama_2.jpg"))
    case = verification.open_case(person_of(OWN, 1), photo=image("biden_2.jpg"))
    console = console_factory(verification, biometrics=biometrics, printing=printing, serve=True,
                              port=urlsplit(oidc_provider.console_url).port, oidc_issuer=oidc_provider.issuer,
                              oidc_client_secret="console-secret", public_url=oidc_provider.console_url)

    def officer(role: str):
        desk = desk_of(console.url)
        desk.go("/")
        provider_sign_in(desk.page, f"{role}-3273")
        desk.page.wait_for_url(f"{console.url}/")
        return desk, desk.page

    # The verifier approves both (the earlier citizen first: the queue is oldest first).
    desk, page = officer("verifier")
    for approved in (earlier, case):
        page.goto("/verifikasi")
        page.click("text=Ambil kasus berikutnya")
        expect(page.locator("h1")).to_contain_text(approved["receipt_number"])
        page.check("input[name=decision][value=approve]")
        page.click("text=Kirim keputusan")
        expect(page.locator(".notice")).to_contain_text("Disetujui")
        verification.bring_forward(approved)
        biometrics.take(verification, approved)

    # The capture desk: the earlier citizen (enrolled), then this one, whose face is not the one on its photo.
    desk, page = officer("biometric_operator")
    prints = {"earlier": {2: "fvc2000_db1_101_1.png", 7: "fvc2002_db1_101_1.png"},
              "case": {2: "fvc2000_db1_101_2.png", 7: "fvc2002_db1_101_2.png"}}
    for name, captured, face in (("earlier", earlier, "obama_1.jpg"), ("case", case, "obama_2.jpg")):
        page.goto("/perekaman")
        page.click(f"a:has-text('{captured['receipt_number']}')")
        (tmp_path / "face.jpg").write_bytes(image(face))
        page.set_input_files("input[name=face]", str(tmp_path / "face.jpg"))
        for position, fixture in prints[name].items():
            (tmp_path / f"finger_{position}.png").write_bytes(image(fixture))
            page.set_input_files(f"input[name=finger_{position}]", str(tmp_path / f"finger_{position}.png"))
        page.click("text=Kirim perekaman")
        expect(page.locator(".notice")).to_contain_text("Perekaman diterima")
        biometrics.harness.work()
    page.reload()
    expect(page.locator(".tag")).to_have_text("Tinjauan wajah")

    # The adjudicator: the face review, then the suspected duplicate.
    desk, page = officer("biometric_adjudicator")
    page.goto(f"/tinjauan-wajah/{case['application_id']}")
    page.check("input[name=decision][value=same_person]")
    page.fill("textarea[name=note]", "KTP lama dan KK dicocokkan; pasfoto yang diunggah salah.")
    page.click("text=Kirim keputusan")
    expect(page.locator(".notice")).to_contain_text("orang yang sama")
    biometrics.harness.work()
    relay(biometrics.harness, verification.harness, case["application_id"], "biometrics.duplicate_suspected.v1")
    page.goto("/adjudikasi")
    page.click(f"a:has-text('{case['receipt_number']}')")
    expect(page.locator("h2#kandidat-1")).to_contain_text(earlier["receipt_number"])
    page.click("text=Ambil kasus ini")
    page.check("input[name=decision][value=distinct]")
    page.fill("textarea[name=note]", "Kembar identik: data dan dokumen berbeda orang.")
    page.click("text=Kirim keputusan")
    expect(page.locator(".notice")).to_contain_text("Orang yang berbeda")
    relay(verification.harness, biometrics.harness, case["application_id"], "adjudication.decided.v1")
    biometrics.harness.work()
    printing.take(verification, biometrics, case)

    # The print operator: blank cards received, the card printed, inspected and passed.
    desk, page = officer("print_operator")
    page.goto("/cetak")
    page.fill("#terima-reference", "BA-2026-12")
    page.fill("#terima-first_serial", "3273-2026-000001")
    page.fill("#terima-count", "20")
    page.click("text=Catat penerimaan")
    printing.run()
    page.goto(f"/cetak/kartu/{case['application_id']}")
    page.check("input[name=result][value=passed]")
    page.click("text=Catat hasil pemeriksaan")
    expect(page.locator(".tag")).to_have_text("Siap diambil")

    # The pickup desk (the print operator's too): found by its receipt number, handed to the applicant.
    page.goto("/pengambilan")
    page.fill("input[name=receipt_number]", case["receipt_number"])
    page.click("text=Cari kartu")
    page.fill("#serah-nik", person_of(OWN, 1).nik)
    desk.mark()
    page.click("form[action$='/serahkan'] button[type=submit]")
    page.wait_for_load_state("load")
    assert "Kartu diserahkan" in page.content(), page.inner_text("main")
    expect(page.locator(".tag")).to_have_text("Sudah diambil")
    desk.check("journey-handed-over")
