"""Metrics of the other task types: multilabel sets and regression targets.

Each returns JSON-able floats; ``*_score`` gives the higher-is-better number a search
optimises (losses and errors are negated), as ``metrics.score`` does for single-label tasks.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.stats import pearsonr, spearmanr
from sklearn.metrics import (
    accuracy_score,
    f1_score,
    hamming_loss,
    mean_absolute_error,
    mean_squared_error,
    precision_recall_fscore_support,
    r2_score,
)

MULTILABEL_METRICS = ("f1_micro", "f1_macro", "f1_samples", "subset_accuracy", "hamming_loss")
REGRESSION_METRICS = ("rmse", "mae", "r2", "pearson", "spearman")
#: metrics where less is better (the search negates them; comparisons flip)
LOWER_IS_BETTER = frozenset({"hamming_loss", "rmse", "mae", "log_loss"})


def multilabel_metrics(y: np.ndarray, pred: np.ndarray, labels: list[str]) -> dict[str, Any]:
    """Micro/macro/samples F1, subset accuracy, Hamming loss and per-label P/R/F1.

    ``y`` and ``pred`` are binary matrices, rows × labels.
    """
    y, pred = np.asarray(y, dtype=bool), np.asarray(pred, dtype=bool)
    precision, recall, f1, support = precision_recall_fscore_support(
        y, pred, average=None, zero_division=0
    )
    return {
        "f1_micro": float(f1_score(y, pred, average="micro", zero_division=0)),
        "f1_macro": float(f1_score(y, pred, average="macro", zero_division=0)),
        "f1_samples": float(f1_score(y, pred, average="samples", zero_division=0)),
        "subset_accuracy": float(accuracy_score(y, pred)),
        "hamming_loss": float(hamming_loss(y, pred)),
        "n_test": int(len(y)),
        "per_label": {
            label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
            for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
        },
    }


def multilabel_score(metric: str, y: np.ndarray, pred: np.ndarray) -> float:
    """One multilabel metric of a 0/1 prediction matrix, higher is better (Hamming negated)."""
    y, pred = np.asarray(y, dtype=bool), np.asarray(pred, dtype=bool)
    if metric == "subset_accuracy":
        return float(accuracy_score(y, pred))
    if metric == "hamming_loss":
        return -float(hamming_loss(y, pred))
    if metric in ("f1_micro", "f1_macro", "f1_samples"):
        return float(f1_score(y, pred, average=metric.split("_")[1], zero_division=0))
    raise ValueError(f"unknown multilabel metric {metric!r}; use one of {MULTILABEL_METRICS}")


def regression_score(metric: str, y: np.ndarray, pred: np.ndarray) -> float:
    """One regression metric, higher is better (errors negated)."""
    if metric not in REGRESSION_METRICS:
        raise ValueError(f"unknown regression metric {metric!r}; use one of {REGRESSION_METRICS}")
    return higher_is_better(metric, regression_metrics(y, pred)[metric])


def regression_metrics(y: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    """RMSE, MAE, R², Pearson and Spearman correlation."""
    y, pred = np.asarray(y, dtype=np.float64), np.asarray(pred, dtype=np.float64)
    constant = np.ptp(pred) == 0 or np.ptp(y) == 0  # correlations are undefined then
    return {
        "rmse": float(np.sqrt(mean_squared_error(y, pred))),
        "mae": float(mean_absolute_error(y, pred)),
        "r2": float(r2_score(y, pred)),
        "pearson": 0.0 if constant else float(pearsonr(y, pred).statistic),
        "spearman": 0.0 if constant else float(spearmanr(y, pred).statistic),
        "n_test": int(len(y)),
    }


def target_on_search_scale(metric: str, target: float) -> float:
    """A target score as the search compares it: negated for losses and errors.

    Example:
        >>> target_on_search_scale("rmse", 0.3), target_on_search_scale("accuracy", 0.9)
        (-0.3, 0.9)
    """
    return -target if metric in LOWER_IS_BETTER else target


def higher_is_better(metric: str, value: float) -> float:
    """The value as a search maximises it: losses and errors negated.

    Example:
        >>> higher_is_better("rmse", 0.5)
        -0.5
    """
    if metric not in (*MULTILABEL_METRICS, *REGRESSION_METRICS):
        raise ValueError(
            f"unknown metric {metric!r}; use one of {MULTILABEL_METRICS + REGRESSION_METRICS}"
        )
    return -value if metric in LOWER_IS_BETTER else value
