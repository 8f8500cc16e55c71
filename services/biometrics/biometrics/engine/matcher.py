"""The fingerprint matcher seam: anything with these methods can replace the built-in MCC matcher,
including an adapter to a commercial ABIS. Scores are matcher-specific; calibration.json maps each
matcher's scores (by `name`) to false-match rates."""
from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from .cylinders import CylinderShape
from .finger import FingerTemplate
from .minutiae_matcher import Consolidation, local_similarities, lssr_score


class Matcher(Protocol):
    name: str

    def prepare(self, template: FingerTemplate) -> Any:
        """Whatever the matcher wants to keep in memory per gallery finger (built once)."""

    def compare_prepared(self, probe: Any, reference: Any) -> float:
        """Similarity of two prepared fingers; higher means more alike."""

    def compare(self, probe: FingerTemplate, reference: FingerTemplate) -> float:
        """Similarity of two fingers; higher means more alike."""


class MccMatcher:
    """Minutia Cylinder-Code with LSS-R consolidation, in numpy (see cylinders.py and
    minutiae_matcher.py). Stateless after construction, so safe to share between threads."""

    name = "mcc-lssr-v1"

    def __init__(self, shape: CylinderShape = CylinderShape(), rule: Consolidation = Consolidation()):
        self.shape = shape
        self.rule = rule
        grid = (np.arange(shape.ns) + 0.5) * 2 * shape.radius / shape.ns - shape.radius
        gu, gv = np.meshgrid(grid, grid)
        self._cells_in_circle = int((np.hypot(gu, gv) <= shape.radius).sum()) * shape.nd

    def prepare(self, template: FingerTemplate):
        return template.cylinders(self.shape)

    def compare_prepared(self, probe, reference) -> float:
        if probe.count < 2 or reference.count < 2:
            return 0.0
        sim = local_similarities(probe, reference, self.rule, self._cells_in_circle)
        return lssr_score(probe, reference, sim, self.rule)

    def compare(self, probe: FingerTemplate, reference: FingerTemplate) -> float:
        return self.compare_prepared(self.prepare(probe), self.prepare(reference))
