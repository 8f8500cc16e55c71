"""The pickup desk through the console (development sign-in) against a real verification, biometrics and
printing: the card found by its receipt number, a representative refused without a surat kuasa and then when
the name differs from the one it gives, and the handover to the person it names; a card refused as printed wrong;
the holder's finger verified by the real biometrics through printing, and a card held while the finger fails."""
from __future__ import annotations

import io

from ..conftest import image, person_of
from .test_capture_desk import csrf
from .test_printing_desk import card_to_print
from .test_sign_in import sign_in

OWN = "DISDUKCAPIL-3273"
NEIGHBOUR = "3273014101850002"


def ready(verification_factory, biometrics_factory, printing_factory, console_factory):
    verification, biometrics = verification_factory(), biometrics_factory()
    printing = printing_factory(biometrics, OWN, development_stock=50)
    printing.office_policy(OWN, representative="power_of_attorney", qc_by_operator=False)
    case = card_to_print(verification, biometrics, printing)
    printing.run()
    client = console_factory(verification, biometrics=biometrics, printing=printing).test_client()
    sign_in(client, "print_operator", OWN)
    return case, client


def handover(client, page: str, path: str, **fields: str):
    data = {"csrf_token": csrf(page), **{f"serah-{name}": value for name, value in fields.items()}}
    return client.post(f"{path}/serahkan", data=data, follow_redirects=True)


def test_a_representative_collects_only_with_a_surat_kuasa_naming_them(verification_factory, biometrics_factory,
                                                                      printing_factory, console_factory):
    case, client = ready(verification_factory, biometrics_factory, printing_factory, console_factory)
    search = client.get("/pengambilan").get_data(as_text=True)
    assert "Nomor tanda terima" in search and "scan.js" in search
    unknown = client.post("/pengambilan", data={"csrf_token": csrf(search), "receipt_number": "KTP-0000-000000-X"})
    assert unknown.status_code == 404 and "Tidak ada kartu dengan nomor ini" in unknown.get_data(as_text=True)
    found = client.post("/pengambilan", data={"csrf_token": csrf(search), "receipt_number": case["receipt_number"]})
    path = f"/pengambilan/kartu/{case['application_id']}"
    assert found.status_code == 302 and found.headers["Location"] == path
    page = client.get(path).get_data(as_text=True)
    assert "Siap diambil" in page and "Periksa identitas" in page

    representative = {"nik": person_of(OWN).nik, "collected_by": "representative", "representative_nik": NEIGHBOUR,
                      "representative_name": "Dewi Lestari"}
    refused = handover(client, page, path, **representative).get_data(as_text=True)
    assert "memerlukan surat kuasa" in refused
    uploaded = client.post(f"{path}/surat-kuasa", data={
        "csrf_token": csrf(page), "kuasa-file": (io.BytesIO(image("obama_1.jpg")), "sk.jpg"),
        "kuasa-representative_nik": NEIGHBOUR, "kuasa-representative_name": "Dewi Lestari"},
        content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "Surat kuasa disimpan" in uploaded
    other_name = handover(client, page, path, **{**representative, "representative_name": "Dewi Kartika"})
    assert "nama yang mengambil harus sama" in other_name.get_data(as_text=True)
    wrong_nik = handover(client, page, path, **{**representative, "nik": "3273010101010001"})
    assert "NIK tidak cocok dengan kartu ini" in wrong_nik.get_data(as_text=True)
    done = handover(client, page, path, **representative).get_data(as_text=True)
    assert "Kartu diserahkan dan dicatat" in done and "Sudah diambil" in done


def test_a_citizen_refuses_a_card_printed_wrong(verification_factory, biometrics_factory, printing_factory,
                                               console_factory):
    case, client = ready(verification_factory, biometrics_factory, printing_factory, console_factory)
    path = f"/pengambilan/kartu/{case['application_id']}"
    page = client.get(path).get_data(as_text=True)
    unnamed = client.post(f"{path}/tolak", data={"csrf_token": csrf(page), "tolak-nik": person_of(OWN).nik})
    assert unnamed.status_code == 422 and "Pilih data yang salah" in unnamed.get_data(as_text=True)
    refused = client.post(f"{path}/tolak", data={"csrf_token": csrf(page), "tolak-nik": person_of(OWN).nik,
                                                 "tolak-wrong": ["nama"]}, follow_redirects=True)
    assert "Penolakan dicatat" in refused.get_data(as_text=True)
    assert "Menunggu perbaikan data" in refused.get_data(as_text=True)


def test_the_holder_s_finger_is_verified_at_the_desk_and_a_finger_that_fails_holds_the_card(
        verification_factory, biometrics_factory, printing_factory, console_factory):
    case, client = ready(verification_factory, biometrics_factory, printing_factory, console_factory)
    path = f"/pengambilan/kartu/{case['application_id']}"
    nik = person_of(OWN).nik

    def verify(page: str, position: int, fixture: str):
        return client.post(f"{path}/sidik-jari", data={
            "csrf_token": csrf(page), "jari-position": str(position), "jari-file": (io.BytesIO(image(fixture)), fixture)},
            content_type="multipart/form-data", follow_redirects=True)

    page = client.get(path).get_data(as_text=True)
    assert "Verifikasi sidik jari" in page and "Alasan kartu tetap diserahkan" not in page
    unchosen = client.post(f"{path}/sidik-jari", data={"csrf_token": csrf(page), "jari-position": "2"})
    assert unchosen.status_code == 422 and "Pilih berkas sidik jari" in unchosen.get_data(as_text=True)
    not_enrolled = verify(page, 5, "fvc2000_db1_101_2.png")
    assert not_enrolled.status_code == 422 and "finger_2, finger_7" in not_enrolled.get_data(as_text=True), \
        "biometrics names the fingers that were enrolled"

    someone_else = verify(page, 2, "fvc2000_db1_102_1.png").get_data(as_text=True)
    assert "Sidik jari tidak cocok dengan data perekaman (Telunjuk kanan)" in someone_else
    assert "Alasan kartu tetap diserahkan" in someone_else
    held = handover(client, someone_else, path, nik=nik).get_data(as_text=True)
    assert "verifikasi jari lain, atau tulis alasan" in held and "Siap diambil" in held, "not handed over"

    holder = verify(someone_else, 2, "fvc2000_db1_101_2.png").get_data(as_text=True)
    assert "Sidik jari cocok: Telunjuk kanan adalah milik pemegang kartu" in holder
    done = handover(client, holder, path, nik=nik).get_data(as_text=True)
    assert "Kartu diserahkan dan dicatat" in done and "Diserahkan setelah sidik jari cocok" in done

