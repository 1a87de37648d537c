"""TF-IDF word + character n-gram features, the input of every sparse family."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from openautoglm.models.text_features import needs_segmentation, tokenize

#: caps that bound memory on large data (DESIGN.md "Scale and cost")
MAX_WORD_FEATURES = 300_000
MAX_CHAR_FEATURES = 500_000


class NgramFeaturizer:
    """Word n-grams over language-aware tokens plus character n-grams over the raw text.

    Example:
        >>> f = NgramFeaturizer(language="en").fit(["a good film", "a bad film"])
        >>> f.transform(["good"]).shape[0]
        1
    """

    def __init__(
        self,
        language: str = "en",
        word_ngram_max: int = 2,
        char_ngram_min: int = 2,
        char_ngram_max: int = 5,
        sublinear_tf: bool = True,
        min_df: int = 1,
        binary: bool = False,
        cache_dir: str | Path | None = None,
    ) -> None:
        self.language = language
        self.cache_dir = cache_dir
        # Chinese has no spaces, so char n-grams run over the whole text, not within words
        char_analyzer = "char" if needs_segmentation(language) else "char_wb"
        self.word = TfidfVectorizer(
            token_pattern=r"\S+",
            lowercase=False,
            ngram_range=(1, word_ngram_max),
            sublinear_tf=sublinear_tf,
            min_df=min_df,
            binary=binary,
            max_features=MAX_WORD_FEATURES,
            dtype=np.float32,
        )
        self.char = TfidfVectorizer(
            analyzer=char_analyzer,
            lowercase=True,
            ngram_range=(char_ngram_min, char_ngram_max),
            sublinear_tf=sublinear_tf,
            min_df=min_df,
            binary=binary,
            max_features=MAX_CHAR_FEATURES,
            dtype=np.float32,
        )

    def fit(self, texts: Sequence[str]) -> NgramFeaturizer:
        """Learn both vocabularies."""
        self.word.fit(tokenize(texts, self.language, self.cache_dir))
        self.char.fit(texts)
        return self

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Stack word and char TF-IDF columns."""
        words = self.word.transform(tokenize(texts, self.language, self.cache_dir))
        return sp.hstack([words, self.char.transform(texts)], format="csr")

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Fit, then transform the same texts."""
        return self.fit(texts).transform(texts)


def suggest_ngram_params(trial: optuna.Trial) -> dict[str, Any]:
    """Shared define-by-run space of the n-gram featurizer."""
    char_min = trial.suggest_int("char_ngram_min", 1, 3)
    return {
        "word_ngram_max": trial.suggest_int("word_ngram_max", 1, 3),
        "char_ngram_min": char_min,
        "char_ngram_max": trial.suggest_int("char_ngram_max", char_min + 1, 6),
        "sublinear_tf": trial.suggest_categorical("sublinear_tf", [True, False]),
        "min_df": trial.suggest_int("min_df", 1, 3),
    }


NGRAM_PARAM_NAMES = ("word_ngram_max", "char_ngram_min", "char_ngram_max", "sublinear_tf", "min_df")
