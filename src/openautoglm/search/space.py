"""The run's search space: a family, then that family's own define-by-run hyperparameters."""

from __future__ import annotations

from typing import Any

import optuna

from openautoglm.models.catalog import family_class


class FamilyTrial:
    """An Optuna trial seen through one family: its parameter names get a ``family.`` prefix.

    Families share names such as ``C`` with different ranges; prefixing keeps each family's
    distributions separate inside the one study of the run. ``language`` lets a family shape
    its space for the run's texts (character n-grams from 1 for Chinese, for example).
    """

    def __init__(self, trial: optuna.Trial, family: str, language: str = "en") -> None:
        self._trial = trial
        self._prefix = f"{family}."
        self.language = language

    def suggest_float(self, name: str, low: float, high: float, **kwargs: Any) -> float:
        return self._trial.suggest_float(self._prefix + name, low, high, **kwargs)

    def suggest_int(self, name: str, low: int, high: int, **kwargs: Any) -> int:
        return self._trial.suggest_int(self._prefix + name, low, high, **kwargs)

    def suggest_categorical(self, name: str, choices: Any) -> Any:
        return self._trial.suggest_categorical(self._prefix + name, choices)


def suggest_config(
    trial: optuna.Trial, families: list[str], use_defaults: bool = False, language: str = "en"
) -> tuple[str, dict[str, Any]]:
    """Choose a family and its hyperparameters; ``use_defaults`` keeps the family's defaults."""
    family = trial.suggest_categorical("family", families)
    if use_defaults:
        return family, {}
    space = FamilyTrial(trial, family, language)
    return family, family_class(family).search_space(space)  # type: ignore[arg-type]
