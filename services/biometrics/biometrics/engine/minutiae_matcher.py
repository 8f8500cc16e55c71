"""Comparing two fingers: MCC local similarities consolidated by LSS-R.

Local Similarity Sort with Relaxation (Cappelli et al. 2010, section 4): the best-matching cylinder
pairs are relaxed against each other, so pairs that agree geometrically (same distances, same relative
directions) reinforce each other and lonely look-alikes fade. The score is in [0, 1].
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .cylinders import Cylinders, angle_difference


@dataclass(frozen=True)
class Consolidation:
    """LSS-R parameters; the values are the paper's (Table 2)."""

    max_direction_difference: float = np.pi / 2
    min_matching_cells: float = 0.60
    min_np: int = 4
    max_np: int = 12
    mu_p: float = 20.0
    tau_p: float = 0.4
    w_r: float = 0.5
    n_rel: int = 5
    mu_1: float = 5.0
    tau_1: float = -1.6
    mu_2: float = np.pi / 12
    tau_2: float = -30.0
    mu_3: float = np.pi / 12
    tau_3: float = -30.0


def _sigmoid(v: np.ndarray | float, mu: float, tau: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(np.clip(-tau * (np.asarray(v) - mu), -60.0, 60.0)))


def local_similarities(a: Cylinders, b: Cylinders, rule: Consolidation, cells_in_circle: int) -> np.ndarray:
    """The (na, nb) matrix of cylinder similarities: 1 - |ca-cb| / (|ca|+|cb|) over common cells."""
    dot = a.values @ b.values.T
    a2 = a.squares @ b.valid.T  # |a|^2 restricted to the cells valid in b
    b2 = a.valid @ b.squares.T
    common = a.valid @ b.valid.T
    norm_a, norm_b = np.sqrt(a2), np.sqrt(b2)
    denominator = norm_a + norm_b
    distance = np.sqrt(np.maximum(a2 + b2 - 2.0 * dot, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        sim = np.where(denominator > 0, 1.0 - distance / denominator, 0.0)
    sim[common < rule.min_matching_cells * cells_in_circle] = 0.0
    sim[np.abs(angle_difference(a.theta[:, None], b.theta[None, :])) > rule.max_direction_difference] = 0.0
    return sim


def lssr_score(a: Cylinders, b: Cylinders, sim: np.ndarray, rule: Consolidation) -> float:
    na, nb = sim.shape
    if na < 2 or nb < 2:
        return 0.0
    n_r = min(na, nb)
    flat = sim.ravel()
    top = np.argpartition(flat, -n_r)[-n_r:]
    top = top[flat[top] > 0]
    if top.size < 2:
        return 0.0
    ra, cb = np.divmod(top, nb)
    lam0 = flat[top]

    pa, pb = a.xy[ra], b.xy[cb]
    ta, tb = a.theta[ra], b.theta[cb]
    # Pairwise geometry of the chosen minutiae on each side.
    dxa = pa[None, :, 0] - pa[:, None, 0]
    dya = pa[None, :, 1] - pa[:, None, 1]
    dxb = pb[None, :, 0] - pb[:, None, 0]
    dyb = pb[None, :, 1] - pb[:, None, 1]
    d1 = np.abs(np.hypot(dxa, dya) - np.hypot(dxb, dyb))
    d2 = np.abs(angle_difference(angle_difference(ta[:, None], ta[None, :]),
                                 angle_difference(tb[:, None], tb[None, :])))
    ra_dir = angle_difference(ta[:, None], np.arctan2(dya, dxa))
    rb_dir = angle_difference(tb[:, None], np.arctan2(dyb, dxb))
    d3 = np.abs(angle_difference(ra_dir, rb_dir))
    rho = (_sigmoid(d1, rule.mu_1, rule.tau_1) * _sigmoid(d2, rule.mu_2, rule.tau_2)
           * _sigmoid(d3, rule.mu_3, rule.tau_3))
    np.fill_diagonal(rho, 0.0)

    lam = lam0
    k = lam0.size
    for _ in range(rule.n_rel):
        lam = rule.w_r * lam + (1.0 - rule.w_r) * (rho @ lam) / (k - 1)
    efficiency = lam / lam0
    n_p = rule.min_np + int(round(float(_sigmoid(min(na, nb), rule.mu_p, rule.tau_p)) * (rule.max_np - rule.min_np)))
    n_p = min(n_p, k)
    best = np.argpartition(efficiency, -n_p)[-n_p:]
    return float(lam[best].mean())
