"""From scores to false-match rates, and back to thresholds.

A calibration is built by the evaluation from impostor comparisons: the empirical false-match rate
(FMR) as a function of the score, and, beyond the strongest impostors it saw, an exponential tail
fitted to the top 1 % of impostor scores (the usual peaks-over-threshold model). Rates below
1 / impostor-count are therefore extrapolations, and no rate is claimed more than two decades below
what the impostors measured (`floor`): past that the model would be guessing.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

import numpy as np

TAIL_FRACTION = 0.01
EXTRAPOLATION_DECADES = 2


@dataclass(frozen=True)
class ScoreCalibration:
    """FMR of one matcher's scores. `scores` ascend and `fmrs` descend; both are in the matcher's own
    direction (for distances, where smaller means more alike, scores are stored negated)."""

    higher_is_match: bool
    impostors: int
    genuine: int
    scores: tuple[float, ...]
    fmrs: tuple[float, ...]
    tail_from: float
    tail_fmr: float
    tail_scale: float

    @classmethod
    def fit(cls, genuine: np.ndarray, impostor: np.ndarray, higher_is_match: bool = True) -> "ScoreCalibration":
        sign = 1.0 if higher_is_match else -1.0
        imp = np.sort(sign * np.asarray(impostor, dtype=np.float64))
        n = imp.size
        if n < 100:
            raise ValueError("at least 100 impostor scores are needed to calibrate")
        # FMR(s) = share of impostors scoring >= s, sampled on a log grid down to 1/n.
        levels = np.unique(np.concatenate([np.geomspace(1.0, 1.0 / n, 80), [TAIL_FRACTION]]))[::-1]
        idx = np.clip(np.ceil(n * (1.0 - levels)).astype(int), 0, n - 1)
        scores = imp[idx]
        scores, keep = np.unique(scores, return_index=True)
        fmrs = levels[keep]
        u = float(imp[int(math.floor(n * (1.0 - TAIL_FRACTION)))])
        excess = imp[imp > u] - u
        scale = float(excess.mean()) if excess.size else 1e-6
        return cls(higher_is_match, int(n), int(np.asarray(genuine).size), tuple(map(float, scores)),
                   tuple(map(float, fmrs)), u, float((imp >= u).mean()), max(scale, 1e-9))

    @property
    def floor(self) -> float:
        """The smallest false-match rate this calibration will state."""
        return 10.0 ** -EXTRAPOLATION_DECADES / self.impostors

    def _directed(self, score: float | np.ndarray) -> np.ndarray:
        return np.asarray(score, dtype=np.float64) * (1.0 if self.higher_is_match else -1.0)

    def fmr(self, score: float | np.ndarray) -> np.ndarray | float:
        """Estimated probability that an impostor comparison scores at least this well."""
        s = self._directed(score)
        empirical = np.interp(s, self.scores, self.fmrs, left=1.0)
        tail = self.tail_fmr * np.exp(-(s - self.tail_from) / self.tail_scale)
        out = np.maximum(np.where(s > self.tail_from, tail, empirical), self.floor)
        return float(out) if out.ndim == 0 else out

    def threshold(self, fmr: float) -> float:
        """The score at which the FMR falls to `fmr` (accept scores at least this good); infinite
        when `fmr` is below the floor, since no score can then be trusted to reach it."""
        if not 0.0 < fmr <= 1.0:
            raise ValueError("fmr must be in (0, 1]")
        if fmr < self.floor:
            return math.inf if self.higher_is_match else -math.inf
        if fmr >= self.tail_fmr:
            s = float(np.interp(-math.log(fmr), [-math.log(f) for f in self.fmrs], self.scores))
        else:
            s = self.tail_from + self.tail_scale * math.log(self.tail_fmr / fmr)
        return s if self.higher_is_match else -s

    def is_extrapolated(self, fmr: float) -> bool:
        return fmr < 1.0 / self.impostors

    def accepts(self, score: float, fmr: float) -> bool:
        t = self.threshold(fmr)
        return score >= t if self.higher_is_match else score <= t


@dataclass(frozen=True)
class Calibration:
    """All matchers' calibrations, keyed by matcher name, as committed in calibration.json."""

    matchers: dict[str, ScoreCalibration]
    source: str = ""

    def __getitem__(self, name: str) -> ScoreCalibration:
        try:
            return self.matchers[name]
        except KeyError:
            raise KeyError(f"no calibration for matcher {name!r}; run biometrics.evaluate") from None

    def to_json(self) -> str:
        return json.dumps({"format": 1, "source": self.source,
                           "matchers": {k: asdict(v) for k, v in sorted(self.matchers.items())}}, indent=1)

    @classmethod
    def from_json(cls, text: str) -> "Calibration":
        doc = json.loads(text)
        if doc.get("format") != 1:
            raise ValueError("unknown calibration format")
        return cls({k: ScoreCalibration(**{**v, "scores": tuple(v["scores"]), "fmrs": tuple(v["fmrs"])})
                    for k, v in doc["matchers"].items()}, doc.get("source", ""))

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Calibration":
        """The given file, or the calibration committed inside the package."""
        if path is None:
            return cls.from_json(resources.files(__package__).joinpath("calibration.json").read_text())
        return cls.from_json(Path(path).read_text())


def fpir_from_target(target: int) -> float:
    """MOSIP ABIS convention: targetFPIR = round(-10 * log10(FPIR)), so 30 means FPIR 0.001."""
    return 10.0 ** (-target / 10.0)


def target_from_fpir(fpir: float) -> int:
    return int(round(-10.0 * math.log10(fpir)))
