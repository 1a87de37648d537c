"""Classification metrics, and the single higher-is-better score the search optimises."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    log_loss,
    precision_recall_fscore_support,
)


def score(metric: str, y: np.ndarray, proba: np.ndarray) -> float:
    """Higher-is-better score of ``proba`` against ``y`` (log loss is negated).

    Example:
        >>> score("accuracy", np.array([0, 1]), np.array([[0.9, 0.1], [0.2, 0.8]]))
        1.0
    """
    pred = proba.argmax(axis=1)
    if metric == "accuracy":
        return float(accuracy_score(y, pred))
    if metric in ("f1_macro", "f1_weighted"):
        return float(f1_score(y, pred, average=metric.split("_")[1], zero_division=0))
    if metric == "log_loss":
        return -_log_loss(y, proba)
    raise ValueError(f"unknown metric {metric!r}; use accuracy, f1_macro, f1_weighted or log_loss")


def _log_loss(y: np.ndarray, proba: np.ndarray) -> float:
    clipped = np.clip(proba, 1e-15, 1.0)
    clipped = clipped / clipped.sum(axis=1, keepdims=True)
    return float(log_loss(y, clipped, labels=np.arange(proba.shape[1])))


def classification_metrics(y: np.ndarray, proba: np.ndarray, labels: list[str]) -> dict[str, Any]:
    """Accuracy, macro/weighted F1, log loss, per-class P/R/F1/support and the confusion matrix."""
    pred = proba.argmax(axis=1)
    ids = np.arange(len(labels))
    precision, recall, f1, support = precision_recall_fscore_support(
        y, pred, labels=ids, zero_division=0
    )
    return {
        "accuracy": float(accuracy_score(y, pred)),
        "f1_macro": float(f1_score(y, pred, labels=ids, average="macro", zero_division=0)),
        "f1_weighted": float(f1_score(y, pred, labels=ids, average="weighted", zero_division=0)),
        "log_loss": _log_loss(y, proba),
        "n_test": int(len(y)),
        "per_class": {
            label: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
            for i, label in enumerate(labels)
        },
        "confusion_matrix": {
            "labels": labels,
            "matrix": confusion_matrix(y, pred, labels=ids).tolist(),
        },
    }
