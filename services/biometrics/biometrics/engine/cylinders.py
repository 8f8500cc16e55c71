"""Minutia Cylinder-Code: the local descriptor of every minutia.

Cappelli, Ferrara, Maltoni, "Minutia Cylinder-Code: a new representation and matching technique for
fingerprint recognition", IEEE TPAMI 32(12), 2010. Each minutia gets a cylinder of Ns x Ns x Nd cells
around it, aligned with its direction, whose cells say how many neighbours lie there and with which
relative direction. Cylinders are rotation- and translation-invariant, so two fingers can be compared
without aligning them first, and comparing all cylinders of two templates is four matrix products.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from scipy.special import erf

TWO_PI = 2.0 * np.pi


@dataclass(frozen=True)
class CylinderShape:
    """The paper's parameters (Table 2), with Ns=8 cells across instead of 16: a quarter of the
    memory and matrix work for a small loss of accuracy (measured in docs/biometrics.md)."""

    radius: float = 70.0
    ns: int = 8
    nd: int = 6
    sigma_s: float = 28.0 / 3.0
    sigma_d: float = 2.0 * np.pi / 9.0
    mu_psi: float = 0.01
    tau_psi: float = 400.0
    omega: float = 50.0
    min_valid_cells: float = 0.75
    min_neighbours: int = 2

    @property
    def cells(self) -> int:
        return self.ns * self.ns * self.nd


@dataclass(frozen=True)
class Cylinders:
    """The valid cylinders of one template, ready for matrix products.

    values: (n, cells) cell values, zero where a cell is invalid; squares: values**2;
    valid: (n, cells) 1.0 where a cell is valid; xy, theta: the minutiae the rows belong to.
    """

    values: np.ndarray
    squares: np.ndarray
    valid: np.ndarray
    xy: np.ndarray
    theta: np.ndarray

    @property
    def count(self) -> int:
        return int(self.values.shape[0])


def angle_difference(a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
    """a - b wrapped into [-pi, pi)."""
    return (np.asarray(a) - np.asarray(b) + np.pi) % TWO_PI - np.pi


DIRECTION_STEPS = 4096


@functools.lru_cache(maxsize=4)
def _directional_table(shape: CylinderShape) -> np.ndarray:
    """(DIRECTION_STEPS, nd): for a direction difference, its Gaussian weight in each angle bin."""
    step_d = TWO_PI / shape.nd
    rel = np.arange(DIRECTION_STEPS) * (TWO_PI / DIRECTION_STEPS) - np.pi
    bins = -np.pi + (np.arange(shape.nd) + 0.5) * step_d
    alpha = angle_difference(bins[None, :], rel[:, None])
    k = 1.0 / (shape.sigma_d * np.sqrt(2.0))
    return (0.5 * (erf((alpha + step_d / 2) * k) - erf((alpha - step_d / 2) * k))).astype(np.float32)


@functools.lru_cache(maxsize=4)
def _grid(shape: CylinderShape) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cell centre coordinates along one axis, which cells lie in the cylinder's circle, and the
    cells of the outer ring (beyond omega) with their local coordinates."""
    grid = (np.arange(shape.ns) + 0.5) * (2.0 * shape.radius / shape.ns) - shape.radius
    gu, gv = np.meshgrid(grid, grid, indexing="ij")
    local = np.stack([gu.ravel(), gv.ravel()], axis=1)  # (ns*ns, 2) in the minutia's own frame
    radius = np.hypot(local[:, 0], local[:, 1])
    in_circle = radius <= shape.radius
    ring = np.nonzero(in_circle & (radius > shape.omega))[0]
    return (grid.astype(np.float32), in_circle, ring, local[ring, 0].astype(np.float32),
            local[ring, 1].astype(np.float32))


def build(minutiae: np.ndarray, shape: CylinderShape = CylinderShape()) -> Cylinders:
    """Cylinders of a template; minutiae is (n, >=3): x, y, theta in radians."""
    m = np.asarray(minutiae, dtype=np.float64)
    n = m.shape[0]
    empty = np.zeros((0, shape.cells), np.float32)
    if n < shape.min_neighbours + 1:
        return Cylinders(empty, empty, empty, np.zeros((0, 2)), np.zeros(0))
    xy, theta = m[:, :2], m[:, 2]
    ns, nd = shape.ns, shape.nd
    g, in_circle, ring, ru, rv = _grid(shape)

    cos, sin = np.cos(theta), np.sin(theta)
    # Every neighbour t in minutia m's own frame (rotated by -theta_m): there the cell grid is fixed
    # and the Gaussian of a neighbour's distance to a cell splits into an along-u and an along-v
    # factor, so 2 * ns exponentials per neighbour replace ns * ns.
    dx = xy[None, :, 0] - xy[:, None, 0]
    dy = xy[None, :, 1] - xy[:, None, 1]
    pu = (cos[:, None] * dx + sin[:, None] * dy).astype(np.float32)
    pv = (-sin[:, None] * dx + cos[:, None] * dy).astype(np.float32)
    scale = np.float32(-0.5 / shape.sigma_s**2)
    eu = np.exp((g[None, :, None] - pu[:, None, :]) ** 2 * scale)  # (n, ns, n)
    ev = np.exp((g[None, :, None] - pv[:, None, :]) ** 2 * scale)
    # Neighbours beyond about 5 sigma add nothing; zeroing them also keeps subnormal floats, which
    # slow the products below tenfold, out of the arrays.
    eu[eu < 1e-6] = 0.0
    ev[ev < 1e-6] = 0.0
    eu[np.arange(n), :, np.arange(n)] = 0.0  # a minutia does not describe itself

    # Directional contribution: Gaussian area of the direction difference falling in each angle bin,
    # looked up from a fine table of the difference.
    rel = angle_difference(theta[:, None], theta[None, :])  # (n, n)
    table = _directional_table(shape)
    directional = table[np.rint((rel + np.pi) * (DIRECTION_STEPS / TWO_PI)).astype(np.int64) % DIRECTION_STEPS]

    # raw[m, (i, j), d] = sum_t eu[m, i, t] * ev[m, j, t] * directional[m, t, d], as one batched product.
    spatial = (eu[:, :, None, :] * ev[:, None, :, :]).reshape(n, ns * ns, n)
    raw = np.matmul(spatial, directional) * np.float32(1.0 / (shape.sigma_s * np.sqrt(TWO_PI)))
    values = 1.0 / (1.0 + np.exp(-shape.tau_psi * (raw - shape.mu_psi)))

    # The paper keeps cells inside the minutiae's convex hull grown by omega. Cells within omega of
    # some minutia are nearly the same set (they differ only in concave gaps of the print) and cost
    # less: those within omega of the cylinder's own minutia need no check at all.
    cell_ok = np.broadcast_to(in_circle, (n, ns * ns)).copy()
    ring_d2 = (ru[None, :, None] - pu[:, None, :]) ** 2 + (rv[None, :, None] - pv[:, None, :]) ** 2
    cell_ok[:, ring] = ring_d2.min(axis=2) <= shape.omega**2
    neighbours = (np.linalg.norm(xy[:, None, :] - xy[None, :, :], axis=2)
                  <= shape.radius + 3.0 * shape.sigma_s).sum(axis=1) - 1
    usable = (cell_ok.sum(axis=1) >= shape.min_valid_cells * int(in_circle.sum())) & (
        neighbours >= shape.min_neighbours)

    valid = np.repeat(cell_ok[usable], nd, axis=1).reshape(-1, ns * ns, nd)
    vals = np.where(valid, values[usable], 0.0).reshape(-1, shape.cells).astype(np.float32)
    mask = valid.reshape(-1, shape.cells).astype(np.float32)
    return Cylinders(vals, vals * vals, mask, xy[usable].copy(), theta[usable].copy())
