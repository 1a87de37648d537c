"""What the report computes from the saved model on the run's test split.

Calibration bins, conformal coverage at several miscoverage levels, and explained examples
(the most confident mistakes first).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from openautoglm.data.errors import DataError
from openautoglm.data.prepare import PreparedData, prepare_data
from openautoglm.errors import OpenAutoGLMError
from openautoglm.explain.result import Explanation, LabelExplanation
from openautoglm.registry.bundle import TextClassifier
from openautoglm.spec import TaskSpec
from openautoglm.uncertainty.calibration import expected_calibration_error
from openautoglm.uncertainty.conformal import coverage_and_size

#: equal-width confidence bins of the reliability diagram
RELIABILITY_BINS = 10
#: miscoverage levels whose prediction-set coverage the report measures on the test split
COVERAGE_ALPHAS = (0.05, 0.1, 0.2, 0.3)
#: characters of an example's text shown (the rest is cut, with an ellipsis)
SHOWN_CHARS = 400
#: labels explained per example at most (the predicted and the true label are picked from them)
EXPLAINED_LABELS = 20


@dataclass
class TestSplit:
    """The run's test split rebuilt from its spec, and the saved model's predictions on it."""

    data: PreparedData
    proba: np.ndarray  # the model's probabilities, columns in ``data.labels`` order
    calibrated: np.ndarray | None  # temperature-scaled (None: the model has no calibration)

    @property
    def predicted(self) -> np.ndarray:
        """Index of the most probable label per test text."""
        return self.proba.argmax(axis=1)


def rebuild_test_split(
    spec: dict[str, Any], profile: dict[str, Any], model: TextClassifier
) -> TestSplit | str:
    """The test split and predictions, or why they are not available (a sentence)."""
    if model.task_type not in ("text_classification", "text_pair_classification"):
        return (
            f"the test-split analyses (calibration, coverage, examples) are for classifiers "
            f"with one label a text; this is a {model.task_type} model"
        )
    try:
        data = prepare_data(TaskSpec.model_validate(spec))
    except (DataError, OpenAutoGLMError, OSError, ValueError) as exc:
        return f"the run's data could not be read again ({exc})"
    expected = profile.get("test_hash")
    if expected and data.test_hash != expected:
        return (
            f"the data files changed since the run (test split hash {data.test_hash}, the run's "
            f"{expected}), so the run's test split cannot be rebuilt"
        )
    if list(data.labels) != list(model.labels):
        return f"the data's labels {data.labels} differ from the model's {model.labels}"
    if not data.test_texts:
        return "the test split is empty"
    proba = model.predict_proba(data.test_texts)
    calibrated = model.uncertainty.calibrate(proba) if model.uncertainty is not None else None
    return TestSplit(data, proba, calibrated)


def reliability(proba: np.ndarray, y: np.ndarray, bins: int = RELIABILITY_BINS) -> dict[str, Any]:
    """Per confidence bin: mean confidence, accuracy and rows; and the ECE (library's bins)."""
    confidence = proba.max(axis=1)
    correct = proba.argmax(axis=1) == y
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    rows = []
    for b in range(bins):
        inside = which == b
        if inside.any():
            rows.append(
                {
                    "low": float(edges[b]),
                    "high": float(edges[b + 1]),
                    "confidence": float(confidence[inside].mean()),
                    "accuracy": float(correct[inside].mean()),
                    "rows": int(inside.sum()),
                }
            )
    return {"bins": rows, "ece": expected_calibration_error(proba, y)}


def coverage_table(model: TextClassifier, split: TestSplit) -> list[dict[str, Any]]:
    """Empirical coverage and mean set size of each conformal method at COVERAGE_ALPHAS."""
    fitted = model.uncertainty
    if fitted is None or split.calibrated is None:
        return []
    rows = []
    for method in sorted(fitted.conformal):
        for alpha in sorted({*COVERAGE_ALPHAS, fitted.alpha}):
            sets = fitted.sets(split.calibrated, split.data.test_texts, alpha, method)
            coverage, size = coverage_and_size(sets, split.data.test_y)
            rows.append({"method": method, "alpha": alpha, "target": 1 - alpha,
                         "coverage": coverage, "mean_set_size": size})  # fmt: skip
    return rows


def pick_examples(split: TestSplit, mistakes: int, correct: int) -> list[dict[str, Any]]:
    """The most confident mistakes, then the most confident correct text of a few classes."""
    predicted, confidence = split.predicted, split.proba.max(axis=1)
    y = split.data.test_y
    wrong = np.flatnonzero(predicted != y)
    wrong = wrong[np.argsort(-confidence[wrong], kind="stable")][:mistakes]
    chosen = [(int(i), "mistake") for i in wrong]
    right = np.flatnonzero(predicted == y)
    right = right[np.argsort(-confidence[right], kind="stable")]
    seen: set[int] = set()
    for i in right:
        if len(seen) >= correct:
            break
        if int(y[i]) not in seen:
            seen.add(int(y[i]))
            chosen.append((int(i), "correct"))
    labels = split.data.labels
    return [
        {
            "index": i,
            "kind": kind,
            "text": split.data.test_texts[i],
            "true": labels[int(y[i])],
            "predicted": labels[int(predicted[i])],
            "confidence": float(confidence[i]),
            "true_probability": float(split.proba[i, int(y[i])]),
        }
        for i, kind in chosen
    ]


def explain_examples(
    model: TextClassifier, examples: list[dict[str, Any]], n_features: int = 6
) -> list[dict[str, Any]]:
    """Each example with the predicted and the true label's features for and against."""
    top = min(len(model.labels), EXPLAINED_LABELS)
    for example in examples:
        text = example["text"]
        example["shown"] = text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"
        try:
            found: Explanation = model.explain(text, top_labels=top, n_features=n_features)
        except OpenAutoGLMError as exc:
            example["explanation"], example["explain_error"] = None, str(exc)
            continue
        wanted = [example["predicted"]] + [example["true"]] * (example["kind"] == "mistake")
        by_label: dict[str, LabelExplanation] = {e.label: e for e in found.labels}
        example["explanation"] = {
            "method": found.method,
            "scale": found.scale,
            "notes": found.notes,
            "labels": [by_label[name] for name in wanted if name in by_label],
        }
    return examples
