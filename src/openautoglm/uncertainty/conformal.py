"""Split conformal prediction sets with APS and RAPS scores (Romano et al. 2020; Angelopoulos
et al. 2021), calibrated on held-out scores with the finite-sample quantile.

With ``u`` (one uniform draw a row) the scores are the papers' randomised ones, whose coverage
is close to exactly 1 - alpha; without it they are deterministic (u = 1), which over-covers
when the model is accurate. P(y in set) >= 1 - alpha holds for exchangeable calibration and
test rows either way.

Randomised sets can be empty: a model right on 96% of rows must leave some rows' sets empty
to cover 90% and not 96%, and it leaves them at random. ``nonempty=True`` puts the top label
in every set instead, which keeps the guarantee but covers at least the model's accuracy.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from openautoglm.uncertainty.errors import UncertaintyError, check_alpha

METHODS = ("aps", "raps")
#: RAPS's penalty per label beyond rank ``k_reg`` (the paper's default for small sets)
DEFAULT_LAMBDA = 0.01
_TOLERANCE = 1e-9  # (n + 1)(1 - alpha) is often an integer up to rounding


def _check_method(method: str) -> str:
    if method not in METHODS:
        raise UncertaintyError(f"unknown conformal method {method!r}; use one of {METHODS}")
    return method


def finite_sample_quantile(scores: np.ndarray, alpha: float) -> float:
    """The ceil((n+1)(1-alpha))-th smallest score, i.e. the ceil((n+1)(1-alpha))/n quantile.

    Infinite (every label in every set) when there are too few scores for that level.

    Example:
        >>> finite_sample_quantile(np.arange(1, 9) / 10, 0.1)
        inf
        >>> finite_sample_quantile(np.arange(1, 20) / 20, 0.1)
        0.9
    """
    alpha = check_alpha(alpha)
    scores = np.sort(np.asarray(scores, dtype=np.float64))
    rank = math.ceil((len(scores) + 1) * (1.0 - alpha) - _TOLERANCE)
    if rank > len(scores):
        return math.inf
    return float(scores[max(rank, 1) - 1])


def text_uniforms(texts: Sequence[str]) -> np.ndarray:
    """One draw in (0, 1) a text from its CRC-32: random-like, yet the same text always gets
    the same draw, so a text's prediction set does not depend on the batch it came in."""
    return (np.array([zlib.crc32(t.encode("utf-8")) for t in texts], dtype=np.float64) + 0.5) / (
        2.0**32
    )


def label_scores(
    proba: np.ndarray,
    method: str = "aps",
    lam: float = DEFAULT_LAMBDA,
    k_reg: int = 1,
    u: np.ndarray | None = None,
) -> np.ndarray:
    """The score of every (row, label) as if that label were the true one, shape of ``proba``.

    APS: the probability mass of the labels ranked above it plus ``u`` times its own (all of
    it without ``u``). RAPS adds ``lam * max(0, rank - k_reg)`` (rank from 1), which keeps
    unlikely tail labels out.
    """
    _check_method(method)
    proba = np.asarray(proba, dtype=np.float64)
    order = np.argsort(-proba, axis=1, kind="stable")
    sorted_p = np.take_along_axis(proba, order, axis=1)
    cumulative = np.cumsum(sorted_p, axis=1)
    if u is not None:  # only a share u of the label's own mass
        cumulative = cumulative - (1.0 - np.asarray(u, dtype=np.float64))[:, None] * sorted_p
    if method == "raps":
        ranks = np.arange(1, proba.shape[1] + 1)
        cumulative = cumulative + lam * np.maximum(0, ranks - k_reg)[None, :]
    scores = np.empty_like(cumulative)
    np.put_along_axis(scores, order, cumulative, axis=1)
    return scores


def true_label_scores(
    proba: np.ndarray, y: np.ndarray, method: str = "aps", lam: float = DEFAULT_LAMBDA,
    k_reg: int = 1, u: np.ndarray | None = None,
) -> np.ndarray:  # fmt: skip
    """The conformity score of each row's true label (the calibration scores)."""
    all_scores = label_scores(proba, method, lam, k_reg, u)
    return all_scores[np.arange(len(y)), np.asarray(y, dtype=int)]


def choose_k_reg(proba: np.ndarray, y: np.ndarray, alpha: float) -> int:
    """RAPS's k_reg: the smallest k whose top-k accuracy on ``(proba, y)`` reaches 1 - alpha."""
    alpha = check_alpha(alpha)
    proba, y = np.asarray(proba, dtype=np.float64), np.asarray(y, dtype=int)
    if len(y) == 0:
        return 1
    order = np.argsort(-proba, axis=1, kind="stable")
    ranks = np.argmax(order == y[:, None], axis=1) + 1
    for k in range(1, proba.shape[1] + 1):
        if (ranks <= k).mean() >= 1.0 - alpha:
            return k
    return proba.shape[1]


def prediction_sets(
    proba: np.ndarray, quantile: float, method: str = "aps", lam: float = DEFAULT_LAMBDA,
    k_reg: int = 1, u: np.ndarray | None = None, nonempty: bool = False,
) -> list[np.ndarray]:  # fmt: skip
    """The label indices of each row's set, most probable first.

    ``u``: the rows' uniform draws when the calibration scores were randomised (required
    then, else the sets would not match the scores' scale). ``nonempty``: the top label is
    in every set (over-covers an accurate model; see the module's note).
    """
    proba = np.asarray(proba, dtype=np.float64)
    scores = label_scores(proba, method, lam, k_reg, u)
    keep = scores <= quantile + _TOLERANCE
    if nonempty:
        keep[np.arange(len(proba)), proba.argmax(axis=1)] = True
    sets = []
    for row, mask in zip(proba, keep, strict=True):
        labels = np.flatnonzero(mask)
        sets.append(labels[np.argsort(-row[labels], kind="stable")])
    return sets


@dataclass
class ConformalCalibrator:
    """A score function and its calibration scores; sets for any alpha from the stored scores.

    Example:
        >>> cal = ConformalCalibrator.fit(oof_proba, y, method="raps", alpha=0.1)
        >>> cal.sets(test_proba, alpha=0.1)
    """

    method: str = "aps"
    lam: float = DEFAULT_LAMBDA
    k_reg: int = 1
    scores: np.ndarray = field(default_factory=lambda: np.zeros(0))
    randomized: bool = False

    @classmethod
    def fit(
        cls, proba: np.ndarray, y: np.ndarray, method: str = "aps", alpha: float = 0.1,
        lam: float = DEFAULT_LAMBDA, u: np.ndarray | None = None,
    ) -> ConformalCalibrator:  # fmt: skip
        """Calibration scores of the held-out ``(proba, y)``; RAPS's k_reg chosen at ``alpha``.

        ``u``: one uniform draw a row for randomised scores (then ``sets`` needs draws too).
        """
        _check_method(method)
        k_reg = choose_k_reg(proba, y, alpha) if method == "raps" else 1
        scores = _round_up(true_label_scores(proba, y, method, lam, k_reg, u))
        return cls(method, float(lam), int(k_reg), np.sort(scores), u is not None)

    def quantile(self, alpha: float) -> float:
        """The finite-sample conformal quantile of the stored scores at ``alpha``."""
        return finite_sample_quantile(self.scores, alpha)

    def sets(
        self,
        proba: np.ndarray,
        alpha: float,
        u: np.ndarray | None = None,
        nonempty: bool = False,
    ) -> list[np.ndarray]:
        """Prediction sets (label indices) with coverage >= 1 - alpha.

        Randomised scores need ``u`` (a draw a row, e.g. ``text_uniforms(texts)``);
        ``nonempty`` puts the top label in every set.
        """
        if self.randomized and u is None:
            raise UncertaintyError("randomised conformal scores need a uniform draw (u) a row")
        draws = u if self.randomized else None
        return prediction_sets(
            proba, self.quantile(alpha), self.method, self.lam, self.k_reg, draws, nonempty
        )

    def subsample(self, max_scores: int, seed: int = 0) -> ConformalCalibrator:
        """At most ``max_scores`` of the scores, drawn at random: still exchangeable, so valid."""
        if len(self.scores) <= max_scores:
            return self
        rows = np.random.default_rng(seed).choice(len(self.scores), max_scores, replace=False)
        scores = np.sort(self.scores[rows])
        return ConformalCalibrator(self.method, self.lam, self.k_reg, scores, self.randomized)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON (scores as fitted: rounded up at the 9th decimal, short yet exact)."""
        return {
            "method": self.method,
            "lambda": self.lam,
            "k_reg": self.k_reg,
            "randomized": self.randomized,
            "scores": self.scores.tolist(),
        }

    @classmethod
    def from_json(cls, payload: dict[str, Any]) -> ConformalCalibrator:
        """The inverse of ``to_json``."""
        scores = np.sort(np.asarray(payload["scores"], dtype=np.float64))
        method = _check_method(payload["method"])
        randomized = bool(payload.get("randomized", False))
        return cls(method, float(payload["lambda"]), int(payload["k_reg"]), scores, randomized)


def _round_up(scores: np.ndarray) -> np.ndarray:
    """Scores rounded up at the 9th decimal: a shorter JSON, and up keeps the sets valid."""
    return np.ceil(np.asarray(scores, dtype=np.float64) * 1e9) / 1e9


def coverage_and_size(sets: list[np.ndarray], y: np.ndarray) -> tuple[float, float]:
    """The share of rows whose set holds the true label, and the mean set size."""
    if not sets:
        return math.nan, math.nan
    hits = [int(label) in set(s.tolist()) for s, label in zip(sets, y, strict=True)]
    return float(np.mean(hits)), float(np.mean([len(s) for s in sets]))
