"""Metrics of multilabel and regression tasks against hand-computed values."""

import numpy as np
import pytest

from openautoglm.evaluate.task_metrics import (
    higher_is_better,
    multilabel_metrics,
    regression_metrics,
)


def test_multilabel_metrics_on_a_small_case() -> None:
    y = np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0]])
    pred = np.array([[1, 0, 0], [0, 1, 0], [1, 1, 1]])
    m = multilabel_metrics(y, pred, ["a", "b", "c"])
    assert m["subset_accuracy"] == pytest.approx(1 / 3)
    assert m["hamming_loss"] == pytest.approx(2 / 9)
    # micro: 4 true positives, 1 false positive, 1 false negative
    assert m["f1_micro"] == pytest.approx(2 * 4 / (2 * 4 + 1 + 1))
    assert m["per_label"]["c"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert m["per_label"]["a"]["f1"] == 1.0 and m["n_test"] == 3


def test_regression_metrics_and_direction() -> None:
    y = np.array([1.0, 2.0, 3.0, 4.0])
    m = regression_metrics(y, y + 0.5)
    assert m["rmse"] == pytest.approx(0.5) and m["mae"] == pytest.approx(0.5)
    assert m["pearson"] == pytest.approx(1.0) and m["spearman"] == pytest.approx(1.0)
    assert m["r2"] == pytest.approx(1 - 1.0 / 5.0)
    assert regression_metrics(y, np.full(4, 2.5))["pearson"] == 0.0  # constant: undefined
    assert higher_is_better("rmse", 0.3) == -0.3 and higher_is_better("r2", 0.3) == 0.3
    with pytest.raises(ValueError, match="unknown metric"):
        higher_is_better("nope", 1.0)
