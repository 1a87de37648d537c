"""Stratified splits for the other task types: iterative stratification for multilabel data
(Sechidis, Tsoumakas and Vlahavas, 2011) and quantile bins for regression targets."""

from __future__ import annotations

import numpy as np


def iterative_folds(y: np.ndarray, n_folds: int, seed: int = 0) -> np.ndarray:
    """A fold number per row of a binary label matrix ``y`` (rows × labels).

    Rarest labels are placed first: each of their rows goes to the fold that most lacks that
    label (ties: the fold that lacks rows most, then at random), so every label is spread
    over the folds in proportion, which a random split misses for rare labels.

    Example:
        >>> iterative_folds(np.eye(4, dtype=bool)[[0, 0, 1, 1, 2, 2, 3, 3]], 2)
        array([...])
    """
    if n_folds < 2:
        raise ValueError(f"n_folds must be at least 2, got {n_folds}")
    y = np.asarray(y, dtype=bool)
    rng = np.random.default_rng(seed)
    n_rows = len(y)
    fold_of = np.full(n_rows, -1, dtype=np.int64)
    rows_wanted = np.full(n_folds, n_rows / n_folds)
    labels_wanted = np.outer(np.full(n_folds, 1.0 / n_folds), y.sum(axis=0))
    left = np.ones(n_rows, dtype=bool)
    while left.any():
        counts = y[left].sum(axis=0)
        present = np.flatnonzero(counts)
        if present.size == 0:  # rows without any label: by row quota alone
            for row in rng.permutation(np.flatnonzero(left)):
                fold = _pick(rows_wanted, rows_wanted, rng)
                fold_of[row], left[row] = fold, False
                rows_wanted[fold] -= 1
            break
        label = present[np.argmin(counts[present])]
        for row in rng.permutation(np.flatnonzero(left & y[:, label])):
            fold = _pick(labels_wanted[:, label], rows_wanted, rng)
            fold_of[row], left[row] = fold, False
            labels_wanted[fold] -= y[row]
            rows_wanted[fold] -= 1
    return fold_of


def iterative_split(
    y: np.ndarray, test_size: float, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """(train rows, test rows) with every label's share kept in both, as well as it can be."""
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must be in (0, 1), got {test_size}")
    folds = max(2, round(1 / test_size))
    fold_of = iterative_folds(y, folds, seed)
    test = np.flatnonzero(fold_of == 0)
    return np.setdiff1d(np.arange(len(fold_of)), test), test


def quantile_bins(y: np.ndarray, n_bins: int = 10) -> np.ndarray:
    """A bin number per regression target (its quantile), to stratify splits on.

    Example:
        >>> quantile_bins(np.arange(10.0), n_bins=2)
        array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    """
    y = np.asarray(y, dtype=np.float64)
    edges = np.unique(np.quantile(y, np.linspace(0, 1, n_bins + 1)[1:-1]))
    return np.searchsorted(edges, y, side="right")


def _pick(label_wanted: np.ndarray, rows_wanted: np.ndarray, rng: np.random.Generator) -> int:
    best = np.flatnonzero(label_wanted == label_wanted.max())
    if best.size > 1:
        by_rows = rows_wanted[best]
        best = best[by_rows == by_rows.max()]
    return int(rng.choice(best))
