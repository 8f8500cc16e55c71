import io

import numpy as np
import pytest
from PIL import Image

from biometrics.engine import CaptureRejected, FingerTemplate, TemplateFormatError


def png(pixels: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, format="PNG")
    return buf.getvalue()


def test_a_second_impression_of_the_same_fingers_matches(engine, person_fingers):
    decision = engine.verify_fingers(person_fingers[("101", 2)], person_fingers[("101", 1)])
    assert decision.match
    assert decision.fmr <= engine.settings.finger_target_fmr
    assert set(decision.details["finger_scores"]) == {2, 7}


@pytest.mark.parametrize("other", ["102", "103"])
def test_another_persons_fingers_do_not_match(engine, person_fingers, other):
    decision = engine.verify_fingers(person_fingers[("101", 2)], person_fingers[(other, 1)])
    assert not decision.match
    assert decision.fmr > engine.settings.finger_target_fmr


def test_each_single_finger_of_a_genuine_pair_is_accepted_at_the_configured_fmr(engine, person_fingers):
    for probe, reference in zip(person_fingers[("102", 2)], person_fingers[("102", 1)]):
        assert engine.verify_fingers([probe], [reference]).match


def test_fingers_at_different_positions_are_not_compared(engine, person_fingers):
    right_index = person_fingers[("101", 1)][0]
    left_index_again = person_fingers[("101", 2)][1]
    decision = engine.verify_fingers([left_index_again], [right_index])
    assert not decision.match and decision.details["finger_scores"] == {}


@pytest.mark.parametrize("photo", ["not_a_finger_face.jpeg", "not_a_finger_landscape.jpg"])
def test_a_photo_that_is_not_a_fingerprint_is_refused_with_a_reason(engine, photo, image):
    with pytest.raises(CaptureRejected) as refused:
        engine.extract_finger(3, image(photo))
    assert "finger_too_few_minutiae" in refused.value.codes
    assert all(r.position == 3 for r in refused.value.reasons)
    assert "right middle" in str(refused.value)


def test_a_blank_scan_is_refused_as_blank(engine):
    with pytest.raises(CaptureRejected) as refused:
        engine.extract_finger(1, png(np.full((400, 300), 250, np.uint8)))
    assert refused.value.codes == ["finger_blank"]


def test_bytes_that_are_no_image_are_refused(engine):
    with pytest.raises(CaptureRejected) as refused:
        engine.extract_finger(1, b"%PDF-1.7 not a fingerprint")
    assert refused.value.codes == ["image_unreadable"]


def test_one_capture_lists_every_finger_to_retake(engine, image):
    with pytest.raises(CaptureRejected) as refused:
        engine.extract_fingers({2: image("fvc2000_db1_101_1.png"), 7: png(np.zeros((300, 300), np.uint8)),
                                9: image("not_a_finger_face.jpeg")})
    assert sorted({r.position for r in refused.value.reasons}) == [7, 9]


def test_template_survives_storage_as_iso_19794_2(engine, person_fingers):
    probe, reference = person_fingers[("101", 2)][1], person_fingers[("101", 1)][1]
    blob = reference.to_bytes()
    again = FingerTemplate.from_bytes(blob)
    assert blob[:8] == b"FMR\x00 20\x00"
    assert int.from_bytes(blob[8:12], "big") == len(blob)
    assert again.to_bytes() == blob
    assert (again.position, again.count, again.nfiq2) == (7, reference.count, reference.nfiq2)
    assert engine.matcher.compare(probe, again) == engine.matcher.compare(probe, reference)


def test_a_damaged_template_is_refused(person_fingers):
    blob = person_fingers[("101", 1)][0].to_bytes()
    with pytest.raises(TemplateFormatError):
        FingerTemplate.from_bytes(blob[:-10])
