"""A multinomial logistic regression over named features, stored as plain JSON.

The parser's learned parts (:mod:`openautoglm.parse.column_model`,
:mod:`openautoglm.parse.task_model`) are small linear models over sparse, named features. Scoring
them is a dictionary lookup per feature, so parsing needs neither scikit-learn nor a pickle;
scikit-learn is used only to fit them (:mod:`openautoglm.parse.train_models`).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

Features = dict[str, float]


@dataclass
class SparseLinearModel:
    """Class probabilities from ``softmax(bias + sum(value * weights[feature]))``.

    Example:
        >>> m = SparseLinearModel(["a", "b"], {"x": [1.0, -1.0]}, [0.0, 0.0])
        >>> round(m.proba({"x": 1.0})["a"], 3)
        0.881
    """

    classes: list[str]
    weights: dict[str, list[float]]
    bias: list[float]

    def proba(self, features: Features) -> dict[str, float]:
        """The probability of each class (unknown features are ignored)."""
        logits = list(self.bias)
        for name, value in features.items():
            row = self.weights.get(name)
            if row is not None and value:
                for k, w in enumerate(row):
                    logits[k] += value * w
        top = max(logits)
        exp = [math.exp(z - top) for z in logits]
        total = sum(exp)
        return {c: e / total for c, e in zip(self.classes, exp, strict=True)}

    def to_dict(self, smallest: float = 0.005) -> dict[str, Any]:
        """The JSON form: weights to 4 decimals, features whose weights all stay under
        ``smallest`` dropped (they move no probability by more than a fraction of a percent)."""
        weights = {
            name: [round(w, 4) for w in row]
            for name, row in sorted(self.weights.items())
            if max(abs(w) for w in row) >= smallest
        }
        return {"classes": self.classes, "bias": [round(b, 4) for b in self.bias],
                "weights": weights}  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SparseLinearModel:
        """The model :meth:`to_dict` wrote."""
        return cls(list(data["classes"]), dict(data["weights"]), list(data["bias"]))

    @classmethod
    def fit(
        cls, rows: list[Features], labels: list[str], C: float = 1.0, min_count: int = 2
    ) -> SparseLinearModel:
        """Fit on feature dicts; features seen in fewer than ``min_count`` rows are left out."""
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression

        seen = Counter(name for row in rows for name, value in row.items() if value)
        kept = [{k: v for k, v in row.items() if seen[k] >= min_count} for row in rows]
        vectorizer = DictVectorizer()
        X = vectorizer.fit_transform(kept)
        model = LogisticRegression(C=C, max_iter=5000).fit(X, labels)
        classes = [str(c) for c in model.classes_]
        coef = model.coef_
        bias = model.intercept_
        if len(classes) == 2:  # scikit-learn keeps one row for two classes: make it softmax
            coef = [-coef[0] / 2, coef[0] / 2]
            bias = [-bias[0] / 2, bias[0] / 2]
        names = vectorizer.get_feature_names_out()
        weights = {
            str(name): [float(coef[k][j]) for k in range(len(classes))]
            for j, name in enumerate(names)
        }
        return cls(classes, weights, [float(b) for b in bias])
