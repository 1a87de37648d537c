"""Shared fit/predict/persist logic of the families built on TF-IDF n-gram features."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from openautoglm.models import safe_skops
from openautoglm.models.base import Candidate, Resources
from openautoglm.models.sparse_features import NGRAM_PARAM_NAMES, NgramFeaturizer
from openautoglm.models.vectorizer_io import load_vectorizer, save_vectorizer

_WORD, _CHAR, _CLF = "word_vectorizer", "char_vectorizer", "classifier.skops"


class SparseCandidate(Candidate):
    """A classifier over NgramFeaturizer features; subclasses build the classifier."""

    resources = Resources(cpus=1, memory_mb=2000)
    ngram_defaults: dict[str, Any] = {
        "word_ngram_max": 2,
        "char_ngram_min": 2,
        "char_ngram_max": 5,
        "sublinear_tf": True,
        "min_df": 1,
    }

    def __init__(self, language: str = "en", cache_dir: str | None = None, **params: Any) -> None:
        self.language = language
        self.cache_dir = cache_dir
        merged = {**self.ngram_defaults, **self.classifier_defaults(), **params}
        unknown = set(merged) - set(self.param_names)
        if unknown:
            raise TypeError(f"{type(self).__name__} got unknown parameters: {sorted(unknown)}")
        for name, value in merged.items():
            setattr(self, name, value)

    @classmethod
    @abstractmethod
    def classifier_defaults(cls) -> dict[str, Any]:
        """Default values of the classifier's own parameters."""

    @abstractmethod
    def build_classifier(self) -> Any:
        """A fresh, unfitted scikit-learn classifier with this candidate's parameters."""

    def featurizer_binary(self) -> bool:
        """Whether the features are binary presence (NB-SVM) instead of TF-IDF weights."""
        return False

    def fit(self, texts: Sequence[str], y: np.ndarray) -> SparseCandidate:
        """Fit the featurizer and the classifier."""
        self.featurizer_ = NgramFeaturizer(
            language=self.language,
            cache_dir=self.cache_dir,
            binary=self.featurizer_binary(),
            **{k: getattr(self, k) for k in NGRAM_PARAM_NAMES},
        )
        features = self.featurizer_.fit_transform(list(texts))
        self.n_classes_ = int(np.max(y)) + 1
        self.classifier_ = self.build_classifier().fit(features, np.asarray(y))
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities over all classes."""
        from openautoglm.models.base import full_proba

        proba = self.classifier_.predict_proba(self.featurizer_.transform(list(texts)))
        return full_proba(proba, self.classifier_.classes_, self.n_classes_)

    def set_cache(self, cache_dir: str | None) -> None:
        """Use the run's token cache in this model and in its fitted featurizer."""
        self.cache_dir = cache_dir
        if hasattr(self, "featurizer_"):
            self.featurizer_.cache_dir = cache_dir

    def save(self, path: Path) -> None:
        """Persist params (JSON) and fitted parts (skops)."""
        self._save_params(path, language=self.language, n_classes=self.n_classes_)
        save_vectorizer(self.featurizer_.word, path, _WORD)
        save_vectorizer(self.featurizer_.char, path, _CHAR)
        safe_skops.dump(self.classifier_, path / _CLF)

    @classmethod
    def load(cls, path: Path) -> SparseCandidate:
        """Rebuild a candidate saved by ``save``."""
        meta = cls._load_params(path)
        model = cls(language=meta["language"], **meta["params"])
        model.n_classes_ = meta["n_classes"]
        model.featurizer_ = NgramFeaturizer(language=model.language)
        model.featurizer_.word = load_vectorizer(path, _WORD)
        model.featurizer_.char = load_vectorizer(path, _CHAR)
        model.classifier_ = safe_skops.load(path / _CLF)
        return model
