"""Disagreement across an ensemble's members: variance of their probabilities, vote split."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _stack(member_probas: Sequence[np.ndarray], weights: Sequence[float] | None) -> tuple:
    stack = np.stack([np.asarray(p, dtype=np.float64) for p in member_probas])
    w = np.ones(len(stack)) if weights is None else np.asarray(weights, dtype=np.float64)
    if len(w) != len(stack):
        raise ValueError(f"{len(stack)} members but {len(w)} weights")
    return stack, w / w.sum()


def probability_variance(
    member_probas: Sequence[np.ndarray], weights: Sequence[float] | None = None
) -> np.ndarray:
    """Per row: the weighted variance across members, summed over classes (0 = all agree).

    It is the weighted mean squared distance of each member's probabilities from the
    ensemble's; NaN for a single member, where there is no spread to measure.
    """
    stack, w = _stack(member_probas, weights)
    if len(stack) < 2:
        return np.full(stack.shape[1], np.nan)
    mean = np.tensordot(w, stack, axes=1)
    return np.tensordot(w, ((stack - mean) ** 2).sum(axis=2), axes=1)


def vote_disagreement(
    member_probas: Sequence[np.ndarray], weights: Sequence[float] | None = None
) -> np.ndarray:
    """Per row: the weight share of members whose top label is not the ensemble's (NaN: one)."""
    stack, w = _stack(member_probas, weights)
    if len(stack) < 2:
        return np.full(stack.shape[1], np.nan)
    ensemble_top = np.tensordot(w, stack, axes=1).argmax(axis=1)
    differs = stack.argmax(axis=2) != ensemble_top[None, :]
    return np.tensordot(w, differs.astype(np.float64), axes=1)
