"""The verifier's interviews through the console (development sign-in) against a real verification: the officer
offers availability on the queue page, an interview takes one of those slots (the earliest is chosen already)
or a time typed in, and a no-show is recorded."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import requests

from ..conftest import WIB, person_of, submission
from .test_capture_desk import csrf
from .test_sign_in import sign_in

OWN = "DISDUKCAPIL-3273"


@pytest.fixture
def desk(verification_factory, console_factory):
    """A verification with an open case of the office, and the console signed in as a verifier of that office."""
    verification = verification_factory()
    case = verification.open_case(person_of(OWN))
    client = console_factory(verification).test_client()
    sign_in(client, "verifier", OWN)
    return verification, case, client


def test_a_verifier_offers_slots_and_an_interview_takes_the_earliest_or_a_typed_time(desk):
    _, case, client = desk
    tomorrow = (dt.datetime.now(WIB) + dt.timedelta(days=1)).date()

    queue = client.get("/verifikasi").get_data(as_text=True)
    assert "Belum ada slot bebas" in queue
    refused = client.post("/verifikasi/ketersediaan", data={"csrf_token": csrf(queue), "starts_at": "",
                                                             "count": "40", "minutes": "20"})
    assert refused.status_code == 422
    assert "Isi tanggal dan jam mulai" in refused.get_data(as_text=True)
    assert "Antara 1 dan 32 slot" in refused.get_data(as_text=True)
    offered = client.post("/verifikasi/ketersediaan", follow_redirects=True, data={
        "csrf_token": csrf(queue), "starts_at": f"{tomorrow}T09:00", "count": "2", "minutes": "20"}).get_data(as_text=True)
    assert "2 slot wawancara ditawarkan" in offered
    day = tomorrow.strftime("%d-%m-%Y")
    assert f"{day} 09:00 WIB · 20 menit" in offered and f"{day} 09:20 WIB · 20 menit" in offered

    path = f"/verifikasi/kasus/{case['id']}"
    client.post(f"{path}/klaim", data={"csrf_token": csrf(client.get(path).get_data(as_text=True))})
    page = client.get(path).get_data(as_text=True)
    earliest = re.search(r'<input checked id="slot-0" name="slot" required type="radio" value="([0-9a-f-]{36})">', page)
    assert earliest, "the earliest of the officer's slots is chosen already"
    assert f"{day} 09:00 WIB (20 menit)" in page and "Waktu lain (isi di bawah)" in page

    untimed = client.post(f"{path}/wawancara", data={"csrf_token": csrf(page), "slot": "lain", "channel": "phone",
                                                      "phone": "+62 812 3456 7890"})
    assert untimed.status_code == 422 and "Isi tanggal dan jam wawancara" in untimed.get_data(as_text=True)
    scheduled = client.post(f"{path}/wawancara", follow_redirects=True, data={
        "csrf_token": csrf(page), "slot": earliest.group(1), "channel": "phone", "phone": "+62 812 3456 7890"})
    shown = scheduled.get_data(as_text=True)
    assert "Wawancara dijadwalkan" in shown and f"{day} 09:00 WIB · phone" in shown

    left = client.get("/verifikasi").get_data(as_text=True)
    assert f"{day} 09:00 WIB · 20 menit" not in left and f"{day} 09:20 WIB · 20 menit" in left, "the slot is taken"


def slot_lookups(verification) -> float:
    """How often verification has answered an officer's free interview slots (its request counter, which counts
    for every verification in this process: compare before and after)."""
    metrics = requests.get(f"{verification.url}/metrics", timeout=5).text
    return sum(float(line.rpartition(" ")[2]) for line in metrics.splitlines()
               if line.startswith("ektp_http_requests_total{") and 'route="/v1/interview-slots"' in line
               and 'method="GET"' in line and 'service="verification"' in line)


def test_the_case_page_asks_for_the_officers_free_slots_only_where_it_offers_them(desk):
    verification, case, client = desk
    path = f"/verifikasi/kasus/{case['id']}"

    before = slot_lookups(verification)
    unclaimed = client.get(path).get_data(as_text=True)
    assert "Jadwalkan wawancara" not in unclaimed and slot_lookups(verification) == before, \
        "a case not claimed by this officer offers no interview, so its slots are not asked for"
    client.post(f"{path}/klaim", data={"csrf_token": csrf(unclaimed)})
    claimed = client.get(path).get_data(as_text=True)
    assert "Jadwalkan wawancara" in claimed and "Waktu lain (isi di bawah)" in claimed
    assert slot_lookups(verification) == before + 1


def test_a_childs_case_neither_shows_nor_offers_to_correct_marital_status_or_occupation(verification_factory,
                                                                                       console_factory):
    verification = verification_factory()
    adult, parent = person_of(OWN), person_of(OWN, 1)
    child = person_of(OWN, 2)
    kia = submission(child)
    kia["applicant"].update(marital_status="BELUM KAWIN", occupation=None)
    cases = {"ektp": verification.open_case(adult), "kia": verification.open_case(
        child, kind="kia_new", document_type="kia", applicant=kia["applicant"],
        parent={"nik": parent.nik, "full_name": parent.full_name})}
    client = console_factory(verification).test_client()
    sign_in(client, "verifier", OWN)
    pages = {}
    for document, case in cases.items():
        path = f"/verifikasi/kasus/{case['id']}"
        client.post(f"{path}/klaim", data={"csrf_token": csrf(client.get(path).get_data(as_text=True))})
        pages[document] = client.get(path).get_data(as_text=True)

    for asked in ("applicant.marital_status", "applicant.occupation"):
        assert f'value="{asked}"' in pages["ektp"] and f'value="{asked}"' not in pages["kia"]
    assert 'value="applicant.religion"' in pages["kia"], "what a child's card asks can be corrected"
    assert "Pekerjaan" in pages["ektp"] and "Pekerjaan" not in pages["kia"]
