"""The one higher-is-better number the search, the ensemble and the fallback rank models by,
for every task: from the out-of-fold outputs (probabilities, label probabilities, numbers)."""

from __future__ import annotations

import numpy as np

from openautoglm.evaluate.metrics import score
from openautoglm.evaluate.task_metrics import multilabel_score, regression_score
from openautoglm.evaluate.thresholds import tune_thresholds
from openautoglm.spec import task_output


def task_score(task_type: str, metric: str, y: np.ndarray, scores: np.ndarray) -> float:
    """``metric`` of ``scores`` (rows × outputs) against ``y``, higher is better.

    Multilabel: thresholds are tuned on one half of the rows and applied to the other (and
    back), so the score is that of tuned thresholds without tuning on the rows it scores.

    Example:
        >>> task_score("text_regression", "rmse", np.array([1.0, 2.0]), np.array([[1.0], [2.0]]))
        -0.0
    """
    output = task_output(task_type)
    if output == "classes":
        return score(metric, y, scores)
    if output == "regression":
        return regression_score(metric, y, np.asarray(scores)[:, 0])
    return multilabel_score(metric, y, cross_fitted_labels(y, scores, metric))


def cross_fitted_labels(y: np.ndarray, proba: np.ndarray, metric: str) -> np.ndarray:
    """0/1 predictions, each half of the rows decided by thresholds tuned on the other half.

    The halves are a seeded random split (row order may follow the labels); a label absent
    from one half keeps 0.5 for the other.
    """
    halves = np.random.default_rng(0).permutation(len(y)) < len(y) / 2
    pred = np.zeros(np.shape(y), dtype=np.int8)
    for part in (halves, ~halves):
        if not part.any() or part.all():  # one row: tuned on itself
            return tune_thresholds(y, proba, metric).apply(proba)
        tuned = tune_thresholds(y[~part], proba[~part], metric, absent=0.5)
        pred[part] = tuned.apply(proba[part])
    return pred
