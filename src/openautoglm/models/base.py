"""The Candidate protocol every model family implements (see DESIGN.md "Candidate")."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import optuna

from openautoglm.resources import Resources

PARAMS_FILE = "params.json"


class Candidate(ABC):
    """A model family: scikit-learn style estimator with an Optuna search space.

    Subclasses take plain keyword parameters in ``__init__`` (stored as attributes of the
    same name and listed in ``param_names``), learn integer class indices ``0..n_classes-1``
    and persist themselves only in formats that cannot run code when loaded.
    """

    family: ClassVar[str]
    resources: ClassVar[Resources] = Resources()
    #: languages the family is suited for; the search skips it for the others
    languages: ClassVar[frozenset[str]] = frozenset({"zh", "en", "mixed"})
    #: most classes the family handles at a reasonable cost (None: no limit)
    max_classes: ClassVar[int | None] = None
    #: True when the family trains on a holdout split instead of k-fold CV (too costly)
    holdout_only: ClassVar[bool] = False
    param_names: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    def fit(self, texts: Sequence[str], y: np.ndarray) -> Candidate:
        """Learn from texts and integer labels; returns self."""

    @abstractmethod
    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities, shape (n_texts, n_classes), rows summing to 1."""

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Most probable class index per text."""
        return np.asarray(self.predict_proba(texts)).argmax(axis=1)

    @classmethod
    @abstractmethod
    def search_space(cls, trial: optuna.Trial) -> dict[str, Any]:
        """Suggest this family's hyperparameters on an Optuna trial (define-by-run)."""

    def get_params(self) -> dict[str, Any]:
        """The constructor parameters, as plain JSON-able values."""
        return {name: getattr(self, name) for name in self.param_names}

    def set_cache(self, cache_dir: str | None) -> None:
        """Read features (tokens, embeddings) from a run's cache, or stop with ``None``."""
        if hasattr(self, "cache_dir"):
            self.cache_dir = cache_dir

    @abstractmethod
    def save(self, path: Path) -> None:
        """Write the fitted model into the folder ``path`` (created if missing)."""

    @classmethod
    @abstractmethod
    def load(cls, path: Path) -> Candidate:
        """Read a model written by ``save``."""

    def _save_params(self, path: Path, **extra: Any) -> None:
        path.mkdir(parents=True, exist_ok=True)
        payload = {"family": self.family, "params": self.get_params(), **extra}
        (path / PARAMS_FILE).write_text(json.dumps(payload, indent=2), encoding="utf-8")

    @staticmethod
    def _load_params(path: Path) -> dict[str, Any]:
        return json.loads((path / PARAMS_FILE).read_text(encoding="utf-8"))


def full_proba(proba: np.ndarray, classes: np.ndarray, n_classes: int) -> np.ndarray:
    """Spread a model's probabilities over all ``n_classes`` columns (absent classes get 0)."""
    out = np.zeros((proba.shape[0], n_classes), dtype=np.float64)
    out[:, np.asarray(classes, dtype=int)] = proba
    return out
