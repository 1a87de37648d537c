"""Frozen-encoder families beyond single texts: a ridge head for regression, and a bi-encoder
for pairs (each side embedded alone; the head reads u, v, |u−v|, u·v and their cosine)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import optuna
from sklearn.linear_model import LogisticRegression, Ridge

from openautoglm.data.pairs import split_pairs
from openautoglm.models.base import full_proba
from openautoglm.models.frozen_encoder import EncoderHead
from openautoglm.models.regression import RegressionOutput


class _Regression(RegressionOutput, EncoderHead):
    """A ridge head (``C`` is its inverse regularisation, as for the classifiers)."""

    def fit(self, texts: Sequence[str], y: np.ndarray) -> _Regression:
        """Embed and fit the ridge head on float targets; returns self."""
        self._set_n_classes(1)
        self.head_ = Ridge(alpha=1.0 / self.C).fit(self._features(texts), np.asarray(y, float))
        return self

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """The predicted number per text."""
        return self.head_.predict(self._features(texts)).ravel()

    @classmethod
    def search_space(cls, trial: optuna.Trial) -> dict[str, Any]:
        """Only the head's regularisation is tuned; the encoder stays fixed."""
        return {"C": trial.suggest_float("C", 0.01, 100.0, log=True)}


class EncoderRidgeCandidate(_Regression):
    """Ridge regression on normalised sentence embeddings."""

    family = "encoder_ridge"
    tasks = frozenset({"text_regression"})


def pair_embedding_features(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """[u, v, |u−v|, u·v, cos(u, v)] for L2-normalised side embeddings."""
    cosine = (u * v).sum(axis=1, keepdims=True)
    return np.hstack([u, v, np.abs(u - v), u * v, cosine])


class _BiEncoder(EncoderHead):
    def _features(self, texts: Sequence[str]) -> np.ndarray:
        left, right = split_pairs(texts)
        both = self._embed(left + right)  # one call: the cache and the encoder load once
        return pair_embedding_features(both[: len(left)], both[len(left) :])


class BiEncoderLogRegCandidate(_BiEncoder):
    """Logistic regression on bi-encoder pair features."""

    family = "biencoder_lr"
    tasks = frozenset({"text_pair_classification"})

    def fit(self, texts: Sequence[str], y: np.ndarray) -> BiEncoderLogRegCandidate:
        """Embed both sides and fit the head; returns self."""
        y = np.asarray(y, dtype=int)
        self._learn_classes(y)
        head = LogisticRegression(C=self.C, max_iter=2000, random_state=self.seed)
        self.head_ = head.fit(self._features(texts), y)
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities over all ``n_classes_`` columns."""
        proba = self.head_.predict_proba(self._features(texts))
        return full_proba(proba, self.head_.classes_, self.n_classes_)

    @classmethod
    def search_space(cls, trial: optuna.Trial) -> dict[str, Any]:
        """Only the head's regularisation is tuned; the encoder stays fixed."""
        return {"C": trial.suggest_float("C", 0.05, 50.0, log=True)}


class BiEncoderRidgeCandidate(_Regression, _BiEncoder):
    """Ridge regression on bi-encoder pair features."""

    family = "biencoder_ridge"
    tasks = frozenset({"text_pair_regression"})
