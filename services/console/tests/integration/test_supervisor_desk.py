"""The supervisor's desk through the console (development sign-in) against a real verification and biometrics:
the office dashboard with the funnel, the oldest wait and a stuck case; the case paused with a reason, resumed and
its checks retried, each in the audit log with the officer and the office."""
from __future__ import annotations

import datetime as dt

from verification.models import Case

from ..conftest import person_of
from .test_capture_desk import csrf
from .test_sign_in import sign_in

OWN = "DISDUKCAPIL-3273"


def test_a_supervisor_finds_a_stuck_case_pauses_resumes_and_retries_it_and_reads_the_audit_log(
        verification_factory, biometrics_factory, console_factory):
    verification, biometrics = verification_factory(), biometrics_factory()
    stuck = verification.open_case(person_of(OWN, 0))
    fresh = verification.open_case(person_of(OWN, 1))
    with verification.harness.runtime.uow() as uow:
        uow.session.get(Case, stuck["id"]).state_since -= dt.timedelta(days=3, hours=2)
        uow.commit()
    client = console_factory(verification, biometrics=biometrics).test_client()
    sign_in(client, "supervisor", OWN)

    board = client.get("/supervisor").get_data(as_text=True)
    assert "Menunggu verifikasi</th><td>2</td><td>3 hari 2 jam</td>" in board
    assert stuck["receipt_number"] in board and fresh["receipt_number"] not in board, "only the stuck one is listed"

    path = f"/supervisor/kasus/{stuck['id']}"
    page = client.get(path).get_data(as_text=True)
    unexplained = client.post(f"{path}/henti", data={"csrf_token": csrf(page), "henti-reason": ""})
    assert unexplained.status_code == 422 and "Tulis alasannya" in unexplained.get_data(as_text=True)
    paused = client.post(f"{path}/henti", data={"csrf_token": csrf(page), "henti-reason": "Dokumen diperiksa polisi"},
                         follow_redirects=True).get_data(as_text=True)
    assert "Dihentikan sementara" in paused and "operations.paused" in paused
    assert f"<td>ana</td><td>{OWN}</td><td class=\"mono\">operations.paused" in paused, "the officer and the office"
    resumed = client.post(f"{path}/lanjut", data={"csrf_token": csrf(page)}, follow_redirects=True).get_data(as_text=True)
    assert "Kasus dilanjutkan" in resumed and "Menunggu verifikasi" in resumed
    retried = client.post(f"{path}/ulang", data={"csrf_token": csrf(page), "ulang-stage": "checks"},
                          follow_redirects=True).get_data(as_text=True)
    assert "Diulang dari tahap" in retried and "operations.retry.checks" in retried


def test_another_offices_case_is_refused_at_the_supervisor_s_desk(verification_factory, biometrics_factory,
                                                                 console_factory):
    verification, biometrics = verification_factory(), biometrics_factory()
    other = verification.open_case(person_of("DISDUKCAPIL-3205"))
    client = console_factory(verification, biometrics=biometrics).test_client()
    sign_in(client, "supervisor", OWN)
    assert other["receipt_number"] not in client.get("/supervisor").get_data(as_text=True)
    refused = client.get(f"/supervisor/kasus/{other['id']}")
    assert refused.status_code == 403 and "Bukan kantor Anda" in refused.get_data(as_text=True)
