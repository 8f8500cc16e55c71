"""The biometric operator's desk and the face review, through the console with a development sign-in against a
real verification and a real biometrics: today's appointments, a capture refused image by image in Bahasa
Indonesia and retaken, each finger's quality once accepted, and a face that did not match its photo reviewed
with both faces side by side."""
from __future__ import annotations

import io

from PIL import Image

from ..conftest import image, person_of
from .test_sign_in import sign_in

OWN = "DISDUKCAPIL-3273"
FINGERS = {2: "fvc2000_db1_101_1.png", 7: "fvc2002_db1_101_1.png"}


def csrf(page: str) -> str:
    return page.split('name="csrf_token" value="')[1].split('"')[0]


def upload(client, path: str, face: str, fingers: dict[int, bytes]):
    files = {"csrf_token": csrf(client.get(path).get_data(as_text=True)),
             "face": (io.BytesIO(image(face)), "face.jpg"),
             **{f"finger_{p}": (io.BytesIO(data), f"finger_{p}.png") for p, data in fingers.items()}}
    return client.post(path, data=files, content_type="multipart/form-data")


def approved(verification, biometrics, photo: str) -> dict:
    case = verification.open_case(person_of(OWN), photo=image(photo))
    verification.approve(case)
    biometrics.take(verification, case)
    return case


def test_the_operator_sees_today_s_appointments_retakes_what_was_refused_and_sees_each_finger_s_quality(
        verification_factory, biometrics_factory, console_factory):
    verification, biometrics = verification_factory(), biometrics_factory()
    case = approved(verification, biometrics, "obama_2.jpg")
    client = console_factory(verification, biometrics=biometrics).test_client()
    sign_in(client, "biometric_operator", OWN)

    today = client.get("/perekaman").get_data(as_text=True)
    assert case["receipt_number"] in today and "Menunggu perekaman" in today
    path = f"/perekaman/{case['application_id']}"
    assert "Unggah hasil perekaman" in client.get(path).get_data(as_text=True)

    blank = io.BytesIO()
    Image.new("L", (400, 400), 255).save(blank, "PNG")
    refused = upload(client, path, "obama_1.jpg", {2: image(FINGERS[2]), 7: blank.getvalue()})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422, page[-2000:]
    assert "Rekam ulang yang ditandai" in page and "Gambar sidik jari kosong" in page
    assert 'href="#finger_7"' in page and "Telunjuk kiri" in page

    accepted = upload(client, path, "obama_1.jpg", {p: image(name) for p, name in FINGERS.items()})
    assert accepted.status_code == 302, accepted.get_data(as_text=True)[-2000:]
    page = client.get(path).get_data(as_text=True)
    assert "Perekaman diterima" in page and "Kualitas NFIQ 2" in page and "Sedang diperiksa" in page
    assert client.get(f"{path}/gambar/finger_7").data == image(FINGERS[7])
    biometrics.harness.work()
    page = client.get(path).get_data(as_text=True)
    assert "Terdaftar" in page and "Cocok" in page, "the live face is the person of the application's photo"
    assert client.get(f"{path}/gambar/passport").status_code == 404


def test_a_face_that_does_not_match_its_photo_is_reviewed_side_by_side(verification_factory, biometrics_factory,
                                                                       console_factory):
    verification, biometrics = verification_factory(), biometrics_factory()
    case = approved(verification, biometrics, "biden_2.jpg")
    operator = console_factory(verification, biometrics=biometrics).test_client()
    sign_in(operator, "biometric_operator", OWN)
    path = f"/perekaman/{case['application_id']}"
    assert upload(operator, path, "obama_1.jpg", {p: image(name) for p, name in FINGERS.items()}).status_code == 302
    biometrics.harness.work()
    assert "Tinjauan wajah" in operator.get(path).get_data(as_text=True)

    adjudicator = console_factory(verification, biometrics=biometrics).test_client()
    sign_in(adjudicator, "biometric_adjudicator", OWN)
    listed = adjudicator.get("/tinjauan-wajah").get_data(as_text=True)
    review = f"/tinjauan-wajah/{case['application_id']}"
    assert review in listed
    page = adjudicator.get(review).get_data(as_text=True)
    assert "Tidak cocok" in page and "Pasfoto permohonan" in page and "Wajah yang direkam" in page
    assert adjudicator.get(f"{path}/gambar/photo").data == image("biden_2.jpg")
    assert adjudicator.get(f"{path}/gambar/face").data == image("obama_1.jpg")
    unexplained = adjudicator.post(review, data={"csrf_token": csrf(page), "decision": "same_person", "note": ""})
    assert unexplained.status_code == 422 and "Tulis apa yang Anda periksa" in unexplained.get_data(as_text=True)
    decided = adjudicator.post(review, data={"csrf_token": csrf(page), "decision": "recapture"})
    assert decided.status_code == 302
    assert "Menunggu perekaman" in operator.get(path).get_data(as_text=True)
    assert "Rekam ulang" in operator.get(path).get_data(as_text=True), "the operator retakes the capture"
