"""1:N search: a person enrolled once is found when enrolling again under another application."""


def enrolled(engine, person_fingers, faces, people):
    gallery = engine.new_gallery()
    face_of = {"101": "obama_1", "102": "biden_1", "103": "harington_1"}
    for person in people:
        gallery.add(f"ref-{person}", faces[face_of[person]], person_fingers[(person, 1)])
    return gallery


def test_a_duplicate_enrolment_is_found(engine, person_fingers, faces):
    gallery = enrolled(engine, person_fingers, faces, ["101", "102", "103"])
    candidates = gallery.identify(faces["obama_2"], person_fingers[("101", 2)])
    assert [c.reference_id for c in candidates] == ["ref-101"]
    assert candidates[0].fingers_compared == 2
    assert candidates[0].evidence > candidates[0].fingerprint_evidence > 0


def test_a_new_person_has_no_candidates(engine, person_fingers, faces):
    gallery = enrolled(engine, person_fingers, faces, ["102", "103"])
    assert gallery.identify(faces["obama_2"], person_fingers[("101", 2)]) == []


def test_the_duplicate_is_found_by_fingerprints_when_the_face_is_someone_elses(engine, person_fingers, faces):
    gallery = enrolled(engine, person_fingers, faces, ["101", "102", "103"])
    candidates = gallery.identify(faces["leslie_1"], person_fingers[("101", 2)])
    assert [c.reference_id for c in candidates] == ["ref-101"]


def test_a_matching_face_alone_never_makes_a_duplicate(engine, person_fingers, faces):
    gallery = enrolled(engine, person_fingers, faces, ["101"])
    # Obama's face again, but with another person's fingers.
    assert gallery.identify(faces["obama_2"], person_fingers[("102", 2)]) == []


def test_enrolling_the_same_reference_twice_keeps_one(engine, person_fingers, faces):
    gallery = enrolled(engine, person_fingers, faces, ["101", "102"])
    gallery.add("ref-101", faces["obama_1"], person_fingers[("101", 1)])
    assert len(gallery) == 2
    assert [c.reference_id for c in gallery.identify(faces["obama_2"], person_fingers[("101", 2)])] == ["ref-101"]


def test_a_removed_reference_is_no_longer_found(engine, person_fingers, faces):
    gallery = enrolled(engine, person_fingers, faces, ["101", "102", "103"])
    gallery.remove("ref-101")
    assert "ref-101" not in gallery
    assert gallery.identify(faces["obama_2"], person_fingers[("101", 2)]) == []
    assert [c.reference_id for c in gallery.identify(faces["biden_2"], person_fingers[("102", 2)])] == ["ref-102"]


def test_a_large_galleries_screened_face_search_returns_the_exact_nearest(engine, faces):
    """Past `coarse_from` faces the search screens on projections; it must still return exactly the
    faces an exhaustive search returns."""
    import dataclasses

    import numpy as np

    from biometrics.engine import FaceTemplate

    rng = np.random.default_rng(5)
    mean = np.mean([f.vector for f in faces.values()], axis=0)
    stored = [FaceTemplate((mean + rng.normal(0, 0.05, 128)).astype(np.float16)) for _ in range(9000)]
    screened = engine.new_gallery(dataclasses.replace(engine.settings.search, coarse_from=8500))
    exhaustive = engine.new_gallery()
    for gallery in (screened, exhaustive):
        for i, face in enumerate(stored):
            gallery.add(f"ref-{i}", face, [])
        gallery.add("ref-obama", faces["obama_1"], [])
    for probe in [faces["obama_2"], stored[17], FaceTemplate((mean + rng.normal(0, 0.05, 128)).astype(np.float16))]:
        top = screened.search_faces(probe, 20)
        assert top == exhaustive.search_faces(probe, 20)
    model = engine.settings.face_model
    assert screened._faces[model]._coarse is not None and exhaustive._faces[model]._coarse is None
    assert screened.search_faces(faces["obama_2"], 1)[0][0] == "ref-obama"


def six_fingers(person_fingers, impression, people=("101", "102", "103")):
    """One person made of the six fixture fingers, at positions 2, 7, 1, 6, 3, 8."""
    from biometrics.engine import FingerTemplate

    positions = iter((2, 7, 1, 6, 3, 8))
    return [FingerTemplate(next(positions), f.minutiae, f.nfiq2, f.width, f.height)
            for person in people for f in person_fingers[(person, impression)]]


def test_a_duplicate_with_many_fingers_is_found_and_a_stranger_screened_out(engine, person_fingers, faces):
    gallery = enrolled(engine, person_fingers, faces, ["102"])
    gallery.add("ref-six", faces["harington_1"], six_fingers(person_fingers, 1))
    found = gallery.identify(None, six_fingers(person_fingers, 2))
    assert [c.reference_id for c in found] == ["ref-six"] and found[0].fingers_compared == 6
    # The same six fingers at other positions are another person to ref-six (whose first four fingers
    # are then weak, so the rest are skipped), but hold ref-102's right and left index fingers.
    other = six_fingers(person_fingers, 2, people=("102", "103", "101"))
    assert [c.reference_id for c in gallery.identify(None, other)] == ["ref-102"]


def test_while_faces_are_migrated_each_model_is_searched_only_with_its_own_faces(person_fingers):
    """A reference enrolled before SFace has only a dlib face; a new capture brings both. The search
    compares the probe's dlib face with dlib faces and its SFace face with SFace faces, never across."""
    from biometrics.engine import Engine, EngineSettings
    from biometrics.engine.face import DLIB, SFACE

    from .conftest import read_fixture

    engine = Engine(EngineSettings(legacy_face_models=(DLIB,)))
    obama_1, obama_2 = (engine.extract_faces(read_fixture(f"obama_{i}.jpg")) for i in (1, 2))
    gallery = engine.new_gallery()
    gallery.add("ref-old", [t for t in obama_1 if t.model == DLIB], person_fingers[("101", 1)])
    assert gallery.faces(SFACE) == 0 and gallery.faces(DLIB) == 1
    assert gallery.search_faces(obama_2[0], 5) == []  # the SFace probe: no SFace face to compare with
    assert [ref for ref, _ in gallery.search_faces(obama_2[1], 5)] == ["ref-old"]
    found, = gallery.identify(obama_2, person_fingers[("101", 2)])
    assert found.reference_id == "ref-old" and found.face_distance is not None

    gallery.add("ref-old", obama_1, person_fingers[("101", 1)])  # migrated: both models now
    assert gallery.faces(SFACE) == 1 and len(gallery) == 1
    assert [ref for ref, _ in gallery.search_faces(obama_2[0], 5)] == ["ref-old"]
