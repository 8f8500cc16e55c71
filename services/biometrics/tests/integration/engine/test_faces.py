import struct

import numpy as np
import pytest

from biometrics.engine import CaptureRejected, Engine, EngineSettings, FaceCohort, FaceTemplate
from biometrics.engine.face import DLIB, SFACE

from .conftest import read_fixture


@pytest.fixture(scope="module")
def legacy():
    """The engine as it was before SFace: dlib by default, its faces cohort-normalised."""
    engine = Engine(EngineSettings(face_model=DLIB))
    return engine, {name: engine.extract_face(read_fixture(f"{name}.jpg"))
                    for name in ("obama_1", "obama_2", "biden_1", "biden_2", "harington_1", "leslie_1")}


def test_two_photos_of_the_same_person_match(engine, faces):
    assert engine.verify_face(faces["obama_2"], faces["obama_1"]).match
    assert engine.verify_face(faces["biden_2"], faces["biden_1"]).match


@pytest.mark.parametrize("a,b", [("obama_1", "biden_1"), ("obama_2", "biden_2"), ("harington_1", "leslie_1"),
                                 ("biden_1", "harington_1")])
def test_different_people_do_not_match(engine, faces, a, b):
    decision = engine.verify_face(faces[a], faces[b])
    assert not decision.match
    assert decision.fmr > engine.settings.face_target_fmr


def test_the_default_face_model_is_sface_and_every_template_names_its_model(engine, faces):
    assert {t.model for t in faces.values()} == {SFACE}
    assert engine.verify_face(faces["obama_2"], faces["obama_1"]).method == SFACE


def test_legacy_dlib_faces_are_cohort_normalised_and_keep_the_same_verdicts(legacy):
    engine, faces = legacy
    others = [faces[n].vector for n in ("harington_1", "leslie_1", "biden_1", "biden_2")]
    cohort = FaceCohort(others * 4, [f"ref-{i}" for i in range(16)])
    genuine = engine.verify_face(faces["obama_2"], faces["obama_1"], cohort=cohort)
    impostor = engine.verify_face(faces["obama_2"], faces["leslie_1"], cohort=cohort)
    assert genuine.method == impostor.method == "dlib-resnet-v1+cohort"
    assert genuine.match and not impostor.match


def test_sface_scores_raw_distances_even_when_given_a_cohort(engine, faces):
    others = [faces[n].vector for n in ("harington_1", "leslie_1", "biden_1", "biden_2")]
    cohort = FaceCohort(others * 4, [f"ref-{i}" for i in range(16)])
    decision = engine.verify_face(faces["obama_2"], faces["obama_1"], cohort=cohort)
    assert decision.method == SFACE and decision.match


def test_faces_of_two_models_are_never_compared(engine, faces, legacy):
    _, old = legacy
    with pytest.raises(ValueError, match="cannot be compared"):
        engine.verify_face(faces["obama_2"], old["obama_1"])


def test_an_engine_migrating_from_dlib_extracts_a_face_with_both_models(faces, legacy):
    migrating = Engine(EngineSettings(legacy_face_models=(DLIB,)))
    templates = migrating.extract_faces(read_fixture("obama_2.jpg"))
    assert [t.model for t in templates] == [SFACE, DLIB]
    assert migrating.verify_face(templates[0], faces["obama_1"]).match
    assert migrating.verify_face(templates[1], legacy[1]["obama_1"]).match


def test_dlib_templates_stored_before_templates_named_their_model_still_read_as_dlib(legacy):
    _, faces = legacy
    template = faces["obama_1"]
    old_format = struct.pack(">4sHHh", b"EKF1", 80, 10, 0) + np.asarray(template.descriptor, ">f2").tobytes()
    again = FaceTemplate.from_bytes(old_format)
    assert again.model == DLIB
    assert np.array_equal(again.descriptor, template.descriptor)


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
    assert len(blob) == 10 + 1 + len(SFACE) + 128 * 2
    assert again.to_bytes() == blob
    assert engine.verify_face(faces["obama_2"], again).score == engine.verify_face(faces["obama_2"], faces["obama_1"]).score
