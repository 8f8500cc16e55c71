import pytest

from biometrics.engine import CaptureRejected, FaceCohort, FaceTemplate


def test_two_photos_of_the_same_person_match(engine, faces):
    assert engine.verify_face(faces["obama_2"], faces["obama_1"]).match
    assert engine.verify_face(faces["biden_2"], faces["biden_1"]).match


@pytest.mark.parametrize("a,b", [("obama_1", "biden_1"), ("obama_2", "biden_2"), ("harington_1", "leslie_1"),
                                 ("biden_1", "harington_1")])
def test_different_people_do_not_match(engine, faces, a, b):
    decision = engine.verify_face(faces[a], faces[b])
    assert not decision.match
    assert decision.fmr > engine.settings.face_target_fmr


def test_cohort_normalised_comparison_keeps_the_same_verdicts(engine, faces):
    others = [faces[n].vector for n in ("harington_1", "leslie_1", "biden_1", "biden_2")]
    cohort = FaceCohort(others * 4, [f"ref-{i}" for i in range(16)])
    genuine = engine.verify_face(faces["obama_2"], faces["obama_1"], cohort=cohort)
    impostor = engine.verify_face(faces["obama_2"], faces["leslie_1"], cohort=cohort)
    assert genuine.method == impostor.method == "dlib-resnet-v1+cohort"
    assert genuine.match and not impostor.match


def test_a_photo_with_two_people_is_refused(engine, image):
    with pytest.raises(CaptureRejected) as refused:
        engine.extract_face(image("two_people.jpg"))
    assert refused.value.codes == ["face_multiple"]
    assert "exactly one" in str(refused.value)


def test_a_tiny_face_is_refused_with_its_size(engine, image):
    with pytest.raises(CaptureRejected) as refused:
        engine.extract_face(image("tiny_face_240p.jpg"))
    assert refused.value.codes == ["face_too_small"]
    assert "60 px required" in str(refused.value)


def test_a_photo_without_a_face_is_refused(engine, image):
    with pytest.raises(CaptureRejected) as refused:
        engine.extract_face(image("not_a_finger_landscape.jpg"))
    assert refused.value.codes == ["face_not_found"]


def test_face_template_survives_storage_as_float16(engine, faces):
    blob = faces["obama_1"].to_bytes()
    again = FaceTemplate.from_bytes(blob)
    assert len(blob) == 10 + 128 * 2
    assert again.to_bytes() == blob
    assert engine.verify_face(faces["obama_2"], again).score == engine.verify_face(faces["obama_2"], faces["obama_1"]).score
