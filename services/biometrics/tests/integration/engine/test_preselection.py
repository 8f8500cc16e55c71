"""Fingerprint-first 1:N: the fingerprint index chooses whom to match from every enrolled finger, and the
face is only a second, independent source of candidates. Distractors are synthetic (engine/synthetic.py):
they cost what real fingers cost; the accuracy of the index on real prints is the evaluation's
(`preselection` in benchmarks/biometrics/summary.json)."""
import numpy as np
import pytest

from biometrics.engine import FaceTemplate
from biometrics.engine.synthetic import FingerPool, recaptured, synthetic_finger

DISTRACTORS = 100_000


@pytest.fixture(scope="module")
def crowd(engine, person_fingers, faces):
    """100,000 distractors with faces near the fixture faces' mean, and Obama enrolled with his face,
    his two real fingers (right and left index) and eight synthetic ones."""
    rng = np.random.default_rng(13)
    gallery = engine.new_gallery()
    pool = FingerPool(gallery, rng, per_position=30)
    mean = np.mean([f.vector for f in faces.values()], axis=0)
    vectors = mean + rng.normal(0, 0.05, (DISTRACTORS, 128))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)

    def distractors():
        for i in range(DISTRACTORS):
            records, signatures = pool.draw()
            yield f"ref-{i}", FaceTemplate(vectors[i].astype(np.float16)).to_bytes(), records, signatures

    gallery.add_many(distractors())
    others = {p: synthetic_finger(rng, p) for p in (1, 3, 4, 5, 6, 8, 9, 10)}
    real = {f.position: f.to_bytes() for f in person_fingers[("101", 1)]}
    gallery.add_stored("ref-obama", faces["obama_1"].to_bytes(), {**others, **real})
    again = [recaptured(record, rng) for record in others.values()] + person_fingers[("101", 2)]
    return gallery, again


def test_a_mate_whose_face_is_a_strangers_is_found_among_100k_by_his_fingers(crowd, faces):
    gallery, ten_fingers = crowd
    assert len(gallery) == DISTRACTORS + 1
    shortlisted = [ref for ref, _ in gallery.search_faces(faces["leslie_1"], gallery.policy.shortlist)]
    assert "ref-obama" not in shortlisted, "the face alone would not have led to him"
    found = gallery.identify(faces["leslie_1"], ten_fingers)
    assert [c.reference_id for c in found] == ["ref-obama"]
    assert found[0].face_distance is None and found[0].fingers_compared >= 4


def test_two_fingers_are_enough_for_the_index_to_lead_to_the_mate(crowd, faces, person_fingers):
    gallery, _ = crowd
    two = person_fingers[("101", 2)]
    assert gallery.finger_rank(two, "ref-obama") <= gallery.policy.finger_candidates
    assert [c.reference_id for c in gallery.identify(faces["leslie_1"], two)] == ["ref-obama"]


def test_a_stranger_with_a_mates_face_is_no_duplicate(crowd, faces, person_fingers):
    gallery, _ = crowd
    assert gallery.identify(faces["obama_2"], person_fingers[("102", 2)]) == []
