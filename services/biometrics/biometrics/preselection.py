"""The fingerprint index's accuracy, by the standard indexing protocol: hit rate against penetration rate.

Gallery: impression 1 of every finger (the mates' and every distractor's). Probes: the mates' other
impressions. For a probe, the index ranks the whole gallery; a search that fully matches the best
P x N of them (penetration P) finds the mate when its rank is at most ceil(P x N). The hit rate at P is
the share of probes for which it does. One finger at a time (no fusion of fingers): the hardest case,
a person enrolled with two fingers gets ranks at least this good.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from .engine.cylinders import Cylinders
from .engine.finger_index import POSITIONS, FingerIndex, IndexShape, signature

__all__ = ["IndexShape", "PENETRATIONS", "hit_rates", "ranks"]

PENETRATIONS = (0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2)


def ranks(gallery: Mapping[str, Cylinders], probes: Sequence[tuple[str, Cylinders]],
          shape: IndexShape = IndexShape()) -> np.ndarray:
    """1-based rank of each probe's mate (probes: (mate's gallery key, cylinders))."""
    index = FingerIndex(shape)
    keys = list(gallery)
    sigs = np.zeros((len(keys), POSITIONS, shape.words), np.uint64)
    for row, key in enumerate(keys):
        sigs[row, 0] = signature(gallery[key], shape)
    index.add_many(keys, sigs)
    out = []
    for mate, cylinders in probes:
        probe = np.zeros((POSITIONS, shape.words), np.uint64)
        probe[0] = signature(cylinders, shape)
        out.append(index.rank(probe, mate))
    return np.array(out, np.int64)


def hit_rates(found: np.ndarray, gallery_size: int) -> dict:
    """{"hit_rate": {penetration: rate}, ...} for ranks of mates in a gallery of gallery_size."""
    rates = {str(p): round(float(np.mean(found <= max(1, math.ceil(p * gallery_size)))), 5) for p in PENETRATIONS}
    needed = np.sort(found)[max(0, math.ceil(0.99 * found.size) - 1)] / gallery_size if found.size else None
    return {"hit_rate": rates, "penetration_for_99_percent": None if needed is None else round(float(needed), 5),
            "rank_median": int(np.median(found)) if found.size else None, "probes": int(found.size),
            "gallery": gallery_size}
