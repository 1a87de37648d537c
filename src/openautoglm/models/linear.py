"""TF-IDF n-grams with logistic regression, and with a calibrated linear SVM."""

from __future__ import annotations

from typing import Any

import optuna
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from openautoglm.models.sparse_base import SparseCandidate
from openautoglm.models.sparse_features import NGRAM_PARAM_NAMES, suggest_ngram_params


class TfidfLogRegCandidate(SparseCandidate):
    """Multinomial logistic regression on word + char TF-IDF."""

    family = "tfidf_lr"
    param_names = (*NGRAM_PARAM_NAMES, "C", "class_weight", "seed")

    @classmethod
    def classifier_defaults(cls) -> dict[str, Any]:
        return {"C": 8.0, "class_weight": None, "seed": 0}

    def build_classifier(self) -> LogisticRegression:
        # saga with a loose tolerance: ~10x faster than lbfgs on wide n-grams, same accuracy
        return LogisticRegression(
            C=self.C,
            class_weight=self.class_weight,
            solver="saga",
            tol=1e-3,
            max_iter=300,
            random_state=self.seed,
        )

    @classmethod
    def search_space(cls, trial: optuna.Trial) -> dict[str, Any]:
        return {
            **suggest_ngram_params(trial),
            "C": trial.suggest_float("C", 0.3, 100.0, log=True),
            "class_weight": trial.suggest_categorical("class_weight", [None, "balanced"]),
        }


class TfidfSVMCandidate(SparseCandidate):
    """Linear SVM on word + char TF-IDF, with sigmoid-calibrated probabilities."""

    family = "tfidf_svm"
    param_names = (*NGRAM_PARAM_NAMES, "C", "class_weight", "seed")

    @classmethod
    def classifier_defaults(cls) -> dict[str, Any]:
        return {"C": 0.5, "class_weight": None, "seed": 0}

    def build_classifier(self) -> CalibratedClassifierCV:
        svm = LinearSVC(C=self.C, class_weight=self.class_weight, random_state=self.seed)
        return CalibratedClassifierCV(svm, method="sigmoid", cv=3)

    @classmethod
    def search_space(cls, trial: optuna.Trial) -> dict[str, Any]:
        return {
            **suggest_ngram_params(trial),
            "C": trial.suggest_float("C", 0.02, 5.0, log=True),
            "class_weight": trial.suggest_categorical("class_weight", [None, "balanced"]),
        }
