"""Multinomial logistic regression on hashed n-gram TF-IDF: the fast serving family.

Its features come from HashedNgramVectorizer (array operations, no Python string per n-gram),
so it predicts tens of thousands of texts a second on one core, long texts included. It is
what distillation trains as the linear student; the search does not sample it (``searched``),
as the TF-IDF families it approximates score the same and already run there.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import optuna
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from openautoglm.models.base import Candidate, Resources
from openautoglm.models.hashed_ngrams import HashedNgramVectorizer
from openautoglm.models.text_features import needs_segmentation

_WEIGHTS = "linear.npz"


def vectorizer_params(language: str) -> dict[str, Any]:
    """The n-gram views by language: Chinese characters 1-3 with sublinear counts (the strong
    baseline's view there; no word segmentation, which would cost more than all the rest);
    English words 1-2 and characters 2-5."""
    if needs_segmentation(language):
        return {"char_ngram_min": 1, "char_ngram_max": 3, "word_ngram_max": 0, "sublinear_tf": True}
    return {"char_ngram_min": 2, "char_ngram_max": 5, "word_ngram_max": 2, "sublinear_tf": False}


class HashedLogRegCandidate(Candidate):
    """Hashed word/character n-gram TF-IDF, then softmax(X W^T + b).

    Learned state: ``featurizer_`` (a fitted HashedNgramVectorizer), ``coef_`` (classes x
    features, float32) and ``intercept_``.
    """

    family = "hashed_lr"
    searched: ClassVar[bool] = False
    resources = Resources(cpus=1, memory_mb=2000)
    context_params = ("language",)

    def __init__(
        self, language: str = "en", C: float = 8.0, max_features: int = 100_000, min_df: int = 2
    ) -> None:
        self.language = language
        self.C = C
        self.max_features = max_features
        self.min_df = min_df

    def build_featurizer(self) -> HashedNgramVectorizer:
        """An unfitted vectoriser with this language's views and this candidate's caps."""
        return HashedNgramVectorizer(
            max_features=self.max_features, min_df=self.min_df, **vectorizer_params(self.language)
        )

    def fit(self, texts: Sequence[str], y: np.ndarray) -> HashedLogRegCandidate:
        """Fit the vectoriser, then L-BFGS logistic regression on the true labels."""
        texts, y = list(texts), np.asarray(y)
        self._learn_classes(y)
        self.featurizer_ = self.build_featurizer().fit(texts)
        features = self.featurizer_.transform(texts)
        model = LogisticRegression(C=self.C, max_iter=1000).fit(features, y)
        coef, intercept = model.coef_, model.intercept_
        if coef.shape[0] == 1:  # two classes: scikit-learn's one row is z for class 1
            coef = np.vstack([np.zeros_like(coef[0]), coef[0]])
            intercept = np.array([0.0, intercept[0]])
        self.set_weights(coef, intercept, model.classes_)
        return self

    def set_weights(
        self, coef: np.ndarray, intercept: np.ndarray, classes: np.ndarray | None = None
    ) -> None:
        """Set the logits' weights (one row per class in ``classes``; default: all classes)."""
        full = np.zeros((self.n_classes_, coef.shape[1]), dtype=np.float32)
        bias = np.full(self.n_classes_, -1e4, dtype=np.float32)  # an unseen class: never
        rows = np.arange(self.n_classes_) if classes is None else np.asarray(classes, dtype=int)
        full[rows], bias[rows] = coef, intercept
        self.coef_ = np.asfortranarray(full)  # coef_.T contiguous: no copy per product
        self.intercept_ = bias

    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        """Logits, texts x classes."""
        features: sp.csr_matrix = self.featurizer_.transform(texts)
        return np.asarray(features @ self.coef_.T) + self.intercept_

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities, shape (n_texts, n_classes_)."""
        logits = self.decision_function(texts).astype(np.float64)
        proba = np.exp(logits - logits.max(axis=1, keepdims=True))
        return proba / proba.sum(axis=1, keepdims=True)

    @classmethod
    def search_space(cls, trial: optuna.Trial) -> dict[str, Any]:
        """C and the feature cap (used when a user names the family explicitly)."""
        return {
            "C": trial.suggest_float("C", 0.5, 32.0, log=True),
            "max_features": trial.suggest_categorical("max_features", [50_000, 100_000, 200_000]),
        }

    def save(self, path: Path) -> None:
        """Params (JSON), the vectoriser's arrays and the weights (npz, no pickle)."""
        path = Path(path)
        self._save_params(path, language=self.language, vectorizer=self.featurizer_.get_params())
        self.featurizer_.save(path)
        np.savez(path / _WEIGHTS, coef=np.ascontiguousarray(self.coef_), intercept=self.intercept_)

    @classmethod
    def load(cls, path: Path) -> HashedLogRegCandidate:
        """Rebuild a candidate written by ``save``."""
        path = Path(path)
        meta = cls._load_params(path)
        model = cls._from_meta(meta, language=meta["language"])
        model.featurizer_ = HashedNgramVectorizer.load(path, meta["vectorizer"])
        with np.load(path / _WEIGHTS, allow_pickle=False) as arrays:
            model.coef_ = np.asfortranarray(arrays["coef"].astype(np.float32))
            model.intercept_ = arrays["intercept"].astype(np.float32)
        return model
