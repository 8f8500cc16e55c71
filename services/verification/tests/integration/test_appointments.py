"""Biometric-capture appointments: an office's daily capacity and hours, reschedules through intake's
event, no-shows that free the slot, and the expiry that follows when nothing is rebooked."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from ektp_shared.contracts.biometrics import IDENTIFY_REQUESTED
from ektp_shared.contracts.intake import RESCHEDULE_REQUESTED
from verification.appointments import expire_due, mark_no_shows

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def admin(service):
    return service.token("root", "admin")


@pytest.fixture
def ana(service):
    return service.token("ana", "verifier", offices=("UPT-TEST", *service.offices))  # the UPT configured below


def approve(service, token, data) -> dict:
    case = service.case_of(data["application_id"], token)
    service.claim(case["id"], token)
    response = service.client.post(f"/v1/cases/{case['id']}/decision", headers=token, json={"decision": "approve"})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def configure_small_office(service, admin, village_code: str, capacity: int = 2) -> dict:
    district = village_code[:8]
    response = service.client.put("/v1/offices/UPT-TEST", headers=admin, json={
        "kind": "UPT", "serves": district, "name": "UPT Disdukcapil Kecamatan Uji", "address": "Jl. Uji 2",
        "daily_capacity": capacity, "opens": "08:00", "closes": "12:00"})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


VILLAGE = "32.01.01.1002"  # Cibinong, Kabupaten Bogor (WIB)


def living_in(make_submission, member, village: str = VILLAGE) -> dict:
    return make_submission(member, address={"street": "Jl. Tegar Beriman 1", "rt": "001", "rw": "002",
                                            "village_code": village})


def test_an_office_takes_its_daily_capacity_then_the_next_working_day(service, admin, ana, people, make_submission):
    office = configure_small_office(service, admin, VILLAGE)
    assert office["timezone"] == "Asia/Jakarta"
    booked = [approve(service, ana, service.submit(living_in(make_submission, member)))["appointment"]
              for member in people[:3]]
    assert {b["office_code"] for b in booked} == {"UPT-TEST"}, "the district's UPT serves, not the regency"
    zone = ZoneInfo(office["timezone"])
    starts = [dt.datetime.fromisoformat(b["starts_at"]).astimezone(zone) for b in booked]
    assert starts[0].date() == starts[1].date() and (starts[0].hour, starts[0].minute) == (8, 0)
    assert (starts[1].hour, starts[1].minute) == (10, 0), "a 08:00–12:00 day cut into 2 slots"
    assert starts[2].date() > starts[1].date() and starts[2].weekday() < 5
    assert (starts[2].hour, starts[2].minute) == (8, 0)


def test_only_an_admin_configures_offices_and_bad_hours_name_the_field(service, admin, ana):
    body = {"kind": "UPT", "serves": "32.01.01", "name": "UPT", "address": "Jl. 1", "daily_capacity": 5,
            "opens": "15:00", "closes": "08:00"}
    assert service.client.put("/v1/offices/UPT-1", headers=ana, json=body).status_code == 403
    wrong = service.client.put("/v1/offices/UPT-1", headers=admin, json=body)
    assert wrong.status_code == 422 and wrong.get_json()["errors"][0]["field"] == "closes"
    unknown = service.client.put("/v1/offices/UPT-1", headers=admin, json={**body, "opens": "08:00", "closes": "15:00",
                                                                          "serves": "99.99.99"})
    assert unknown.status_code == 422 and unknown.get_json()["errors"][0]["field"] == "serves"


def test_a_reschedule_frees_the_slot_and_books_a_new_one_from_the_day_asked(service, admin, ana, people,
                                                                           make_submission):
    configure_small_office(service, admin, VILLAGE, capacity=1)
    first = service.submit(living_in(make_submission, people[0]))
    old = approve(service, ana, first)["appointment"]
    not_before = dt.datetime.fromisoformat(old["starts_at"]).astimezone(WIB).date() + dt.timedelta(days=10)
    service.deliver(RESCHEDULE_REQUESTED, {"application_id": first["application_id"], "appointment_id": old["id"],
                                           "requested_at": dt.datetime.now(dt.timezone.utc), "not_before": not_before})
    new, = [e for e in service.emitted("appointment.scheduled.v1") if e["replaces"] == old["id"]]
    assert dt.datetime.fromisoformat(new["starts_at"]).astimezone(WIB).date() >= not_before

    # The freed slot goes to the next applicant: capacity 1, so only a free slot puts them on that day.
    second = approve(service, ana, service.submit(living_in(make_submission, people[1])))["appointment"]
    assert second["starts_at"] == old["starts_at"]

    # Asking again about the replaced appointment changes nothing.
    service.deliver(RESCHEDULE_REQUESTED, {"application_id": first["application_id"], "appointment_id": old["id"],
                                           "requested_at": dt.datetime.now(dt.timezone.utc), "not_before": None})
    assert len([e for e in service.emitted("appointment.scheduled.v1")
                if e["application_id"] == first["application_id"]]) == 2


def test_a_no_show_frees_the_slot_and_the_application_expires_unless_rebooked(make_verification, people,
                                                                             make_submission):
    service = make_verification(no_show_expiry_days=14, no_show_grace_minutes=60)
    ana = service.token("ana", "verifier")
    kept, missed, rebooked = (service.submit(make_submission(p)) for p in people[:3])
    appointments = {d["application_id"]: approve(service, ana, d)["appointment"] for d in (kept, missed, rebooked)}
    service.deliver(IDENTIFY_REQUESTED, {"application_id": kept["application_id"],
                                         "reference_id": "0c1b8f0e-4d8a-4c57-9a47-2f3b3f1f0a01",
                                         "capture_id": "7f6e5d4c-3b2a-4190-8a7b-6c5d4e3f2a1b"})
    day_after = max(dt.datetime.fromisoformat(a["starts_at"]) for a in appointments.values()) + dt.timedelta(days=1)
    with service.runtime.uow() as uow:
        assert sorted(c.application_id for c in mark_no_shows(uow, day_after, service.runtime.settings)) == sorted(
            [missed["application_id"], rebooked["application_id"]])
        uow.commit()
    case = service.case_of(missed["application_id"], ana)
    assert case["appointment"]["state"] == "NO_SHOW" and case["expires_at"]

    # One citizen books again; the other does not.
    service.deliver(RESCHEDULE_REQUESTED, {"application_id": rebooked["application_id"],
                                           "appointment_id": appointments[rebooked["application_id"]]["id"],
                                           "requested_at": day_after, "not_before": None})
    with service.runtime.uow() as uow:
        assert expire_due(uow, day_after + dt.timedelta(days=13)) == []
        expired = expire_due(uow, day_after + dt.timedelta(days=15))
        assert [c.application_id for c in expired] == [missed["application_id"]]
        uow.commit()
    event, = service.emitted("application.expired.v1")
    assert (event["application_id"], event["reason"]) == (missed["application_id"], "no_show")
    assert service.case_of(missed["application_id"], ana)["state"] == "EXPIRED"
    assert service.case_of(rebooked["application_id"], ana)["state"] == "APPROVED"
    assert service.case_of(kept["application_id"], ana)["appointment"]["state"] == "ATTENDED"


def test_outside_domicile_books_the_capture_at_the_chosen_regency_office_not_the_address(
        service, admin, ana, people, make_submission):
    configure_small_office(service, admin, VILLAGE)  # the address's own district has a UPT: it must not serve
    data = living_in(make_submission, people[0])
    data.update(kind="outside_domicile", office_regency="32.73", documents=[
        d for d in data["documents"] if d["kind"] in ("kk", "photo")])
    service.submit(data)
    case = service.case_of(data["application_id"], ana)
    assert case["office_code"] == "DISDUKCAPIL-3273"
    decided = approve(service, ana, data)
    assert decided["appointment"]["office_code"] == "DISDUKCAPIL-3273"
    [verified] = [e for e in service.emitted("application.verified.v1") if e["application_id"] == data["application_id"]]
    [scheduled] = [e for e in service.emitted("appointment.scheduled.v1") if e["application_id"] == data["application_id"]]
    for office in (verified["office"], scheduled["office"]):  # printing prints and hands over there; notify names it
        assert (office["code"], office["name"]) == (
            "DISDUKCAPIL-3273", "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL KOTA BANDUNG")
