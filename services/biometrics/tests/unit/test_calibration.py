"""Thresholds come from measured error rates: the committed calibration and the maths behind it."""
import numpy as np
import pytest

from biometrics.engine import Calibration, ScoreCalibration, fpir_from_target, target_from_fpir
from biometrics.engine.error_rates import eer, fnmr_at_fmr, summary
from biometrics.engine.fusion import fisher_log10


def test_the_committed_calibration_covers_every_built_in_matcher():
    cal = Calibration.load()
    assert {"mcc-lssr-v1", "dlib-resnet-v1", "dlib-resnet-v1+cohort"} <= set(cal.matchers)
    finger = cal["mcc-lssr-v1"]
    # Fitted on the evaluation's development part of the fingers (about half of the FVC fingers): ~3,100 impostors.
    assert finger.impostors >= 3_000 and finger.higher_is_match
    # A stricter false-match rate demands a better score.
    assert finger.threshold(1e-2) < finger.threshold(1e-3) < finger.threshold(1e-4) < finger.threshold(1e-5)
    face = cal["dlib-resnet-v1"]
    assert not face.higher_is_match and face.threshold(1e-2) > face.threshold(1e-3)


def test_dlibs_usual_threshold_is_far_looser_than_one_in_a_thousand():
    face = Calibration.load()["dlib-resnet-v1"]
    assert face.fmr(0.6) > 0.01
    assert face.threshold(1e-3) < 0.5


def test_threshold_and_rate_are_inverse():
    rng = np.random.default_rng(7)
    cal = ScoreCalibration.fit(rng.normal(3, 1, 500), rng.normal(0, 1, 20_000))
    for fmr in (0.1, 0.01, 1e-3, 1e-5):
        assert cal.fmr(cal.threshold(fmr)) == pytest.approx(fmr, rel=0.05)
    assert cal.is_extrapolated(1e-5) and not cal.is_extrapolated(1e-3)


def test_no_rate_is_claimed_far_beyond_the_measured_impostors():
    rng = np.random.default_rng(7)
    cal = ScoreCalibration.fit(rng.normal(3, 1, 500), rng.normal(0, 1, 20_000))
    assert cal.floor == pytest.approx(1 / 2_000_000)
    assert cal.fmr(50.0) == cal.floor
    assert cal.threshold(1e-9) == float("inf")


def test_measured_rates_match_the_impostor_sample():
    rng = np.random.default_rng(3)
    impostor = rng.normal(0, 1, 50_000)
    cal = ScoreCalibration.fit(rng.normal(3, 1, 500), impostor)
    for t in (1.0, 2.0, 3.0):
        assert cal.fmr(t) == pytest.approx(np.mean(impostor >= t), rel=0.1)


def test_mosip_fpir_target_convention():
    assert fpir_from_target(30) == pytest.approx(1e-3)
    assert target_from_fpir(0.01) == 20


def test_two_weak_fingers_together_say_more_than_one():
    assert -fisher_log10([1e-3, 1e-3]) > 3.0
    assert -fisher_log10([1e-3, 0.5]) < 3.0
    assert fisher_log10([]) == 0.0


def test_error_rates_of_separated_and_overlapping_scores():
    assert eer(np.array([5.0, 6, 7]), np.array([1.0, 2, 3])) == 0.0
    rng = np.random.default_rng(1)
    g, i = rng.normal(2, 1, 20_000), rng.normal(0, 1, 20_000)
    assert eer(g, i) == pytest.approx(0.1587, abs=0.01)  # Phi(-1)
    assert fnmr_at_fmr(g, i, 1e-4) is not None
    assert fnmr_at_fmr(g, i[:5000], 1e-4) is None  # too few impostors to resolve 1 in 10,000
    assert summary(g, i[:500])["fnmr_at_fmr"] == {"0.01": pytest.approx(0.63, abs=0.08), "0.001": None, "0.0001": None}
