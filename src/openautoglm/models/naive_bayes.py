"""Complement naive Bayes on TF-IDF n-grams: fast and strong on short, imbalanced texts."""

from __future__ import annotations

from typing import Any

import optuna
from sklearn.naive_bayes import ComplementNB

from openautoglm.models.sparse_base import SparseCandidate
from openautoglm.models.sparse_features import suggest_ngram_params


class ComplementNBCandidate(SparseCandidate):
    """Complement naive Bayes (Rennie et al., 2003)."""

    family = "complement_nb"

    def __init__(
        self,
        language: str = "en",
        cache_dir: str | None = None,
        word_ngram_max: int = 2,
        char_ngram_min: int = 2,
        char_ngram_max: int = 5,
        sublinear_tf: bool = True,
        min_df: int = 1,
        alpha: float = 0.3,
        norm: bool = False,
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
        self.alpha = alpha
        self.norm = norm

    def build_classifier(self) -> ComplementNB:
        """Complement NB with this candidate's smoothing and weight normalisation."""
        return ComplementNB(alpha=self.alpha, norm=self.norm)

    @classmethod
    def search_space(cls, trial: optuna.Trial) -> dict[str, Any]:
        """N-gram shape, smoothing and weight normalisation."""
        return {
            **suggest_ngram_params(trial, getattr(trial, "language", "en")),
            "alpha": trial.suggest_float("alpha", 0.01, 1.0, log=True),
            "norm": trial.suggest_categorical("norm", [True, False]),
        }
