"""Fingerprint pre-selection: which enrolled identities are worth matching in full, chosen by their fingers.

Minutia Cylinder-Code hashing after Cappelli, Ferrara, Maltoni, "Fingerprint Indexing Based on Minutia
Cylinder-Code", IEEE TPAMI 33(5), 2011. Every cylinder (cylinders.py, the matcher's own descriptor) is
binarised (a cell is 1 when its value exceeds 0.5, the paper's bit-based MCC) and hashed by L
locality-sensitive functions, each reading h fixed cells: two cylinders of the same minutia in two
impressions agree on most cells, so they collide in many functions, while unrelated ones rarely do.

The paper keeps an inverted list per hash value. Here each finger keeps the set of (function, value)
pairs it produced as a fixed-length bit signature (a Bloom-style folding into `signature_bits` bits),
so a search is one AND and popcount over a contiguous matrix per finger position (numpy, no Python
loop over the gallery), an identity costs 10 x signature_bits / 8 bytes whatever its minutiae count,
and adding or removing one is a row write. The folding adds chance collisions, which the cosine
normalisation below treats like any other impostor overlap; hit rate against penetration on real
prints is measured by `python -m biometrics.evaluate` (`preselection`).

An identity's score sums, over the finger positions probe and reference both have, the cosine of the
two signatures: every enrolled finger takes part, and no face is consulted.
"""
from __future__ import annotations

import functools
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import numpy as np

from .cylinders import Cylinders, CylinderShape, _grid

POSITIONS = 10
_MIX = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: spreads (function, value) over the signature


@dataclass(frozen=True)
class IndexShape:
    """Chosen on the evaluation's development part (docs/biometrics.md, "Pre-selection"): of L 16-48, h 8-14
    and 1,024-8,192 bits, h = 14 with 4,096 bits ranked the mate first or second most often."""

    functions: int = 24  # L: hash functions per cylinder
    bits: int = 14  # h: cells each function reads
    min_ones: int = 2  # a value with fewer set cells (a sparse, border cylinder) collides by chance: not kept
    signature_bits: int = 4096
    seed: int = 2011

    @property
    def words(self) -> int:
        return self.signature_bits // 64


@functools.lru_cache(maxsize=8)
def _sampled_cells(index: IndexShape, shape: CylinderShape) -> np.ndarray:
    """(functions, bits) cell numbers each hash function reads: cells inside the cylinder's circle only
    (the corners are never valid), drawn once from a fixed seed so every process hashes alike."""
    _, in_circle, _, _, _ = _grid(shape)
    cells = np.nonzero(np.repeat(in_circle, shape.nd))[0]
    rng = np.random.default_rng(index.seed)
    return np.stack([rng.choice(cells, index.bits, replace=False) for _ in range(index.functions)])


def signature(cylinders: Cylinders, index: IndexShape = IndexShape(), shape: CylinderShape = CylinderShape()) -> np.ndarray:
    """The finger's (function, hash value) set folded into index.words uint64 words."""
    out = np.zeros(index.signature_bits, bool)
    if cylinders.count:
        bits = cylinders.values > 0.5  # invalid cells are 0 in values, so they read as 0
        sampled = bits[:, _sampled_cells(index, shape)]  # (n, functions, bits)
        values = (sampled * (1 << np.arange(index.bits))).sum(axis=2).astype(np.uint64)
        keep = sampled.sum(axis=2) >= index.min_ones
        keys = (values + (np.arange(index.functions, dtype=np.uint64) << np.uint64(index.bits)))[keep]
        slots = (keys * _MIX) >> np.uint64(64 - int(np.log2(index.signature_bits)))
        out[slots.astype(np.int64)] = True
    return np.packbits(out).view(np.uint64)


def signatures(fingers: Iterable[tuple[int, Cylinders]], index: IndexShape = IndexShape(),
               shape: CylinderShape = CylinderShape()) -> np.ndarray:
    """(10, words): the signature of each (ISO position, cylinders) at row position - 1, zeros elsewhere."""
    out = np.zeros((POSITIONS, index.words), np.uint64)
    for position, cylinders in fingers:
        out[position - 1] = signature(cylinders, index, shape)
    return out


class FingerIndex:
    """Signatures of every enrolled identity's fingers, by position: (10, capacity, words) uint64.
    Not thread-safe: the gallery calls it under its lock."""

    CHUNK = 1 << 15  # rows per AND/popcount pass: keeps temporaries in cache

    def __init__(self, index: IndexShape = IndexShape()):
        self.shape = index
        self._sig = np.zeros((POSITIONS, 1024, index.words), np.uint64)
        self._ones = np.zeros((POSITIONS, 1024), np.float32)
        self._refs: list[str | None] = []
        self._row: dict[str, int] = {}
        self._free: list[int] = []

    def __len__(self) -> int:
        return len(self._row)

    @property
    def nbytes(self) -> int:
        """Bytes the indexed identities take (the matrices' spare capacity, up to as much again, not counted)."""
        return len(self._refs) * POSITIONS * (self.shape.words * 8 + 4)

    def add(self, reference_id: str, signatures: np.ndarray) -> None:
        """Index (or re-index) an identity: signatures is (10, words), row i the finger at ISO position
        i + 1, zeros where none was captured (signatures())."""
        row = self._row.get(reference_id)
        if row is None:
            row = self._free.pop() if self._free else self._append(reference_id)
            self._refs[row] = reference_id
            self._row[reference_id] = row
        self._sig[:, row] = signatures
        self._ones[:, row] = np.bitwise_count(signatures).sum(axis=1)

    def add_many(self, reference_ids: list[str], signatures: np.ndarray) -> None:
        """Index identities not indexed yet, in one write: signatures is (n, 10, words)."""
        start = len(self._refs)
        self._reserve(start + len(reference_ids))
        stop = start + len(reference_ids)
        self._sig[:, start:stop] = signatures.transpose(1, 0, 2)
        self._ones[:, start:stop] = np.bitwise_count(signatures).sum(axis=2).T
        self._refs.extend(reference_ids)
        self._row.update(zip(reference_ids, range(start, stop)))

    def _reserve(self, rows: int) -> None:
        if rows > self._sig.shape[1]:
            grow = max(rows, 2 * self._sig.shape[1]) - self._sig.shape[1]
            self._sig = np.concatenate([self._sig, np.zeros((POSITIONS, grow, self.shape.words), np.uint64)], axis=1)
            self._ones = np.concatenate([self._ones, np.zeros((POSITIONS, grow), np.float32)], axis=1)

    def _append(self, reference_id: str) -> int:
        row = len(self._refs)
        self._reserve(row + 1)
        self._refs.append(reference_id)
        return row

    def signatures(self, reference_id: str) -> np.ndarray:
        return self._sig[:, self._row[reference_id]].copy()

    def remove(self, reference_id: str) -> None:
        row = self._row.pop(reference_id, None)
        if row is not None:
            self._sig[:, row] = 0
            self._ones[:, row] = 0
            self._refs[row] = None
            self._free.append(row)

    def scores(self, probe: np.ndarray) -> np.ndarray:
        """Per row, the summed cosine of the probe's and the row's signatures over common positions."""
        n = len(self._refs)
        total = np.zeros(n, np.float32)
        for position, sig in enumerate(probe):
            ones = float(np.bitwise_count(sig).sum())
            if not ones:
                continue
            mine, counts = self._sig[position], self._ones[position]
            for start in range(0, n, self.CHUNK):
                stop = min(n, start + self.CHUNK)
                common = np.bitwise_count(mine[start:stop] & sig).sum(axis=1, dtype=np.uint16)
                with np.errstate(divide="ignore", invalid="ignore"):
                    total[start:stop] += np.nan_to_num(common / np.sqrt(counts[start:stop] * ones))
        return total

    def candidates(self, probe: np.ndarray, k: int, exclude: Collection[str] = ()) -> list[str]:
        """The k identities whose fingers collide most with the probe's, best first."""
        scores = self.scores(probe)
        for ref in exclude:
            if (row := self._row.get(ref)) is not None:
                scores[row] = -1.0
        for row in self._free:
            scores[row] = -1.0
        k = min(k, len(self._row) - len([r for r in exclude if r in self._row]))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k] if k < scores.size else np.arange(scores.size)
        top = top[np.argsort(-scores[top], kind="stable")]
        return [self._refs[row] for row in top if scores[row] >= 0]

    def rank(self, probe: np.ndarray, reference_id: str) -> int:
        """1-based rank of a reference among all indexed identities for this probe (evaluation)."""
        scores = self.scores(probe)
        mine = scores[self._row[reference_id]]
        valid = np.ones(scores.size, bool)
        valid[self._free] = False
        return int((scores[valid] > mine).sum()) + 1
