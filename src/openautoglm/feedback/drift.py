"""Input drift: the population stability index (PSI) of served traffic against training data.

PSI = sum over bins of (p - q) * ln(p / q). Rule of thumb: below 0.1 stable, 0.1-0.25 a moderate
shift, above 0.25 a large one. Two views are cheap and need no model: the share of each
predicted label against the training label shares, and text lengths in the training deciles.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

#: the smallest share a bin is given, so that an empty bin does not make PSI infinite
FLOOR = 1e-4


def psi(expected: Sequence[float], actual: Sequence[float]) -> float:
    """Population stability index of two share vectors over the same bins.

    Example:
        >>> round(psi([0.5, 0.5], [0.9, 0.1]), 3)
        0.879
    """
    p = np.clip(np.asarray(actual, dtype=np.float64), FLOOR, None)
    q = np.clip(np.asarray(expected, dtype=np.float64), FLOOR, None)
    p, q = p / p.sum(), q / q.sum()
    return float(np.sum((p - q) * np.log(p / q)))


def label_psi(reference: dict[str, Any], predicted: Sequence[str]) -> float | None:
    """PSI of the predicted labels' shares against the training label shares."""
    shares = reference.get("label_shares") or {}
    if not shares or not predicted:
        return None
    counts = Counter(predicted)
    labels = sorted(set(shares) | set(counts))
    return psi([shares.get(x, 0.0) for x in labels], [counts[x] / len(predicted) for x in labels])


def length_psi(reference: dict[str, Any], texts: Sequence[str]) -> float | None:
    """PSI of text lengths in the training deciles."""
    edges, shares = reference.get("length_edges"), reference.get("length_shares")
    if not shares or not texts:
        return None
    lengths = np.array([len(t) for t in texts], dtype=np.float64)
    bins = np.bincount(np.searchsorted(edges, lengths, side="right"), minlength=len(shares))
    return psi(shares, bins / len(texts))
