"""NB-SVM (Wang & Manning, 2012): a linear model over naive-Bayes log-count-ratio scaled n-grams."""

from __future__ import annotations

from typing import Any

import numpy as np
import optuna
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression

from openautoglm.models.sparse_base import SparseCandidate
from openautoglm.models.sparse_features import suggest_ngram_params


class NBSVMClassifier(ClassifierMixin, BaseEstimator):
    """One-vs-rest logistic regressions on features scaled by each class's log-count ratio."""

    def __init__(self, C: float = 4.0, alpha: float = 1.0, seed: int = 0) -> None:
        self.C = C
        self.alpha = alpha
        self.seed = seed

    def fit(self, X: sp.csr_matrix, y: np.ndarray) -> NBSVMClassifier:
        """One logistic regression per class (one for both when binary); returns self."""
        self.classes_ = np.unique(y)
        binary = len(self.classes_) == 2
        targets = self.classes_[1:] if binary else self.classes_
        # the NB ratio is folded into the weights so prediction needs one matrix product
        coefs, intercepts = [], []
        for cls in targets:
            ratio = self._log_count_ratio(X, y == cls)
            lr = LogisticRegression(
                C=self.C, solver="saga", tol=1e-3, max_iter=300, random_state=self.seed
            )
            lr.fit(X.multiply(ratio).tocsr(), (y == cls).astype(int))
            coefs.append((lr.coef_[0] * ratio).astype(np.float32))
            intercepts.append(lr.intercept_[0])
        self.coef_ = np.vstack(coefs)
        self.intercept_ = np.asarray(intercepts)
        return self

    def _log_count_ratio(self, X: sp.csr_matrix, mask: np.ndarray) -> np.ndarray:
        p = self.alpha + np.asarray(X[mask].sum(axis=0)).ravel()
        q = self.alpha + np.asarray(X[~mask].sum(axis=0)).ravel()
        return np.log((p / p.sum()) / (q / q.sum()))

    def predict_proba(self, X: sp.csr_matrix) -> np.ndarray:
        """Per-class sigmoid scores, normalised to sum to 1."""
        scores = np.asarray(X @ self.coef_.T) + self.intercept_
        positive = 1.0 / (1.0 + np.exp(-scores))
        if len(self.classes_) == 2:
            return np.hstack([1.0 - positive, positive])
        return positive / np.clip(positive.sum(axis=1, keepdims=True), 1e-12, None)

    def predict(self, X: sp.csr_matrix) -> np.ndarray:
        """Most probable class per row."""
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


class NBSVMCandidate(SparseCandidate):
    """NB-SVM on binary word + char n-gram presence."""

    family = "nbsvm"
    max_classes = 20  # one-vs-rest: a model per class, too slow on many-intent data
    binary_features = True

    def __init__(
        self,
        language: str = "en",
        cache_dir: str | None = None,
        word_ngram_max: int = 2,
        char_ngram_min: int = 2,
        char_ngram_max: int = 5,
        sublinear_tf: bool = True,
        min_df: int = 1,
        C: float = 4.0,
        alpha: float = 1.0,
        seed: int = 0,
    ) -> None:
        super().__init__(
            language,
            cache_dir,
            word_ngram_max,
            char_ngram_min,
            char_ngram_max,
            sublinear_tf,
            min_df,
        )
        self.C = C
        self.alpha = alpha
        self.seed = seed

    def build_classifier(self) -> NBSVMClassifier:
        """The one-vs-rest NB-SVM with this candidate's C, smoothing and seed."""
        return NBSVMClassifier(C=self.C, alpha=self.alpha, seed=self.seed)

    @classmethod
    def search_space(cls, trial: optuna.Trial) -> dict[str, Any]:
        """N-gram shape, C and the NB ratio's smoothing."""
        return {
            **suggest_ngram_params(trial, getattr(trial, "language", "en")),
            "C": trial.suggest_float("C", 0.1, 50.0, log=True),
            "alpha": trial.suggest_float("alpha", 0.1, 2.0, log=True),
        }
