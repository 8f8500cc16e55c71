"""Hit rate against penetration: a mate counts as found at a penetration when its rank is within that share
of the gallery, rounded up."""
import numpy as np

from biometrics.preselection import hit_rates


def test_a_mate_ranked_within_the_penetrated_share_of_the_gallery_is_a_hit():
    report = hit_rates(np.array([1, 1, 3, 50, 900]), gallery_size=1000)
    assert report["hit_rate"]["0.001"] == 0.4  # rank 1 only
    assert report["hit_rate"]["0.005"] == 0.6  # ranks up to 5
    assert report["hit_rate"]["0.05"] == 0.8  # up to 50
    assert report["hit_rate"]["0.2"] == 0.8  # rank 900 needs 90 %
    assert report["penetration_for_99_percent"] == 0.9 and report["probes"] == 5


def test_any_gallery_size_has_at_least_one_candidate():
    assert hit_rates(np.array([1, 2]), gallery_size=10)["hit_rate"]["0.001"] == 0.5
