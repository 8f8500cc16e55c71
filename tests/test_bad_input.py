"""Every bad input gets a 4xx JSON error naming the field — never a 500 (embedded profile, every service)."""
from __future__ import annotations

import io
import uuid

import pytest

from ektp_shared.auth import issue_development_token
from ektp_shared.service import discover
from ektp_shared.testing.harness import ServiceHarness
from ektp_shared.web.app import create_app

APPLICATION = {"applicant": {"nik": "3201015705000001", "kk_number": "3201010101200001", "full_name": "Uji Coba",
                             "birth_place": "Bogor", "birth_date": "2000-05-17", "gender": "PEREMPUAN",
                             "religion": "ISLAM", "marital_status": "BELUM KAWIN", "occupation": "KARYAWAN SWASTA",
                             "address": {"street": "Jl. Uji 1", "rt": "001", "rw": "002", "village_code": "32.01.01.1002"}},
               "contact": {"phone": "081234567890"}}


class Clients(dict):
    """A test client per service, built (and migrated) on first use; intake's is signed in as the citizen of
    APPLICATION (every application route needs a citizen's token)."""

    def __init__(self, runtime_factory):
        super().__init__()
        self._factory = runtime_factory

    def __missing__(self, name: str):
        runtime = self._factory(discover(name)[name], max_upload_bytes=64 * 1024)
        self[name] = (create_app(runtime).test_client(), runtime)
        if name == "intake":
            sign_in(*self[name])
        return self[name]


def sign_in(client, runtime) -> None:
    nik, phone = APPLICATION["applicant"]["nik"], APPLICATION["contact"]["phone"]
    request_id = client.post("/v1/citizen/codes", json={"nik": nik, "channel": "sms", "address": phone}).get_json()["request_id"]
    [code] = [e["code"] for e in ServiceHarness(runtime).emitted("citizen.code_requested.v1") if e["request_id"] == request_id]
    token = client.post("/v1/citizen/sessions", json={"request_id": request_id, "nik": nik, "code": code}).get_json()["token"]
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"


@pytest.fixture
def clients(runtime_factory):
    return Clients(runtime_factory)


def token(runtime, *roles: str) -> dict[str, str]:
    return {"Authorization": "Bearer " + issue_development_token(runtime.settings, "officer-7", list(roles))}


def fields_of(response) -> list[str]:
    body = response.get_json()
    assert set(body) >= {"code", "message", "errors"}, body
    return [error["field"] for error in body["errors"]]


def test_malformed_json_names_the_body(clients):
    intake, _ = clients["intake"]
    response = intake.post("/v1/applications", data="{not json", content_type="application/json")
    assert response.status_code == 400 and fields_of(response) == ["body"]


@pytest.mark.parametrize("change, field", [
    (lambda b: b["applicant"].pop("full_name"), "applicant.full_name"),
    (lambda b: b.update(surprise=1), "surprise"),
    (lambda b: b["applicant"].update(nik="12345"), "applicant.nik"),
    (lambda b: b["applicant"].update(nik="320101570500000١"), "applicant.nik"),
    (lambda b: b["applicant"]["address"].update(rt="1"), "applicant.address.rt"),
    (lambda b: b["applicant"].update(birth_date="17-05-2000"), "applicant.birth_date"),
    (lambda b: b.update(contact={}), "contact.phone"),
])
def test_invalid_application_fields_are_named(clients, change, field):
    intake, _ = clients["intake"]
    body = {"applicant": {**APPLICATION["applicant"], "address": dict(APPLICATION["applicant"]["address"])},
            "contact": dict(APPLICATION["contact"])}
    change(body)
    response = intake.post("/v1/applications", json=body)
    assert response.status_code == 422 and field in fields_of(response)


def test_wrong_content_type_is_refused_naming_the_header(clients):
    intake, _ = clients["intake"]
    response = intake.post("/v1/applications", data="nik=1", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415 and fields_of(response) == ["Content-Type"]


def test_an_upload_over_the_limit_is_refused(clients):
    intake, _ = clients["intake"]
    created = intake.post("/v1/applications", json=APPLICATION).get_json()
    response = intake.put(f"/v1/applications/{created['id']}/documents/kk", content_type="multipart/form-data",
                          data={"file": (io.BytesIO(b"\xff\xd8\xff" + b"0" * 70 * 1024), "kk.jpg")})
    assert response.status_code == 413 and fields_of(response) == ["body"]


def test_an_upload_that_is_not_a_document_names_the_file(clients):
    intake, _ = clients["intake"]
    created = intake.post("/v1/applications", json=APPLICATION).get_json()
    response = intake.put(f"/v1/applications/{created['id']}/documents/kk", content_type="multipart/form-data",
                          data={"file": (io.BytesIO(b"MZ\x90\x00 an executable"), "kk.jpg")})
    assert response.status_code == 422 and fields_of(response) == ["file"]
    missing = intake.put(f"/v1/applications/{created['id']}/documents/kk", content_type="multipart/form-data", data={})
    assert missing.status_code == 422 and fields_of(missing) == ["file"]


@pytest.mark.parametrize("service, path", [
    ("intake", "/v1/applications/{id}"), ("intake", "/v1/applications/not-a-uuid"),
    ("verification", "/v1/cases/{id}"), ("biometrics", "/v1/enrolments/{id}"), ("printing", "/v1/cards/{id}"),
])
def test_unknown_ids_are_404_naming_the_id(clients, service, path):
    client, runtime = clients[service]
    roles = {"verification": "verifier", "biometrics": "biometric_operator", "printing": "print_operator"}
    headers = token(runtime, roles[service]) if service in roles else {}
    response = client.get(path.format(id=uuid.uuid4()), headers=headers)
    assert response.status_code == 404
    assert fields_of(response)[0] in {"application_id", "case_id"}


@pytest.mark.parametrize("service, method, path, wrong_role", [
    ("verification", "get", "/v1/cases", "print_operator"),
    ("biometrics", "post", "/v1/enrolments/{id}/capture", "verifier"),
    ("printing", "post", "/v1/cards/{id}/handover", "biometric_operator"),
    ("notify", "get", "/v1/applications/{id}/notifications", "biometric_operator"),
    ("intake", "get", "/v1/admin/parking", "verifier"),
])
def test_officer_endpoints_need_a_token_with_the_right_role(clients, service, method, path, wrong_role):
    client, runtime = clients[service]
    url = path.format(id=uuid.uuid4())
    anonymous = getattr(client, method)(url)
    assert anonymous.status_code == 401 and fields_of(anonymous) == ["Authorization"]
    assert "Bearer" in anonymous.headers["WWW-Authenticate"]
    forged = getattr(client, method)(url, headers={"Authorization": "Bearer not.a.jwt"})
    assert forged.status_code == 401
    other = getattr(client, method)(url, headers=token(runtime, wrong_role))
    assert other.status_code == 403 and fields_of(other) == ["Authorization"]


def test_decisions_validate_their_reason(clients):
    client, runtime = clients["verification"]
    response = client.post(f"/v1/cases/{uuid.uuid4()}/decision", json={"decision": "reject"},
                           headers=token(runtime, "verifier"))
    assert response.status_code == 422 and "reason_code" in fields_of(response)
    response = client.post(f"/v1/cases/{uuid.uuid4()}/decision", json={"decision": "maybe"}, headers=token(runtime, "verifier"))
    assert response.status_code == 422 and fields_of(response) == ["decision"]


def test_unknown_routes_and_methods_are_json(clients):
    intake, _ = clients["intake"]
    assert intake.get("/nope").status_code == 404 and intake.get("/nope").is_json
    response = intake.delete("/v1/applications")
    assert response.status_code == 405 and "POST" in response.headers["Allow"] and response.is_json
