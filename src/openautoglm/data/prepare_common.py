"""PreparedData, what every task's preparation returns, and the helpers the tasks share."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from openautoglm.data.profile import data_hash, rows_hash
from openautoglm.spec import TaskSpec


@dataclass
class PreparedData:
    """Training and test texts with their targets, plus the decisions and profile behind them.

    Targets by task: integer class codes (single-label and pair classification), a 0/1 matrix
    rows × labels (multilabel), floats (regression). A pair is one string (see data.pairs).
    """

    train_texts: list[str]
    train_y: np.ndarray
    test_texts: list[str]
    test_y: np.ndarray
    labels: list[str]  # class or label names; empty for regression
    text_column: str | list[str]
    label_column: str
    language: str
    test_source: str
    notes: list[str] = field(default_factory=list)
    profile: dict[str, Any] = field(default_factory=dict)
    data_hash: str = ""
    test_hash: str = ""  # the test split alone: two runs' scores compare when it is equal
    task_type: str = "text_classification"
    label_sep: str | None = None  # multilabel: the separator the label lists were split on


def name_of(path: str) -> str:
    """A file's name, for messages."""
    return Path(path).name


def language_notes(spec: TaskSpec, language: str) -> list[str]:
    """The language detected, and a warning when the constraints name another."""
    notes = [f"language detected: {language}"]
    if spec.constraints.language and spec.constraints.language != language:
        notes.append(
            f"constraints.language is {spec.constraints.language!r} but the texts look {language!r}"
        )
    return notes


def target_strings(y: np.ndarray) -> list[str]:
    """Targets as strings for hashing: a row of a label matrix, or a number."""
    if y.ndim == 2:
        return ["".join(map(str, row.tolist())) for row in y]
    return [repr(float(v)) for v in y]


def data_hashes(
    train_texts: list[str], train_y: np.ndarray, test_texts: list[str], test_y: np.ndarray
) -> tuple[str, str]:
    """(data hash, test hash) of non-class targets, as profile.data_hash/rows_hash give."""
    train_t, test_t = target_strings(train_y), target_strings(test_y)
    return data_hash(train_texts, train_t, test_texts, test_t), rows_hash(test_texts, test_t)
