"""TF-IDF word + character n-gram features, the input of every sparse family.

The featuriser is a plain scikit-learn ``FeatureUnion`` of two views, so its parameters
live in the estimators themselves (``union.get_params()``) rather than in hand-kept state:

- ``word``: ``Pipeline(tokens -> tfidf)``, word n-grams over language-aware tokens;
- ``char``: ``TfidfVectorizer``, character n-grams over the raw text.

Either view can be switched off (``word_ngram_max=0`` or ``char_ngram_max=0``): on Chinese a
model over characters alone and one over jieba words alone are different ensemble members,
and together often beat one model over both.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline

from openautoglm.models.text_features import needs_segmentation, tokenize

#: caps that bound memory on large data (DESIGN.md "Scale and cost")
MAX_WORD_FEATURES = 300_000
MAX_CHAR_FEATURES = 500_000
#: the parameter that points a fitted union's tokenizer at a run's token cache
CACHE_PARAM = "word__tokens__cache_dir"


class Tokenizer(TransformerMixin, BaseEstimator):
    """Stateless transformer: each text as space-separated, language-aware word tokens.

    Example:
        >>> Tokenizer(language="en").transform(["A good film!"])
        ['a good film']
    """

    def __init__(self, language: str = "en", cache_dir: str | Path | None = None) -> None:
        self.language = language
        self.cache_dir = cache_dir

    def fit(self, texts: Sequence[str], y: Any = None) -> Tokenizer:
        """Nothing to learn; returns self."""
        return self

    def transform(self, texts: Sequence[str]) -> list[str]:
        """Tokenise through the run's cache when one is set."""
        return tokenize(texts, self.language, self.cache_dir)

    def __sklearn_tags__(self) -> Any:
        """Stateless and fed raw text."""
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags


def word_vectorizer(
    word_ngram_max: int = 2, sublinear_tf: bool = True, min_df: int = 1, binary: bool = False
) -> TfidfVectorizer:
    """Word n-gram TF-IDF over pre-tokenised, already lower-cased text."""
    return TfidfVectorizer(
        token_pattern=r"\S+",
        lowercase=False,
        ngram_range=(1, word_ngram_max),
        sublinear_tf=sublinear_tf,
        min_df=min_df,
        binary=binary,
        max_features=MAX_WORD_FEATURES,
        dtype=np.float32,
    )


def char_vectorizer(
    language: str = "en",
    char_ngram_min: int = 2,
    char_ngram_max: int = 5,
    sublinear_tf: bool = True,
    min_df: int = 1,
    binary: bool = False,
) -> TfidfVectorizer:
    """Character n-gram TF-IDF over the raw text."""
    # Chinese has no spaces, so char n-grams run over the whole text, not within words
    analyzer = "char" if needs_segmentation(language) else "char_wb"
    return TfidfVectorizer(
        analyzer=analyzer,
        lowercase=True,
        ngram_range=(char_ngram_min, char_ngram_max),
        sublinear_tf=sublinear_tf,
        min_df=min_df,
        binary=binary,
        max_features=MAX_CHAR_FEATURES,
        dtype=np.float32,
    )


def union_of(
    word: TfidfVectorizer | None,
    char: TfidfVectorizer | None,
    language: str,
    cache_dir: str | None = None,
) -> FeatureUnion:
    """The two views as one FeatureUnion (fitted when the vectorizers are); None drops a view."""
    if word is None and char is None:
        raise ValueError("a featuriser needs the word view, the char view or both")
    tokens = Tokenizer(language=language, cache_dir=cache_dir)
    word_view = "drop" if word is None else Pipeline([("tokens", tokens), ("tfidf", word)])
    return FeatureUnion([("word", word_view), ("char", "drop" if char is None else char)])


def transform_views(union: FeatureUnion, texts: list[str]) -> sp.csr_matrix:
    """``union.transform(texts)`` without FeatureUnion's dispatch: the same matrix.

    FeatureUnion routes each call through joblib and output-format checks, which cost more
    than the vectorising itself for one text (single-text serving latency).
    """
    parts = [view.transform(texts) for _, view in union.transformer_list if view != "drop"]
    return parts[0].tocsr() if len(parts) == 1 else sp.hstack(parts, format="csr")


def ngram_featurizer(
    language: str = "en",
    word_ngram_max: int = 2,
    char_ngram_min: int = 2,
    char_ngram_max: int = 5,
    sublinear_tf: bool = True,
    min_df: int = 1,
    binary: bool = False,
    cache_dir: str | None = None,
) -> FeatureUnion:
    """An unfitted word + char n-gram featuriser; its output is float32 CSR.

    ``word_ngram_max=0`` leaves out the word view, ``char_ngram_max=0`` the char view.

    Example:
        >>> union = ngram_featurizer(language="en").fit(["a good film", "a bad film"])
        >>> union.transform(["good"]).shape[0]
        1
    """
    word = char = None
    if word_ngram_max > 0:
        word = word_vectorizer(word_ngram_max, sublinear_tf, min_df, binary)
    if char_ngram_max > 0:
        char = char_vectorizer(
            language, char_ngram_min, char_ngram_max, sublinear_tf, min_df, binary
        )
    return union_of(word, char, language, cache_dir)


def fitted_views(union: FeatureUnion) -> tuple[TfidfVectorizer | None, TfidfVectorizer | None]:
    """The (word, char) vectorizers of a featuriser built by ``ngram_featurizer`` (None: off)."""
    views = union.named_transformers
    word = None if views["word"] == "drop" else views["word"].named_steps["tfidf"]
    return word, None if views["char"] == "drop" else views["char"]


def suggest_ngram_params(trial: optuna.Trial, language: str = "en") -> dict[str, Any]:
    """Shared define-by-run space of the n-gram featurizer.

    Chinese: single characters to 4-grams, and a model may use either view alone; English:
    character n-grams up to 6 beside word n-grams, both views always.
    """
    if needs_segmentation(language):
        char_min = trial.suggest_int("char_ngram_min", 1, 2)
        char_max = trial.suggest_int("char_ngram_max", 0, 4)
        # 0 switches a view off, and at least one view stays on
        word_max = trial.suggest_int("word_ngram_max", 0 if char_max else 1, 3)
        char_max = max(char_max, char_min) if char_max else 0
    else:
        char_min = trial.suggest_int("char_ngram_min", 1, 3)
        char_max = trial.suggest_int("char_ngram_max", char_min + 1, 6)
        word_max = trial.suggest_int("word_ngram_max", 1, 3)
    return {
        "word_ngram_max": word_max,
        "char_ngram_min": char_min,
        "char_ngram_max": char_max,
        "sublinear_tf": trial.suggest_categorical("sublinear_tf", [True, False]),
        "min_df": trial.suggest_int("min_df", 1, 3),
    }
