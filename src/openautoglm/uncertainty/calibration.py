"""Temperature scaling fitted by minimising the NLL, and the expected calibration error."""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax

#: probabilities are clipped here before taking logs (a member may predict an exact 0)
PROBA_FLOOR = 1e-12
#: the temperatures searched (log scale). Wide on purpose: complement naive Bayes with
#: normalised weights gives near-uniform probabilities (log-probability gaps of ~1e-5) that
#: need T of ~1e-5
TEMPERATURE_BOUNDS = (1e-8, 1e3)
#: equal-width confidence bins of the ECE
ECE_BINS = 15


def proba_to_logits(proba: np.ndarray) -> np.ndarray:
    """Log-probabilities, usable as logits: softmax(log p) == p for rows that sum to 1."""
    return np.log(np.clip(np.asarray(proba, dtype=np.float64), PROBA_FLOOR, 1.0))


def apply_temperature(logits: np.ndarray, temperature: float) -> np.ndarray:
    """softmax(logits / T): T > 1 softens over-confident probabilities, T < 1 sharpens them."""
    if not temperature > 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    return softmax(np.asarray(logits, dtype=np.float64) / temperature, axis=1)


def scale_proba(proba: np.ndarray, temperature: float) -> np.ndarray:
    """Temperature-scaled probabilities from probabilities (an ensemble's mean has no logits)."""
    return apply_temperature(proba_to_logits(proba), temperature)


def nll(logits: np.ndarray, y: np.ndarray, temperature: float = 1.0) -> float:
    """Mean negative log-likelihood of the labels ``y`` under softmax(logits / T)."""
    log_p = log_softmax(np.asarray(logits, dtype=np.float64) / temperature, axis=1)
    return float(-log_p[np.arange(len(y)), np.asarray(y, dtype=int)].mean())


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """The temperature minimising the NLL of ``y`` (1.0 when there are no rows).

    Searched over log T, where the NLL is smooth and unimodal in practice, within
    ``TEMPERATURE_BOUNDS``.

    Example:
        >>> fit_temperature(np.array([[9.0, 0.0], [9.0, 0.0], [0.0, 9.0]]), np.array([0, 1, 1])) > 1
        True
    """
    logits, y = np.asarray(logits, dtype=np.float64), np.asarray(y, dtype=int)
    if len(y) == 0:
        return 1.0
    low, high = np.log(TEMPERATURE_BOUNDS)
    found = minimize_scalar(
        lambda log_t: nll(logits, y, float(np.exp(log_t))),
        bounds=(low, high),
        method="bounded",
        options={"xatol": 1e-4},
    )
    best = float(np.exp(found.x))
    # the bounded search may stop near 1 without improving on it: never return a worse T
    return best if nll(logits, y, best) <= nll(logits, y, 1.0) else 1.0


def expected_calibration_error(proba: np.ndarray, y: np.ndarray, n_bins: int = ECE_BINS) -> float:
    """ECE: the row-weighted mean |accuracy - confidence| over equal-width confidence bins.

    Confidence is the top probability; bins are (k/n, (k+1)/n], the first one closed at 0.
    """
    proba, y = np.asarray(proba, dtype=np.float64), np.asarray(y, dtype=int)
    if len(y) == 0:
        return 0.0
    confidence = proba.max(axis=1)
    correct = (proba.argmax(axis=1) == y).astype(np.float64)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bins = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, n_bins - 1)
    total = 0.0
    for b in np.unique(bins):
        rows = bins == b
        total += rows.sum() * abs(correct[rows].mean() - confidence[rows].mean())
    return float(total / len(y))
