"""The print operator's desk through the console (development sign-in) against a real verification, biometrics
and printing with two card-printer emulators: the fleet with a jammed printer and its hold out of rotation,
blank cards received, the printer released once the jam is cleared, the job printed, the card's front, the quality check (a defect names its part), and the
stock counting the card issued."""
from __future__ import annotations

from ..conftest import image, person_of
from .test_capture_desk import csrf
from .test_sign_in import sign_in

OWN = "DISDUKCAPIL-3273"
FINGERS = {2: "fvc2000_db1_101_1.png", 7: "fvc2002_db1_101_1.png"}


def card_to_print(verification, biometrics, printing) -> dict:
    """An application approved, captured and enrolled: printing has its card queued."""
    case = verification.open_case(person_of(OWN), photo=image("obama_2.jpg"))
    verification.approve(case, today=False)
    biometrics.take(verification, case)
    biometrics.capture(case, "obama_1.jpg", FINGERS)
    printing.take(verification, biometrics, case)
    return case


def test_a_print_operator_watches_the_fleet_receives_blank_cards_and_passes_the_printed_card(
        verification_factory, biometrics_factory, printing_factory, console_factory):
    verification, biometrics = verification_factory(), biometrics_factory()
    printing = printing_factory(biometrics, OWN)
    printing.office_policy(OWN, qc_by_operator=True)
    case = card_to_print(verification, biometrics, printing)
    printing.printers[1].state.jammed = True
    printing.run()
    client = console_factory(verification, biometrics=biometrics, printing=printing).test_client()
    sign_in(client, "print_operator", OWN)

    desk = client.get("/cetak").get_data(as_text=True)
    assert "Kartu macet" in desk and "armada bersama" in desk
    assert "Tersedia 0" in desk, "no blank card yet: the job waits"
    own = f"{OWN.lower()}-1"
    held = client.post(f"/cetak/printer/{own}/rotasi", data={"csrf_token": csrf(desk), "rotasi-in_rotation": "no",
                                                              "rotasi-reason": ""})
    assert held.status_code == 422 and "Tulis alasannya" in held.get_data(as_text=True)
    held = client.post(f"/cetak/printer/{own}/rotasi", data={"csrf_token": csrf(desk), "rotasi-in_rotation": "no",
                                                              "rotasi-reason": "Servis: kartu macet"})
    assert held.status_code == 302
    assert "ditahan operator" in client.get("/cetak").get_data(as_text=True)
    printing.printers[1].state.jammed = False  # the technician cleared the jam
    released = client.post(f"/cetak/printer/{own}/rotasi", data={
        "csrf_token": csrf(desk), "rotasi-in_rotation": "yes", "rotasi-reason": "Kartu macet sudah dikeluarkan"})
    assert released.status_code == 302

    received = client.post(f"/cetak/stok/{OWN}/terima", data={
        "csrf_token": csrf(desk), "terima-reference": "BA-2026-12", "terima-first_serial": "3273-2026-000001",
        "terima-count": "20"})
    assert received.status_code == 302, received.get_data(as_text=True)[-1500:]
    printing.run()
    card = client.get(f"/cetak/kartu/{case['application_id']}").get_data(as_text=True)
    assert "Menunggu pemeriksaan mutu" in card and "3273-2026-000001" in card
    front = client.get(f"/cetak/kartu/{case['application_id']}/depan.png")
    assert front.status_code == 200 and front.data.startswith(b"\x89PNG")

    unnamed = client.post(f"/cetak/kartu/{case['application_id']}/mutu", data={"csrf_token": csrf(card),
                                                                               "result": "defect"})
    assert unnamed.status_code == 422 and "Pilih bagian kartu yang cacat" in unnamed.get_data(as_text=True)
    passed = client.post(f"/cetak/kartu/{case['application_id']}/mutu", data={"csrf_token": csrf(card),
                                                                             "result": "passed"})
    assert passed.status_code == 302
    assert "Siap diambil" in client.get(f"/cetak/kartu/{case['application_id']}").get_data(as_text=True)
    assert "Tersedia 19" in client.get("/cetak").get_data(as_text=True)


def test_another_offices_stock_and_printer_are_refused(verification_factory, biometrics_factory, printing_factory,
                                                       console_factory):
    verification, biometrics = verification_factory(), biometrics_factory()
    printing = printing_factory(biometrics, OWN)
    client = console_factory(verification, biometrics=biometrics, printing=printing).test_client()
    sign_in(client, "print_operator", "DISDUKCAPIL-3205")
    desk = client.get("/cetak").get_data(as_text=True)
    assert f"{OWN.lower()}-1" not in desk and "DISDUKCAPIL-3205" in desk
    refused = client.post(f"/cetak/stok/{OWN}/terima", data={
        "csrf_token": csrf(desk), "terima-reference": "BA-1", "terima-first_serial": "3273-2026-000001",
        "terima-count": "5"})
    assert refused.status_code == 403 and "Bukan kantor Anda" in refused.get_data(as_text=True)
