"""Test-set metrics of a run's final model, for every task type."""

from __future__ import annotations

from typing import Any

import numpy as np

from openautoglm.evaluate.metrics import classification_metrics
from openautoglm.evaluate.task_metrics import multilabel_metrics, regression_metrics
from openautoglm.evaluate.thresholds import LabelThresholds
from openautoglm.spec import task_output


def task_metrics(
    task_type: str,
    y: np.ndarray,
    scores: np.ndarray,
    labels: list[str],
    thresholds: LabelThresholds | None = None,
) -> dict[str, Any]:
    """Classification metrics (also pairs), multilabel metrics of the thresholded label
    probabilities, or regression metrics of the predictions (``scores``' one column)."""
    output = task_output(task_type)
    if output == "classes":
        return classification_metrics(y, scores, labels)
    if output == "regression":
        return regression_metrics(y, np.asarray(scores)[:, 0])
    if thresholds is None:
        thresholds = LabelThresholds(np.full(len(labels), 0.5))
    metrics = multilabel_metrics(y, thresholds.apply(scores), labels)
    metrics["thresholds"] = dict(zip(labels, thresholds.thresholds.tolist(), strict=True))
    metrics["at_least_one_label"] = thresholds.at_least_one
    return metrics
