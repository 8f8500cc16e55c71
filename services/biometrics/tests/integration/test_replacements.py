"""Replacements and data changes with real images: the citizen's fingers are verified 1:1 against their own
earlier enrolment, found by the NIK's keyed hash, and the 1:N search then leaves that enrolment out. The holder
is enrolled again without an adjudicator; someone else at the desk is held for an officer; a card issued
before the platform (no enrolment here) is searched in full; over two matcher shards (PostgreSQL, slow) the holder
is left out whichever shard holds them."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from biometrics.models import Enrolment, GalleryEntry

from ..conftest import BIDEN, HARINGTON, OBAMA

OBAMA_NIK, BIDEN_NIK, LEGACY_NIK = "3201011508610001", "3201012011420002", "3201010101800003"


def gallery_rows(service) -> int:
    with service.runtime.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(GalleryEntry))


def test_a_replacement_of_an_enrolled_holder_is_enrolled_without_adjudication(service):
    first = service.capture_and_decide(OBAMA, nik=OBAMA_NIK)
    service.capture_and_decide(BIDEN, nik=BIDEN_NIK)
    lost = service.capture_and_decide(OBAMA, impression=2, photo=False, kind="replacement_lost", nik=OBAMA_NIK)

    view = service.enrolment(lost)
    assert view["state"] == "ENROLLED", view
    check = view["holder_check"]
    assert (check["result"], check["against"], check["fingers"]) == ("match", first, [2, 7])
    assert check["fmr"] <= check["target_fmr"] == service.runtime.settings.finger_target_fmr
    assert check["evidence"] > 4, "the holder's own fingers: far beyond the 1:1 threshold"
    assert service.emitted("biometrics.duplicate_suspected.v1") == [], "finding oneself is no duplicate"
    enrolled, = service.emitted("biometrics.enrolled.v1", lost)
    assert enrolled["fingers_enrolled"] == 2, "printing may print the new card"
    assert gallery_rows(service) == 2, "the holder is in the gallery once"
    with service.runtime.uow() as uow:
        stored = uow.session.scalars(select(Enrolment.nik_hash).where(Enrolment.application_id == lost)).one()
    assert stored != OBAMA_NIK and len(stored) == 64, "found by the NIK's keyed hash, never the NIK"

    changed = service.capture_and_decide(OBAMA, impression=1, photo=False, kind="data_change", nik=OBAMA_NIK)
    again = service.enrolment(changed)
    assert again["state"] == "ENROLLED" and again["holder_check"]["against"] == lost, "the newest enrolment"

    other_nik = service.capture_and_decide(OBAMA, impression=2, nik="3201010101900004")
    suspected, = service.emitted("biometrics.duplicate_suspected.v1")
    assert suspected["application_id"] == other_nik, "a first card under another NIK is still a duplicate"
    assert [c["application_id"] for c in suspected["candidates"]] == [first]


def test_a_replacement_whose_fingers_are_someone_elses_is_held_for_an_officer(service):
    service.capture_and_decide(OBAMA, nik=OBAMA_NIK)
    biden = service.capture_and_decide(BIDEN, nik=BIDEN_NIK)
    impostor = service.capture_and_decide(BIDEN, impression=2, photo=False, kind="replacement_damaged", nik=OBAMA_NIK)

    view = service.enrolment(impostor)
    assert view["state"] == "FACE_REVIEW"
    assert view["face_check"]["result"] == "no_photo" and view["holder_check"]["result"] == "no_match"
    assert view["holder_check"]["fmr"] > view["holder_check"]["target_fmr"]
    assert service.emitted("biometrics.enrolled.v1", impostor) == [] and gallery_rows(service) == 2
    adjudicator = service.token("eka", "biometric_adjudicator")
    queue = service.client.get("/v1/enrolments", query_string={"state": "FACE_REVIEW"}, headers=adjudicator)
    assert [e["application_id"] for e in queue.get_json()] == [impostor]

    # The officer is persuaded it is the holder: the 1:N search runs, and finds whose fingers these are.
    reviewed = service.client.post(f"/v1/enrolments/{impostor}/face-review", headers=adjudicator,
                                   json={"decision": "same_person", "note": "old KTP and KK checked"})
    assert reviewed.status_code == 200, reviewed.get_json()
    assert reviewed.get_json()["holder_check"]["review"]["officer"] == "eka"
    assert all(d.outcome.value == "handled" for d in service.work())
    suspected, = service.emitted("biometrics.duplicate_suspected.v1")
    assert suspected["application_id"] == impostor
    assert [c["application_id"] for c in suspected["candidates"]] == [biden], "a hit on another person: adjudication"


def test_a_recapture_ordered_after_a_holder_mismatch_is_checked_again(service):
    first = service.capture_and_decide(OBAMA, nik=OBAMA_NIK)
    swapped = service.capture_and_decide(HARINGTON, photo=False, kind="move_in", nik=OBAMA_NIK)
    assert service.enrolment(swapped)["holder_check"]["result"] == "no_match"
    adjudicator = service.token("eka", "biometric_adjudicator")
    ordered = service.client.post(f"/v1/enrolments/{swapped}/face-review", json={"decision": "recapture"},
                                  headers=adjudicator)
    assert ordered.get_json()["state"] == "AWAITING_CAPTURE"
    assert service.capture(swapped, OBAMA, impression=2).status_code == 202
    service.work()
    view = service.enrolment(swapped)
    assert (view["state"], view["holder_check"]["result"], view["holder_check"]["against"]) == \
        ("ENROLLED", "match", first)


def test_a_replacement_of_a_card_issued_before_the_platform_is_searched_in_full(service):
    first = service.capture_and_decide(OBAMA, nik=OBAMA_NIK)
    legacy = service.capture_and_decide(HARINGTON, photo=False, kind="replacement_lost", nik=LEGACY_NIK)
    view = service.enrolment(legacy)
    assert (view["state"], view["holder_check"]) == ("ENROLLED", None), "nobody to compare with; nobody like them"
    assert gallery_rows(service) == 2, "enrolled into the gallery, as a first card is"

    claimed = service.capture_and_decide(OBAMA, impression=2, photo=False,
                                         kind="replacement_lost", nik="3201010101800005")
    suspected, = service.emitted("biometrics.duplicate_suspected.v1")
    assert suspected["application_id"] == claimed, "an unknown NIK with an enrolled person's fingers: adjudication"
    assert [c["application_id"] for c in suspected["candidates"]] == [first]


@pytest.mark.slow
def test_over_two_matcher_shards_the_holder_is_left_out_of_the_search_and_nobody_else(make_biometrics):
    service = make_biometrics(real=True, matcher_shards=2)
    try:
        first = service.capture_and_decide(OBAMA, nik=OBAMA_NIK)
        service.capture_and_decide(BIDEN, nik=BIDEN_NIK)
        lost = service.capture_and_decide(OBAMA, impression=2, photo=False, kind="replacement_lost", nik=OBAMA_NIK)
        assert service.enrolment(lost)["state"] == "ENROLLED"
        assert service.emitted("biometrics.duplicate_suspected.v1") == []
        other_nik = service.capture_and_decide(OBAMA, impression=2, nik="3201010101900004")
        suspected, = service.emitted("biometrics.duplicate_suspected.v1")
        assert (suspected["application_id"], [c["application_id"] for c in suspected["candidates"]]) == (other_nik, [first])
    finally:
        service.runtime.context.abis.gallery.stop()
