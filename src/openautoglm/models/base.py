"""The Candidate base class every model family derives from (see DESIGN.md "Candidate")."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np
import optuna
from sklearn.base import BaseEstimator, ClassifierMixin

from openautoglm.resources import Resources

PARAMS_FILE = "params.json"


class Candidate(ClassifierMixin, BaseEstimator, ABC):
    """A model family: a scikit-learn classifier over texts with an Optuna search space.

    Subclasses follow the scikit-learn estimator contract: ``__init__`` lists every
    parameter explicitly and stores it unchanged (so ``get_params``, ``set_params`` and
    ``sklearn.base.clone`` work), ``fit`` returns self and learned state ends in ``_``.
    Labels are integer class indices; ``classes_`` is ``0..max(y)``, so a class missing from
    one fold's training rows still gets its (zero) column. The task decides ``y``'s shape:
    class codes (single-label and pair classification), a 0/1 matrix rows × labels
    (multilabel: ``predict_proba`` gives each label's probability) or floats (regression
    families, see models.regression). A pair is one string (see data.pairs). Models persist
    themselves only in formats that cannot run code when loaded.
    """

    family: ClassVar[str]
    resources: ClassVar[Resources] = Resources()
    #: languages the family is suited for; the search skips it for the others
    languages: ClassVar[frozenset[str]] = frozenset({"zh", "en", "mixed"})
    #: most classes the family handles at a reasonable cost (None: no limit)
    max_classes: ClassVar[int | None] = None
    #: True when the family trains on a holdout split instead of k-fold CV (too costly)
    holdout_only: ClassVar[bool] = False
    #: constructor parameters that describe the run, not the model: not written by ``save``
    context_params: ClassVar[tuple[str, ...]] = ("cache_dir",)
    #: features the run computes once into its cache ("tokens", "embeddings") that it reads
    shared_features: ClassVar[frozenset[str]] = frozenset()
    #: the task types the family trains (the search samples it only for those)
    tasks: ClassVar[frozenset[str]] = frozenset({"text_classification", "text_pair_classification"})
    #: False for a family the search samples only when the user names it (a serving family)
    searched: ClassVar[bool] = True

    @classmethod
    def reads_shared(cls, params: dict[str, Any]) -> frozenset[str]:
        """The shared features a configuration of this family reads (for sizing a refit)."""
        return cls.shared_features

    @abstractmethod
    def fit(self, texts: Sequence[str], y: np.ndarray) -> Candidate:
        """Learn from texts and integer labels; returns self."""

    @abstractmethod
    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities, shape (n_texts, n_classes), rows summing to 1."""

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Most probable class index per text."""
        return self.classes_[np.asarray(self.predict_proba(texts)).argmax(axis=1)]

    def predict_scores(self, texts: Sequence[str]) -> np.ndarray:
        """What the search scores and ensembles average, rows × outputs: the probabilities
        of the classes (or of each label); regression families give their predictions."""
        return np.asarray(self.predict_proba(texts), dtype=np.float64)

    @classmethod
    @abstractmethod
    def search_space(cls, trial: optuna.Trial) -> dict[str, Any]:
        """Suggest this family's hyperparameters on an Optuna trial (define-by-run)."""

    def set_cache(self, cache_dir: str | None) -> None:
        """Read features (tokens, embeddings) from a run's cache, or stop with ``None``."""
        if "cache_dir" in self.get_params(deep=False):
            self.set_params(cache_dir=cache_dir)

    @abstractmethod
    def save(self, path: Path) -> None:
        """Write the fitted model into the folder ``path`` (created if missing)."""

    @classmethod
    @abstractmethod
    def load(cls, path: Path) -> Candidate:
        """Read a model written by ``save``."""

    def __sklearn_tags__(self) -> Any:
        """Declare raw-text input, so scikit-learn's tooling does not expect a 2-D matrix."""
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags

    def _learn_classes(self, y: np.ndarray) -> None:
        """Set ``classes_``/``n_classes_`` from labels ``0..max(y)`` (or a label matrix's width)."""
        y = np.asarray(y)
        self._set_n_classes(y.shape[1] if y.ndim == 2 else int(np.max(y)) + 1)

    def _set_n_classes(self, n_classes: int) -> None:
        self.n_classes_ = int(n_classes)
        self.classes_ = np.arange(self.n_classes_)

    def _saved_params(self) -> dict[str, Any]:
        """The constructor parameters ``save`` writes (the run context left out)."""
        params = self.get_params(deep=False)
        return {k: v for k, v in params.items() if k not in self.context_params}

    def _save_params(self, path: Path, **extra: Any) -> None:
        path.mkdir(parents=True, exist_ok=True)
        payload = {
            "family": self.family,
            "params": self._saved_params(),
            "n_classes": self.n_classes_,
            **extra,
        }
        (path / PARAMS_FILE).write_text(json.dumps(payload, indent=2), encoding="utf-8")

    @staticmethod
    def _load_params(path: Path) -> dict[str, Any]:
        return json.loads((path / PARAMS_FILE).read_text(encoding="utf-8"))

    @classmethod
    def _from_meta(cls, meta: dict[str, Any], **context: Any) -> Self:
        """A model with the saved parameters and class count; the caller adds the rest."""
        model = cls(**context, **meta["params"])
        model._set_n_classes(meta["n_classes"])
        return model


def full_proba(proba: np.ndarray, classes: np.ndarray, n_classes: int) -> np.ndarray:
    """Spread a model's probabilities over all ``n_classes`` columns (absent classes get 0)."""
    out = np.zeros((proba.shape[0], n_classes), dtype=np.float64)
    out[:, np.asarray(classes, dtype=int)] = proba
    return out
