"""Frozen-encoder families beyond single texts: ridge and gradient-boosting heads for
regression, and a bi-encoder for pairs (each side embedded alone; the head reads u, v, |u−v|,
u·v and their cosine)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import optuna
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import LogisticRegression, Ridge

from openautoglm.data.pairs import PAIR_MARK, split_pairs
from openautoglm.models.base import full_proba
from openautoglm.models.frozen_encoder import DEFAULT_ENCODER, EncoderHead
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


class EncoderBoostedCandidate(RegressionOutput, _BiEncoder):
    """Gradient-boosted trees on sentence embeddings (bi-encoder features for pairs).

    Trees find the non-linear, interacting directions of the embedding a ridge head misses;
    they stop early on a held-out tenth of the training rows.
    """

    family = "encoder_gbr"

    def __init__(
        self,
        encoder: str = DEFAULT_ENCODER,
        learning_rate: float = 0.08,
        max_leaf_nodes: int = 31,
        l2_regularization: float = 1.0,
        max_iter: int = 400,
        seed: int = 0,
        cache_dir: str | None = None,
    ) -> None:
        super().__init__(encoder, 1.0, seed, cache_dir)
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.l2_regularization = l2_regularization
        self.max_iter = max_iter

    def _features(self, texts: Sequence[str]) -> np.ndarray:
        if any(PAIR_MARK in t for t in texts):  # pairs: both sides and how they relate
            return super()._features(texts)
        return self._embed(texts)

    def fit(self, texts: Sequence[str], y: np.ndarray) -> EncoderBoostedCandidate:
        """Embed and fit the boosted trees on float targets; returns self."""
        self._set_n_classes(1)
        self.head_ = HistGradientBoostingRegressor(
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            l2_regularization=self.l2_regularization,
            max_iter=self.max_iter,
            early_stopping=True,
            validation_fraction=0.1,
            n_iter_no_change=20,
            random_state=self.seed,
        )
        self.head_.fit(self._features(texts), np.asarray(y, dtype=np.float64))
        return self

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """The predicted number per text."""
        return self.head_.predict(self._features(texts)).ravel()

    @classmethod
    def search_space(cls, trial: optuna.Trial) -> dict[str, Any]:
        """Step size, tree size and leaf regularisation; the number of trees stops early."""
        return {
            "learning_rate": trial.suggest_float("learning_rate", 0.02, 0.3, log=True),
            "max_leaf_nodes": trial.suggest_int("max_leaf_nodes", 7, 63, log=True),
            "l2_regularization": trial.suggest_float("l2_regularization", 1e-3, 10.0, log=True),
        }
