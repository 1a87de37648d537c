"""Rows of the multilabel and regression tasks: texts (one or a pair), dedupe, leaks, checks."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from openautoglm.data.errors import DataError
from openautoglm.data.pairs import join_columns
from openautoglm.data.validate import clean_rows

#: training rows the search's cross-validation needs at the least, for these tasks
MIN_TASK_ROWS = 10


@dataclass
class TaskRows:
    """Texts (pairs joined) and their targets: label lists, or numbers."""

    texts: list[str]
    targets: list[Any]

    def take(self, idx: Sequence[int] | np.ndarray) -> TaskRows:
        """The rows at ``idx``, in that order."""
        return TaskRows([self.texts[i] for i in idx], [self.targets[i] for i in idx])


def read_texts(frame: pd.DataFrame, columns: Sequence[str], source: str) -> list[str]:
    """The texts of each row, stripped: one column, or two joined as a pair (see data.pairs).

    Raises DataError naming the rows with an empty text (or an empty side of a pair).
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"{source} lacks the text column(s) {missing}; it has {[str(c) for c in frame.columns]}"
        )
    if len(columns) == 2:
        return join_columns(frame, columns, source)
    texts, _ = clean_rows(frame.assign(_placeholder="x"), columns[0], "_placeholder", source)
    return texts


def dedupe(rows: TaskRows, key: Any = lambda t: t) -> tuple[TaskRows, int]:
    """Drop exact repeats of (text, target), keeping the first; returns the drop count."""
    seen: set[tuple[str, Hashable]] = set()
    kept: list[int] = []
    for i, (text, target) in enumerate(zip(rows.texts, rows.targets, strict=True)):
        mark = (text, key(target))
        if mark not in seen:
            seen.add(mark)
            kept.append(i)
    return rows.take(kept), len(rows.texts) - len(kept)


def drop_leaks(train: TaskRows, test: TaskRows, notes: list[str]) -> TaskRows:
    """Training rows whose text also occurs in the test set removed (noted)."""
    test_texts = set(test.texts)
    kept = [i for i, t in enumerate(train.texts) if t not in test_texts]
    removed = len(train.texts) - len(kept)
    if removed:
        notes.append(
            f"removed {removed} training rows whose text also occurs in the test set "
            "(prevents leakage into the score)"
        )
    return train.take(kept)


def check_row_count(rows: TaskRows, where: str) -> None:
    """DataError unless there are enough training rows for the search's cross-validation."""
    if len(rows.texts) < MIN_TASK_ROWS:
        raise DataError(
            f"only {len(rows.texts)} training rows{where}; the search's cross-validation needs at "
            f"least {MIN_TASK_ROWS}. Add rows."
        )
