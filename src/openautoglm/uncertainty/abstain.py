"""Abstaining: a confidence threshold that reaches a target precision on calibration rows."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

#: the precision the abstain threshold of a run aims at (on the answered calibration rows)
DEFAULT_TARGET_PRECISION = 0.95
#: at least this many calibration rows must be answered: fewer say too little about precision
MIN_ANSWERED = 20


@dataclass
class AbstainRule:
    """Answer when confidence >= ``threshold``; else abstain. ``reached``: the target was met.

    ``score`` names the confidence used (``max_proba`` of the temperature-scaled
    probabilities, or the negative of an uncertainty). ``precision`` and ``coverage`` (the
    share answered) are measured on the calibration rows.
    """

    threshold: float
    target_precision: float
    precision: float
    coverage: float
    reached: bool
    score: str = "max_proba"

    def abstain(self, confidence: np.ndarray) -> np.ndarray:
        """True where the model should not answer."""
        return np.asarray(confidence, dtype=np.float64) < self.threshold

    def to_json(self) -> dict[str, Any]:
        """Plain JSON."""
        return asdict(self)

    @classmethod
    def from_json(cls, payload: dict[str, Any]) -> AbstainRule:
        """The inverse of ``to_json``."""
        return cls(**payload)


def fit_abstain_threshold(
    confidence: np.ndarray,
    correct: np.ndarray,
    target_precision: float = DEFAULT_TARGET_PRECISION,
    min_answered: int = MIN_ANSWERED,
    score: str = "max_proba",
) -> AbstainRule:
    """The lowest threshold whose answered rows reach ``target_precision`` (most answers).

    Higher confidence must mean more likely right (pass ``-uncertainty`` for an uncertainty).
    Only thresholds that answer at least ``min_answered`` rows (or all rows, when there are
    fewer) count. When none reaches the target, the threshold with the best precision among
    those is returned with ``reached=False``.
    """
    if not 0.0 < target_precision <= 1.0:
        raise ValueError(f"target_precision must be in (0, 1], got {target_precision}")
    confidence = np.asarray(confidence, dtype=np.float64)
    correct = np.asarray(correct, dtype=np.float64)
    if len(confidence) == 0:
        return AbstainRule(-math.inf, target_precision, math.nan, 1.0, False, score)
    order = np.argsort(-confidence, kind="stable")
    ranked, hits = confidence[order], np.cumsum(correct[order])
    # a threshold answers every row at or above it: only the last row of a run of ties counts
    last_of_tie = np.r_[ranked[1:] != ranked[:-1], True]
    answered = np.arange(1, len(ranked) + 1)
    precision = hits / answered
    eligible = last_of_tie & (answered >= min(min_answered, len(ranked)))
    reaching = np.flatnonzero(eligible & (precision >= target_precision - 1e-12))
    if len(reaching):
        pick, reached = int(reaching[-1]), True
    else:
        candidates = np.flatnonzero(eligible)
        pick, reached = int(candidates[np.argmax(precision[candidates])]), False
    return AbstainRule(
        threshold=float(ranked[pick]),
        target_precision=float(target_precision),
        precision=float(precision[pick]),
        coverage=float(answered[pick] / len(ranked)),
        reached=reached,
        score=score,
    )


def accuracy_when_abstaining(
    correct: np.ndarray, uncertainty: np.ndarray, share: float = 0.1
) -> dict[str, float]:
    """Accuracy on all rows and on the rows kept after dropping the ``share`` most uncertain.

    Ties at the cut are broken by row order (stable), so exactly round(share * n) rows go.
    """
    correct = np.asarray(correct, dtype=np.float64)
    uncertainty = np.asarray(uncertainty, dtype=np.float64)
    n_drop = int(round(share * len(correct)))
    order = np.argsort(-uncertainty, kind="stable")
    kept = np.ones(len(correct), dtype=bool)
    kept[order[:n_drop]] = False
    base = float(correct.mean()) if len(correct) else math.nan
    after = float(correct[kept].mean()) if kept.any() else math.nan
    return {"accuracy": base, "accuracy_kept": after, "gain": after - base, "dropped": n_drop}
