"""Ridge regression and a linear SVR on TF-IDF word + char n-grams."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import optuna
from sklearn.compose import TransformedTargetRegressor
from sklearn.linear_model import Ridge
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVR

from openautoglm.models.regression import RegressionOutput
from openautoglm.models.sparse_base import SparseCandidate
from openautoglm.models.sparse_features import suggest_ngram_params, transform_views


class SparseRegressor(RegressionOutput, SparseCandidate):
    """A regressor over n-gram features; the target is standardised inside the model."""

    def fit(self, texts: Sequence[str], y: np.ndarray) -> SparseRegressor:
        """Fit the featurizer and the regressor on float targets; returns self."""
        texts = list(texts)
        self.featurizer_ = self.build_featurizer().fit(texts)
        self._set_n_classes(1)
        regressor = TransformedTargetRegressor(
            self.build_classifier(), transformer=StandardScaler()
        )
        self.classifier_ = regressor.fit(
            transform_views(self.featurizer_, texts), np.asarray(y, float)
        )
        return self

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """The predicted number per text."""
        return self.classifier_.predict(transform_views(self.featurizer_, list(texts))).ravel()


class TfidfRidgeCandidate(SparseRegressor):
    """Ridge regression on word + char TF-IDF."""

    family = "tfidf_ridge"

    def __init__(
        self,
        language: str = "en",
        cache_dir: str | None = None,
        word_ngram_max: int = 2,
        char_ngram_min: int = 2,
        char_ngram_max: int = 5,
        sublinear_tf: bool = True,
        min_df: int = 2,
        alpha: float = 3.0,
    ) -> None:
        super().__init__(language, cache_dir, word_ngram_max, char_ngram_min, char_ngram_max,
                         sublinear_tf, min_df)  # fmt: skip
        self.alpha = alpha

    def build_classifier(self) -> Ridge:
        """Ridge with this candidate's regularisation."""
        return Ridge(alpha=self.alpha)

    @classmethod
    def search_space(cls, trial: optuna.Trial) -> dict[str, Any]:
        """N-gram shape and the regularisation strength."""
        return {
            **suggest_ngram_params(trial, getattr(trial, "language", "en")),
            "alpha": trial.suggest_float("alpha", 0.1, 30.0, log=True),
        }


class TfidfSVRCandidate(SparseRegressor):
    """Linear support-vector regression (squared epsilon-insensitive loss) on TF-IDF."""

    family = "tfidf_svr"

    def __init__(
        self,
        language: str = "en",
        cache_dir: str | None = None,
        word_ngram_max: int = 2,
        char_ngram_min: int = 2,
        char_ngram_max: int = 5,
        sublinear_tf: bool = True,
        min_df: int = 2,
        C: float = 0.1,
        epsilon: float = 0.1,
        seed: int = 0,
    ) -> None:
        super().__init__(language, cache_dir, word_ngram_max, char_ngram_min, char_ngram_max,
                         sublinear_tf, min_df)  # fmt: skip
        self.C = C
        self.epsilon = epsilon
        self.seed = seed

    def build_classifier(self) -> LinearSVR:
        """A linear SVR on the standardised target."""
        return LinearSVR(C=self.C, epsilon=self.epsilon, loss="squared_epsilon_insensitive",
                         dual=True, max_iter=5000, random_state=self.seed)  # fmt: skip

    @classmethod
    def search_space(cls, trial: optuna.Trial) -> dict[str, Any]:
        """N-gram shape, C and the insensitive band (in standard deviations of the target)."""
        return {
            **suggest_ngram_params(trial, getattr(trial, "language", "en")),
            "C": trial.suggest_float("C", 0.01, 3.0, log=True),
            "epsilon": trial.suggest_float("epsilon", 0.0, 0.5),
        }
