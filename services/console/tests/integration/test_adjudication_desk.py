"""The adjudicator's desk through the console (development sign-in) against a real verification and biometrics:
one person who applied twice is listed, shown side by side with the enrolled candidate (data, faces, each
finger's images and score), claimed, and decided; a duplicate needs a message to the citizen."""
from __future__ import annotations

from ..conftest import image, person_of
from .test_capture_desk import csrf
from .test_sign_in import sign_in

OWN = "DISDUKCAPIL-3273"


def test_an_adjudicator_compares_a_suspected_duplicate_finger_by_finger_and_decides(
        verification_factory, biometrics_factory, console_factory):
    verification, biometrics = verification_factory(), biometrics_factory()
    original = verification.open_case(person_of(OWN, 0), photo=image("obama_2.jpg"))
    again = verification.open_case(person_of(OWN, 1), photo=image("obama_2.jpg"))
    for case in (original, again):
        verification.approve(case, today=False)
        biometrics.take(verification, case)
    biometrics.suspect(verification, original, again)
    client = console_factory(verification, biometrics=biometrics).test_client()
    sign_in(client, "biometric_adjudicator", OWN)

    listed = client.get("/adjudikasi").get_data(as_text=True)
    assert again["receipt_number"] in listed and original["receipt_number"] not in listed
    page = client.get(f"/adjudikasi/{again['id']}").get_data(as_text=True)
    assert f"Kandidat 1: {original['receipt_number']}" in page
    assert person_of(OWN, 0).full_name in page and person_of(OWN, 1).full_name in page
    assert page.count("Telunjuk kanan") >= 1 and page.count("Telunjuk kiri") >= 1
    prints = f"/adjudikasi/perekaman/{again['application_id']}/kandidat/{original['application_id']}/gambar/finger_2"
    assert prints in page and client.get(prints).data == image("fvc2000_db1_101_1.png")
    assert "Kirim keputusan" not in page, "decided only once claimed"

    assert client.post(f"/adjudikasi/{again['id']}/klaim", data={"csrf_token": csrf(page)}).status_code == 302
    page = client.get(f"/adjudikasi/{again['id']}").get_data(as_text=True)
    unexplained = client.post(f"/adjudikasi/{again['id']}", data={"csrf_token": csrf(page), "decision": "duplicate"})
    assert unexplained.status_code == 422 and "Tulis pesan untuk pemohon" in unexplained.get_data(as_text=True)
    decided = client.post(f"/adjudikasi/{again['id']}", data={
        "csrf_token": csrf(page), "decision": "duplicate", "message": "Anda sudah memiliki NIK dan KTP-el."})
    assert decided.status_code == 302
    assert "Orang yang sama: permohonan ditolak" in client.get("/adjudikasi").get_data(as_text=True)
    assert again["receipt_number"] not in client.get("/adjudikasi").get_data(as_text=True)
