"""The 4x6 photo rules and the NIK check as a citizen's browser meets them, over HTTP: each refused photo
says why in Bahasa Indonesia and English, the background policy is configuration, and any text sent to
`POST /v1/nik/validate` gets an answer, never a server error."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ektp_shared.identity.nik import check_nik
from intake.schemas import today


def refused_codes(response) -> list[str]:
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert [e["field"] for e in body["errors"]] == ["file"]
    return [f["code"] for f in body["findings"]]


def test_a_4x6_photo_of_one_face_on_red_is_accepted(intake, citizen, photos):
    application_id = intake.create(citizen())["id"]
    assert intake.upload(application_id, "photo", photos.portrait(photos.faces[0])).status_code == 201


@pytest.mark.parametrize("build, code", [
    (lambda p: p.portrait(p.faces[0], background=p.blue), "photo.background"),
    (lambda p: p.portrait(p.faces[1], background=p.white), "photo.background"),
    (lambda p: p.portrait(p.faces[2], size=(720, 720)), "photo.ratio"),
    (lambda p: p.portrait(p.faces[0], size=(300, 450)), "photo.too_small"),
    (lambda p: p.portrait(p.faces[0], p.faces[1]), "photo.multiple_faces"),
    (lambda p: p.portrait(background=p.red), "photo.no_face"),
])
def test_a_photo_breaking_a_rule_is_refused_with_the_reason_in_both_languages(intake, citizen, photos, build, code):
    application_id = intake.create(citizen())["id"]
    response = intake.upload(application_id, "photo", build(photos))
    assert refused_codes(response) == [code]
    finding = response.get_json()["findings"][0]
    assert finding["message"]["id"] and finding["message"]["en"] and finding["message"]["id"] != finding["message"]["en"]
    assert intake.status(application_id)["documents"] == [], "nothing was stored"


def test_a_pdf_is_no_photo(intake, citizen):
    application_id = intake.create(citizen())["id"]
    response = intake.upload(application_id, "photo", b"%PDF-1.7\n%%EOF")
    assert refused_codes(response) == ["document.type_not_allowed"]


@pytest.mark.parametrize("birth_year, colour, accepted", [(1990, "blue", True), (1991, "red", True),
                                                          (1990, "red", False), (1991, "blue", False)])
def test_the_birth_year_parity_policy_is_configuration(make_intake, citizen, photos, birth_year, colour, accepted):
    intake = make_intake(photo_background_policy="birth-year-parity")
    body = citizen(years=dt.date.today().year - birth_year)
    application_id = intake.create(body)["id"]
    response = intake.upload(application_id, "photo", photos.portrait(photos.faces[0], background=getattr(photos, colour)))
    assert (response.status_code == 201) is accepted
    if not accepted:
        expected = "red" if birth_year % 2 else "blue"
        assert f"must be {expected}" in response.get_json()["findings"][0]["message"]["en"]


def test_an_unknown_photo_policy_is_refused_at_start(make_intake):
    from ektp_shared.settings import SettingsError

    with pytest.raises(SettingsError, match="PHOTO_BACKGROUND_POLICY"):
        make_intake(photo_background_policy="green")


def test_the_nik_check_answers_with_the_regions_and_the_warnings(intake):
    answer = intake.client.post("/v1/nik/validate", json={"nik": "3201015705000001", "birth_date": "2000-05-18",
                                                           "gender": "LAKI-LAKI"}).get_json()
    assert answer["valid"] is True and answer["errors"] == []
    assert [w["code"] for w in answer["warnings"]] == ["nik.birth_date_mismatch", "nik.gender_mismatch"]
    assert (answer["province"]["name"], answer["regency"]["code"], answer["district"]["name"]) == (
        "Jawa Barat", "32.01", "Cibinong")
    assert (answer["birth_date"], answer["gender"]) == ("2000-05-17", "PEREMPUAN")
    invalid = intake.client.post("/v1/nik/validate", json={"nik": "3201013205000001"})
    assert invalid.status_code == 200 and invalid.get_json()["valid"] is False
    assert [e["code"] for e in invalid.get_json()["errors"]] == ["nik.birth_day_invalid"]


def test_a_nik_from_before_kalimantan_utara_is_valid_and_the_draft_is_accepted(intake, citizen):
    answer = intake.client.post("/v1/nik/validate", json={"nik": "6473011505800001"}).get_json()
    assert answer["valid"] is True and answer["errors"] == []
    assert (answer["regency"], answer["current_regency"]) == (
        {"code": "64.73", "name": "Kota Tarakan"}, {"code": "65.71", "name": "Kota Tarakan"})
    [warning] = answer["warnings"]
    assert warning["code"] == "nik.region_retired"
    assert "Kalimantan Timur" in warning["message"]["id"] and "65.71 Kota Tarakan (Kalimantan Utara)" in warning["message"]["id"]

    body = citizen(7, birth_date="1980-05-15", gender="LAKI-LAKI", nik="6473011505800001")
    application_id = intake.create(body)["id"]  # was a 422 (nik.regency_unknown) before the history
    review = intake.client.get(f"/v1/applications/{application_id}/review").get_json()
    assert [w["code"] for w in review["warnings"]] == ["nik.region_retired"]


@pytest.mark.parametrize("body, field", [({}, "nik"), ({"nik": "3201015705000001", "gender": "L"}, "gender"),
                                         ({"nik": "3201015705000001", "birth_date": "17-05-2000"}, "birth_date")])
def test_a_malformed_nik_request_names_the_field(intake, body, field):
    response = intake.client.post("/v1/nik/validate", json=body)
    assert response.status_code == 422 and [e["field"] for e in response.get_json()["errors"]] == [field]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(min_size=1, max_size=64), st.from_regex(r"[0-9]{16}", fullmatch=True)))
def test_any_nik_text_gets_the_checker_s_answer(intake, text):
    response = intake.client.post("/v1/nik/validate", json={"nik": text})
    assert response.status_code == 200
    assert response.get_json()["valid"] is check_nik(text, today=today()).valid
