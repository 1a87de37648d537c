"""One-vs-rest over labels for multilabel targets, robust to labels with very few rows."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression


class MultiLabelOvR(ClassifierMixin, BaseEstimator):
    """A binary classifier per label; ``predict_proba`` gives each label's probability.

    A label with fewer than ``min_rows`` positive (or negative) training rows gets
    ``fallback`` instead of ``estimator`` (e.g. a calibrated SVM needs rows for its internal
    folds), and a label that is always or never present gets its constant share.

    Example:
        >>> MultiLabelOvR(LogisticRegression()).fit(X, Y).predict_proba(X).shape == Y.shape
        True
    """

    def __init__(self, estimator: Any, min_rows: int = 1, fallback: Any = None) -> None:
        self.estimator = estimator
        self.min_rows = min_rows
        self.fallback = fallback

    def fit(self, X: Any, Y: np.ndarray) -> MultiLabelOvR:
        """One binary fit per column of the 0/1 matrix ``Y``; returns self."""
        Y = np.asarray(Y)
        self.n_labels_ = Y.shape[1]
        self.estimators_ = [self._fit_one(X, Y[:, j].astype(int)) for j in range(self.n_labels_)]
        return self

    def _fit_one(self, X: Any, y: np.ndarray) -> Any:
        positives = int(y.sum())
        if positives == 0 or positives == len(y):
            return DummyClassifier(strategy="prior").fit(X, y)
        if min(positives, len(y) - positives) < self.min_rows:
            fallback = self.fallback if self.fallback is not None else LogisticRegression()
            return clone(fallback).fit(X, y)
        return clone(self.estimator).fit(X, y)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probability of each label, shape (rows, labels)."""
        columns = [_positive(est, X) for est in self.estimators_]
        return np.column_stack(columns) if columns else np.zeros((X.shape[0], 0))

    def predict(self, X: Any) -> np.ndarray:
        """Labels with probability of at least 0.5, as a 0/1 matrix."""
        return (self.predict_proba(X) >= 0.5).astype(int)


def _positive(estimator: Any, X: Any) -> np.ndarray:
    """The probability of class 1 (0 when the estimator never saw it)."""
    proba = estimator.predict_proba(X)
    classes = list(estimator.classes_)
    return proba[:, classes.index(1)] if 1 in classes else np.zeros(proba.shape[0])
