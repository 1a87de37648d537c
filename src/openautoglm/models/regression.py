"""What the regression families share: numbers out, no class probabilities."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import ClassVar

import numpy as np

#: the task types a regression family trains
REGRESSION_TASKS: frozenset[str] = frozenset({"text_regression", "text_pair_regression"})


class RegressionOutput:
    """Mixin for a Candidate that predicts a number per text (one output column)."""

    tasks: ClassVar[frozenset[str]] = REGRESSION_TASKS

    @abstractmethod
    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """The predicted number per text."""

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Not defined for regression: refuses with a pointer to ``predict``."""
        raise TypeError("a regression model predicts numbers, not probabilities: use predict")

    def predict_scores(self, texts: Sequence[str]) -> np.ndarray:
        """The predictions as one column (what the search scores and ensembles average)."""
        return np.asarray(self.predict(texts), dtype=np.float64).reshape(-1, 1)
