"""Complement naive Bayes on TF-IDF n-grams: fast and strong on short, imbalanced texts."""

from __future__ import annotations

from typing import Any

import optuna
from sklearn.naive_bayes import ComplementNB

from openautoglm.models.sparse_base import SparseCandidate
from openautoglm.models.sparse_features import NGRAM_PARAM_NAMES, suggest_ngram_params


class ComplementNBCandidate(SparseCandidate):
    """Complement naive Bayes (Rennie et al., 2003)."""

    family = "complement_nb"
    param_names = (*NGRAM_PARAM_NAMES, "alpha", "norm")

    @classmethod
    def classifier_defaults(cls) -> dict[str, Any]:
        return {"alpha": 0.3, "norm": False}

    def build_classifier(self) -> ComplementNB:
        return ComplementNB(alpha=self.alpha, norm=self.norm)

    @classmethod
    def search_space(cls, trial: optuna.Trial) -> dict[str, Any]:
        return {
            **suggest_ngram_params(trial),
            "alpha": trial.suggest_float("alpha", 0.01, 1.0, log=True),
            "norm": trial.suggest_categorical("norm", [True, False]),
        }
