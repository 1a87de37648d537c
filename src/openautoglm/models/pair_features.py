"""Joint features of a text pair: each side's TF-IDF, their |difference| and product, overlap
and edit similarities; logistic regression (pair classification) or ridge (pair regression)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import optuna
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression, Ridge

from openautoglm.data.pairs import split_pairs
from openautoglm.models.base import full_proba
from openautoglm.models.regression import RegressionOutput
from openautoglm.models.sparse_base import SparseCandidate
from openautoglm.models.sparse_features import suggest_ngram_params, transform_views
from openautoglm.models.text_features import needs_segmentation

#: characters of each side the edit similarity compares (difflib is quadratic)
EDIT_CHARS = 300
_WORD = re.compile(r"\w+", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def _units(text: str, chinese: bool) -> set[str]:
    """Words (characters for Chinese), lower-cased."""
    return set(text) - {" "} if chinese else set(_WORD.findall(text.lower()))


def _grams(text: str, n: int = 3) -> set[str]:
    text = text.lower()
    return {text[i : i + n] for i in range(max(1, len(text) - n + 1))}


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def similarity_features(left: Sequence[str], right: Sequence[str], chinese: bool) -> np.ndarray:
    """Per pair: word and character-gram overlap, edit similarity, length and number agreement.

    Example:
        >>> similarity_features(["a cat"], ["a cat"], chinese=False)[0, 0]
        1.0
    """
    rows = []
    for a, b in zip(left, right, strict=True):
        ua, ub = _units(a, chinese), _units(b, chinese)
        na, nb = set(_NUMBER.findall(a)), set(_NUMBER.findall(b))
        short, long_ = sorted((len(a), len(b)))
        edit = difflib.SequenceMatcher(None, a[:EDIT_CHARS], b[:EDIT_CHARS], autojunk=False)
        rows.append([
            _jaccard(ua, ub),
            len(ua & ub) / max(1, min(len(ua), len(ub))),  # containment of the shorter side
            _jaccard(_grams(a, 2 if chinese else 3), _grams(b, 2 if chinese else 3)),
            edit.ratio(),
            short / max(1, long_),
            float(na == nb),
            _jaccard(na, nb),
            float(a.strip().lower() == b.strip().lower()),
        ])  # fmt: skip
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), 8)


class PairFeatureMixin(SparseCandidate):
    """A model over joint pair features; the n-gram vocabulary is fitted on both sides."""

    tasks = frozenset({"text_pair_classification"})

    def _pair_matrix(self, texts: Sequence[str]) -> sp.csr_matrix:
        left, right = split_pairs(texts)
        a, b = transform_views(self.featurizer_, left), transform_views(self.featurizer_, right)
        sims = similarity_features(left, right, needs_segmentation(self.language))
        parts = [abs(a - b), a.multiply(b), sp.csr_matrix(sims * self.similarity_weight)]
        if self.with_sides:
            parts.insert(0, a + b)
        return sp.hstack(parts, format="csr", dtype=np.float64)

    def _fit_features(self, texts: Sequence[str]) -> sp.csr_matrix:
        left, right = split_pairs(texts)
        self.featurizer_ = self.build_featurizer().fit(left + right)
        return self._pair_matrix(texts)


def _pair_space(trial: optuna.Trial) -> dict[str, Any]:
    return {
        **suggest_ngram_params(trial, getattr(trial, "language", "en")),
        "with_sides": trial.suggest_categorical("with_sides", [True, False]),
        "similarity_weight": trial.suggest_float("similarity_weight", 0.5, 10.0, log=True),
    }


class PairLogRegCandidate(PairFeatureMixin):
    """Logistic regression on joint pair features."""

    family = "pair_lr"

    def __init__(
        self,
        language: str = "en",
        cache_dir: str | None = None,
        word_ngram_max: int = 1,
        char_ngram_min: int = 2,
        char_ngram_max: int = 4,
        sublinear_tf: bool = True,
        min_df: int = 1,
        with_sides: bool = False,
        similarity_weight: float = 3.0,
        C: float = 4.0,
        seed: int = 0,
    ) -> None:
        super().__init__(language, cache_dir, word_ngram_max, char_ngram_min, char_ngram_max,
                         sublinear_tf, min_df)  # fmt: skip
        self.with_sides = with_sides
        self.similarity_weight = similarity_weight
        self.C = C
        self.seed = seed

    def build_classifier(self) -> LogisticRegression:
        """Logistic regression with this candidate's C."""
        return LogisticRegression(C=self.C, solver="liblinear", random_state=self.seed)

    def fit(self, texts: Sequence[str], y: np.ndarray) -> PairLogRegCandidate:
        """Fit the shared vocabulary and the classifier on pair features; returns self."""
        features, y = self._fit_features(texts), np.asarray(y)
        self._learn_classes(y)
        self.classifier_ = self.build_classifier().fit(features, y)
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities over all classes."""
        proba = self.classifier_.predict_proba(self._pair_matrix(texts))
        return full_proba(proba, self.classifier_.classes_, self.n_classes_)

    @classmethod
    def search_space(cls, trial: optuna.Trial) -> dict[str, Any]:
        """N-gram shape, the side features, the similarity weight and C."""
        return {**_pair_space(trial), "C": trial.suggest_float("C", 0.1, 50.0, log=True)}


class PairRidgeCandidate(RegressionOutput, PairFeatureMixin):
    """Ridge regression on joint pair features."""

    family = "pair_ridge"
    tasks = frozenset({"text_pair_regression"})

    def __init__(
        self,
        language: str = "en",
        cache_dir: str | None = None,
        word_ngram_max: int = 1,
        char_ngram_min: int = 2,
        char_ngram_max: int = 4,
        sublinear_tf: bool = True,
        min_df: int = 1,
        with_sides: bool = False,
        similarity_weight: float = 3.0,
        alpha: float = 3.0,
    ) -> None:
        super().__init__(language, cache_dir, word_ngram_max, char_ngram_min, char_ngram_max,
                         sublinear_tf, min_df)  # fmt: skip
        self.with_sides = with_sides
        self.similarity_weight = similarity_weight
        self.alpha = alpha

    def build_classifier(self) -> Ridge:
        """Ridge with this candidate's regularisation."""
        return Ridge(alpha=self.alpha)

    def fit(self, texts: Sequence[str], y: np.ndarray) -> PairRidgeCandidate:
        """Fit the shared vocabulary and the regressor on pair features; returns self."""
        features = self._fit_features(texts)
        self._set_n_classes(1)
        self.classifier_ = self.build_classifier().fit(features, np.asarray(y, dtype=float))
        return self

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """The predicted number per pair."""
        return self.classifier_.predict(self._pair_matrix(texts)).ravel()

    @classmethod
    def search_space(cls, trial: optuna.Trial) -> dict[str, Any]:
        """N-gram shape, the side features, the similarity weight and alpha."""
        return {**_pair_space(trial), "alpha": trial.suggest_float("alpha", 0.1, 30.0, log=True)}
