"""What a saved model takes and gives for each task: pairs in, label lists or numbers out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from openautoglm.data.pairs import PAIR_MARK, join_pair
from openautoglm.evaluate.thresholds import LabelThresholds


def pair_inputs(inputs: Any, columns: Sequence[str] | None) -> list[str]:
    """Pairs as the joined strings the model reads, from ``[(a, b), ...]`` or a DataFrame.

    A DataFrame needs the two text columns the model was trained on (``columns``), or has
    exactly two columns, read left to right.

    Example:
        >>> pair_inputs([("a cat", "a dog")], None)[0].split()
        ['a', 'cat', '\\x1f', 'a', 'dog']
    """
    if isinstance(inputs, pd.DataFrame):
        return _frame_pairs(inputs, columns)
    if isinstance(inputs, (str, bytes)) or not isinstance(inputs, Iterable):
        raise TypeError("pass a list of text pairs, e.g. predict([('first text', 'second')])")
    rows = list(inputs)
    out = []
    for i, row in enumerate(rows):
        if isinstance(row, str) and PAIR_MARK in row:  # already joined (data.pairs)
            out.append(row)
            continue
        if not isinstance(row, (tuple, list)) or len(row) != 2:
            raise TypeError(
                f"item {i} is {type(row).__name__} {row!r:.60}; this model reads text pairs: "
                "pass (first, second) tuples or a DataFrame with the two text columns"
            )
        if not all(isinstance(side, str) for side in row):
            raise TypeError(f"item {i}: both sides of a pair must be strings, got {row!r:.60}")
        out.append(join_pair(row[0], row[1]))
    return out


def _frame_pairs(frame: pd.DataFrame, columns: Sequence[str] | None) -> list[str]:
    wanted = list(columns or [])
    if len(wanted) == 2 and all(c in frame.columns for c in wanted):
        left, right = wanted
    elif frame.shape[1] == 2:
        left, right = frame.columns
    else:
        raise TypeError(
            f"the DataFrame needs the two text columns {wanted} (or exactly two columns); it "
            f"has {[str(c) for c in frame.columns]}"
        )
    lefts = frame[left].fillna("").astype(str).tolist()
    rights = frame[right].fillna("").astype(str).tolist()
    return [join_pair(a, b) for a, b in zip(lefts, rights, strict=True)]


def label_lists(
    proba: np.ndarray, labels: Sequence[str], thresholds: LabelThresholds | None
) -> list[list[str]]:
    """The labels each row's probabilities decide (by the tuned thresholds, else 0.5)."""
    rule = thresholds or LabelThresholds(np.full(len(labels), 0.5))
    return [[labels[j] for j in np.flatnonzero(row)] for row in rule.apply(proba)]
