"""TF-IDF n-grams with logistic regression, and with a calibrated linear SVM."""

from __future__ import annotations

from typing import Any, ClassVar

import optuna
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from openautoglm.models.sparse_base import SparseCandidate
from openautoglm.models.sparse_features import suggest_ngram_params


class TfidfLogRegCandidate(SparseCandidate):
    """Multinomial logistic regression on word + char TF-IDF."""

    family = "tfidf_lr"
    tasks = frozenset(
        {"text_classification", "text_pair_classification", "multilabel_classification"}
    )

    def __init__(
        self,
        language: str = "en",
        cache_dir: str | None = None,
        word_ngram_max: int = 2,
        char_ngram_min: int = 2,
        char_ngram_max: int = 5,
        sublinear_tf: bool = True,
        min_df: int = 1,
        C: float = 8.0,
        class_weight: str | None = None,
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
        self.class_weight = class_weight
        self.seed = seed

    def build_classifier(self) -> LogisticRegression:
        """Logistic regression with this candidate's C, class weights and seed."""
        # saga with a loose tolerance: ~10x faster than lbfgs on wide n-grams, same accuracy
        return LogisticRegression(
            C=self.C,
            class_weight=self.class_weight,
            solver="saga",
            tol=1e-3,
            max_iter=300,
            random_state=self.seed,
        )

    def build_label_classifier(self) -> LogisticRegression:
        """One label's binary logistic regression: lbfgs, 3-4x faster than saga there."""
        return LogisticRegression(
            C=self.C, class_weight=self.class_weight, max_iter=300, random_state=self.seed
        )

    @classmethod
    def search_space(cls, trial: optuna.Trial) -> dict[str, Any]:
        """N-gram shape, C and class weighting."""
        return {
            **suggest_ngram_params(trial, getattr(trial, "language", "en")),
            "C": trial.suggest_float("C", 0.3, 100.0, log=True),
            "class_weight": trial.suggest_categorical("class_weight", [None, "balanced"]),
        }


class TfidfSVMCandidate(SparseCandidate):
    """Linear SVM on word + char TF-IDF, with sigmoid-calibrated probabilities."""

    family = "tfidf_svm"
    tasks = TfidfLogRegCandidate.tasks
    multilabel_min_rows: ClassVar[int] = 3  # the sigmoid calibration's 3 folds need rows

    def __init__(
        self,
        language: str = "en",
        cache_dir: str | None = None,
        word_ngram_max: int = 2,
        char_ngram_min: int = 2,
        char_ngram_max: int = 5,
        sublinear_tf: bool = True,
        min_df: int = 1,
        C: float = 0.5,
        class_weight: str | None = None,
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
        self.class_weight = class_weight
        self.seed = seed

    def build_classifier(self) -> CalibratedClassifierCV:
        """A linear SVM inside 3-fold sigmoid calibration."""
        svm = LinearSVC(C=self.C, class_weight=self.class_weight, random_state=self.seed)
        return CalibratedClassifierCV(svm, method="sigmoid", cv=3)

    @classmethod
    def search_space(cls, trial: optuna.Trial) -> dict[str, Any]:
        """N-gram shape, C and class weighting."""
        return {
            **suggest_ngram_params(trial, getattr(trial, "language", "en")),
            "C": trial.suggest_float("C", 0.02, 5.0, log=True),
            "class_weight": trial.suggest_categorical("class_weight", [None, "balanced"]),
        }
