"""A child's identity card (KIA) in verification: the same queue with the KIA's rules. The applying parent is
checked against the child's family card in the registry, and an approved KIA is done with no capture
appointment: application.verified carries what printing needs to print it (the parent, the uploaded photo)."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from verification.registry import load, shipped_path

REGISTRY = load(shipped_path())


def age(member: Any) -> int:
    born = dt.date.fromisoformat(member.birth_date)
    today = dt.date.today()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def family_with_a_child() -> tuple[Any, Any, Any]:
    """A child of 5 to 16, a parent (head of the family) and another child of the same KK."""
    for members in (REGISTRY.family(m.kk_number) for m in REGISTRY.members()):
        children = [m for m in members.values() if m.relationship == "ANAK"]
        young = [c for c in children if 5 <= age(c) <= 16]
        head = [m for m in members.values() if m.relationship == "KEPALA KELUARGA"]
        if young and head and len(children) >= 2:
            return young[0], head[0], next(c for c in children if c is not young[0])
    raise AssertionError("the shipped registry has no such family")


def kia_submission(submission, child: Any, parent: Any) -> dict[str, Any]:
    data = submission(child, kind="kia_new", documents=("akta_kelahiran", "kk", "photo"),
                      marital_status="BELUM KAWIN", occupation=None)  # as intake sends a KIA
    return {**data, "document_type": "kia", "parent": {"nik": parent.nik, "full_name": parent.full_name}}


@pytest.fixture
def verifier(service):
    return service.token("ana", "verifier", offices=service.offices)


def test_an_approved_kia_is_verified_with_no_capture_appointment_and_printing_gets_the_parent_and_photo(
        service, verifier, make_submission):
    child, parent, _ = family_with_a_child()
    data = service.submit(kia_submission(make_submission, child, parent))
    case = service.case_of(data["application_id"], verifier)
    assert case["kind"] == "kia_new" and case["parent"] == data["parent"]
    assert not [f for f in case["findings"] if f["severity"] == "error"], case["findings"]

    service.claim(case["id"], verifier)
    decided = service.client.post(f"/v1/cases/{case['id']}/decision", headers=verifier, json={"decision": "approve"})
    assert decided.status_code == 200, decided.get_json()
    assert (decided.get_json()["state"], decided.get_json()["appointment"]) == ("VERIFIED", None)
    [verified] = [e for e in service.emitted("application.verified.v1") if e["application_id"] == data["application_id"]]
    assert (verified["document_type"], verified["parent"]) == ("kia", data["parent"])
    photo = next(d for d in data["documents"] if d["kind"] == "photo")
    assert verified["photo"]["document_id"] == photo["document_id"]
    assert not [e for e in service.emitted("appointment.scheduled.v1") if e["application_id"] == data["application_id"]]


def test_a_parent_who_is_not_on_the_childs_kk_as_a_parent_is_an_error_the_officer_sees_first(service, verifier,
                                                                                           make_submission):
    child, parent, sibling = family_with_a_child()
    stranger = next(m for m in REGISTRY.members() if m.kk_number != child.kk_number)
    for applicant, code in ((stranger, "registry.parent_not_in_kk"), (sibling, "registry.not_a_parent")):
        data = service.submit(kia_submission(make_submission, child, applicant))
        case = service.case_of(data["application_id"], verifier)
        assert code in case["flags"]
        [finding] = [f for f in case["findings"] if f["code"] == code]
        assert finding["severity"] == "error" and finding["message"]["id"]


def test_a_correction_of_a_childs_card_cannot_name_marital_status_or_occupation(service, verifier, make_submission):
    child, parent, _ = family_with_a_child()
    data = service.submit(kia_submission(make_submission, child, parent))
    case = service.case_of(data["application_id"], verifier)
    service.claim(case["id"], verifier)
    asked = {"decision": "request_correction", "reason_code": "data_mismatch", "message": "Periksa data anak.",
             "corrections": [{"field": "applicant.full_name", "message": "Sesuai KK."},
                             {"field": "applicant.occupation", "message": "Isi pekerjaan."}]}
    refused = service.client.post(f"/v1/cases/{case['id']}/decision", headers=verifier, json=asked)
    assert refused.status_code == 422 and [e["field"] for e in refused.get_json()["errors"]] == ["corrections.1.field"]
    assert not [e for e in service.emitted("application.correction_requested.v1")
                if e["application_id"] == data["application_id"]], "nothing was asked of the parent"
    asked["corrections"] = asked["corrections"][:1]
    sent = service.client.post(f"/v1/cases/{case['id']}/decision", headers=verifier, json=asked)
    assert sent.status_code == 200 and sent.get_json()["state"] == "CORRECTION_REQUESTED", sent.get_json()
