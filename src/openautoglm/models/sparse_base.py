"""Shared fit/predict/persist logic of the families built on TF-IDF n-gram features."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from openautoglm.models import safe_skops
from openautoglm.models.base import Candidate, Resources, full_proba
from openautoglm.models.multilabel import MultiLabelOvR
from openautoglm.models.sparse_features import (
    CACHE_PARAM,
    fitted_views,
    ngram_featurizer,
    transform_views,
    union_of,
)
from openautoglm.models.vectorizer_io import load_vectorizer, save_vectorizer

_WORD, _CHAR, _CLF = "word_vectorizer", "char_vectorizer", "classifier.skops"


class SparseCandidate(Candidate):
    """A classifier over n-gram features; subclasses add their parameters and classifier.

    Learned state: ``featurizer_`` (a fitted ``FeatureUnion``, see sparse_features) and
    ``classifier_`` (a fitted scikit-learn classifier), plus ``classes_``/``n_classes_``.
    """

    resources = Resources(cpus=1, memory_mb=2000)
    # the language is written next to the params (as before), the cache is the run's
    context_params = ("cache_dir", "language")
    #: binary presence (NB-SVM) instead of TF-IDF weights
    binary_features: ClassVar[bool] = False
    #: multilabel: a label with fewer positive rows than this gets a plain logistic regression
    multilabel_min_rows: ClassVar[int] = 1

    @classmethod
    def reads_shared(cls, params: dict[str, Any]) -> frozenset[str]:
        """Tokens when the configuration has a word view (the default has one)."""
        return frozenset({"tokens"}) if params.get("word_ngram_max", 2) > 0 else frozenset()

    def __init__(
        self,
        language: str = "en",
        cache_dir: str | None = None,
        word_ngram_max: int = 2,
        char_ngram_min: int = 2,
        char_ngram_max: int = 5,
        sublinear_tf: bool = True,
        min_df: int = 1,
    ) -> None:
        self.language = language
        self.cache_dir = cache_dir
        self.word_ngram_max = word_ngram_max
        self.char_ngram_min = char_ngram_min
        self.char_ngram_max = char_ngram_max
        self.sublinear_tf = sublinear_tf
        self.min_df = min_df

    @abstractmethod
    def build_classifier(self) -> Any:
        """A fresh, unfitted scikit-learn classifier with this candidate's parameters."""

    def build_label_classifier(self) -> Any:
        """The binary classifier a multilabel fit trains for each label (default: the same)."""
        return self.build_classifier()

    def build_featurizer(self) -> Any:
        """A fresh, unfitted n-gram FeatureUnion with this candidate's parameters."""
        return ngram_featurizer(
            language=self.language,
            word_ngram_max=self.word_ngram_max,
            char_ngram_min=self.char_ngram_min,
            char_ngram_max=self.char_ngram_max,
            sublinear_tf=self.sublinear_tf,
            min_df=self.min_df,
            binary=self.binary_features,
            cache_dir=self.cache_dir,
        )

    def fit(self, texts: Sequence[str], y: np.ndarray) -> SparseCandidate:
        """Fit the featurizer and the classifier; returns self."""
        texts, y = list(texts), np.asarray(y)
        # fit, then transform (not fit_transform): the exact features of earlier releases
        self.featurizer_ = self.build_featurizer().fit(texts)
        features = self.featurizer_.transform(texts)
        self._learn_classes(y)
        classifier = self.build_classifier()
        if y.ndim == 2:  # multilabel: one binary classifier a label
            classifier = MultiLabelOvR(self.build_label_classifier(), self.multilabel_min_rows)
        self.classifier_ = column_major_coefs(classifier.fit(features, y))
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities over all classes (multilabel: each label's probability)."""
        proba = self.classifier_.predict_proba(transform_views(self.featurizer_, list(texts)))
        if isinstance(self.classifier_, MultiLabelOvR):
            return proba
        return full_proba(proba, self.classifier_.classes_, self.n_classes_)

    def set_cache(self, cache_dir: str | None) -> None:
        """Use the run's token cache in this model and in its fitted featurizer."""
        super().set_cache(cache_dir)
        # a featuriser without the word view has no tokenizer to point at the cache
        if hasattr(self, "featurizer_") and fitted_views(self.featurizer_)[0] is not None:
            self.featurizer_.set_params(**{CACHE_PARAM: cache_dir})

    def save(self, path: Path) -> None:
        """Persist params (JSON), vocabularies (JSON + npy) and the classifier (skops)."""
        path = Path(path)
        self._save_params(path, language=self.language)
        for view, name in zip(fitted_views(self.featurizer_), (_WORD, _CHAR), strict=True):
            if view is not None:  # a view switched off has no file
                save_vectorizer(view, path, name)
        safe_skops.dump(self.classifier_, path / _CLF)

    @classmethod
    def load(cls, path: Path) -> SparseCandidate:
        """Rebuild a candidate saved by ``save``."""
        path = Path(path)
        meta = cls._load_params(path)
        model = cls._from_meta(meta, language=meta["language"])
        word, char = (
            load_vectorizer(path, name) if (path / f"{name}.json").is_file() else None
            for name in (_WORD, _CHAR)
        )
        model.featurizer_ = union_of(word, char, model.language)
        model.classifier_ = column_major_coefs(safe_skops.load(path / _CLF))
        return model


def column_major_coefs(estimator: Any) -> Any:
    """``estimator`` with its coefficient matrices stored column-major (same values).

    A linear model scores ``X @ coef_.T``; scipy copies a non-contiguous dense operand on every
    sparse product, which for 77 classes x 80k n-grams is a 5 MB copy per prediction (7 ms of a
    single text's latency). Column-major ``coef_`` makes ``coef_.T`` contiguous: no copy.
    """
    inner = [c.estimator for c in getattr(estimator, "calibrated_classifiers_", [])]
    for model in [estimator, *inner]:
        coef = getattr(model, "coef_", None)
        if isinstance(coef, np.ndarray) and coef.ndim == 2:
            model.coef_ = np.asfortranarray(coef)
    return estimator
