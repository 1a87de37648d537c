"""Regression data: texts (or text pairs) with a number to predict."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from openautoglm.data.errors import DataError
from openautoglm.data.language import detect_language
from openautoglm.data.pairs import split_pairs
from openautoglm.data.prepare_common import PreparedData, data_hashes, language_notes, name_of
from openautoglm.data.profile import length_stats
from openautoglm.data.stratify import quantile_bins
from openautoglm.data.task_choice import TaskChoice
from openautoglm.data.task_profile import pair_profile, regression_profile
from openautoglm.data.task_rows import TaskRows, check_row_count, dedupe, drop_leaks, read_texts
from openautoglm.spec import TaskSpec

#: rows named in a bad-target message
SHOWN_ROWS = 5
#: quantile bins the holdout split is stratified on
HOLDOUT_BINS = 10


def prepare_regression(
    spec: TaskSpec,
    train_frame: pd.DataFrame,
    test_frame: pd.DataFrame | None,
    choice: TaskChoice,
    notes: list[str],
) -> PreparedData:
    """Read, check, dedupe, split (binned target) and profile regression data."""
    task, label_col = choice.task_type, choice.label_column or ""
    source = name_of(spec.dataset_path)
    train = _rows(train_frame, choice, source, task)
    _check_not_constant(train, label_col, source)
    test = None
    if test_frame is not None:
        test = _rows(test_frame, choice, name_of(spec.test_path or ""), task)
    train, dropped = dedupe(train)
    if dropped:
        notes.append(f"dropped {dropped} exact duplicate (text, target) rows from training data")
    if test is not None:
        train, test_source = drop_leaks(train, test, notes), "test_path"
    else:
        check_row_count(train, f" in {source}")
        train, test = _holdout(train, spec, notes)
        train, test_source = drop_leaks(train, test, notes), "holdout"
    check_row_count(train, f" in {source}")
    _check_not_constant(train, label_col, f"the training rows of {source}")
    language = detect_language(train.texts)
    notes += language_notes(spec, language)
    train_y = np.asarray(train.targets, dtype=np.float64)
    test_y = np.asarray(test.targets, dtype=np.float64)
    profile = {
        "task_type": task, "rows_train": len(train.texts), "rows_test": len(test.texts),
        "target": regression_profile(train_y), "text_length_chars": length_stats(train.texts),
        "language": language, "text_column": choice.text_columns, "label_column": label_col,
        "duplicates_within_train": dropped, "test_source": test_source,
    }  # fmt: skip
    if len(choice.text_columns) == 2:
        profile["pairs"] = pair_profile(*split_pairs(train.texts))
    hashes = data_hashes(train.texts, train_y, test.texts, test_y)
    text_column = choice.text_columns[0] if len(choice.text_columns) == 1 else choice.text_columns
    return PreparedData(
        train.texts, train_y, test.texts, test_y, [], text_column, label_col, language,
        test_source, notes, profile, *hashes, task_type=task,
    )  # fmt: skip


def _rows(frame: pd.DataFrame, choice: TaskChoice, source: str, task: str) -> TaskRows:
    label_col = choice.label_column or ""
    if label_col not in frame.columns:
        raise DataError(f"{source} lacks the target column {label_col!r}; it has "
                        f"{[str(c) for c in frame.columns]}")  # fmt: skip
    targets = parse_targets(frame[label_col].tolist(), label_col, source, task)
    return TaskRows(read_texts(frame, choice.text_columns, source), targets)


def parse_targets(values: list[object], column: str, source: str, task: str) -> list[float]:
    """The target of each row as a float; DataError naming rows that are not finite numbers."""
    numbers: list[float] = []
    bad: list[str] = []
    for i, value in enumerate(values):
        text = str(value).strip()
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            bad.append(f"{i + 1} ({text!r})" if text else f"{i + 1} (empty)")
        numbers.append(number)
    if bad:
        shown = ", ".join(bad[:SHOWN_ROWS]) + (", ..." if len(bad) > SHOWN_ROWS else "")
        raise DataError(
            f"{task} needs a finite number in target column {column!r} of {source} on every row; "
            f"{len(bad)} row(s) are not (data rows {shown}, header not counted). Fix or remove "
            "them; nothing was trained."
        )
    return numbers


def _check_not_constant(rows: TaskRows, column: str, where: str) -> None:
    values = np.asarray(rows.targets, dtype=np.float64)
    if values.size and np.ptp(values) == 0:
        raise DataError(
            f"the target {column!r} is {values[0]:g} on every row of {where}: a constant "
            "target leaves nothing to learn. Check label_column= or the data; nothing was trained."
        )


def _holdout(rows: TaskRows, spec: TaskSpec, notes: list[str]) -> tuple[TaskRows, TaskRows]:
    """A test split stratified on quantile bins of the target."""
    idx = np.arange(len(rows.texts))
    bins = quantile_bins(np.asarray(rows.targets, dtype=np.float64), HOLDOUT_BINS)
    try:
        train, test = train_test_split(idx, test_size=spec.test_size, random_state=spec.seed,
                                       stratify=bins)  # fmt: skip
    except ValueError:  # a bin with a single row cannot be stratified
        train, test = train_test_split(idx, test_size=spec.test_size, random_state=spec.seed)
    notes.append(
        f"no test_path: held out {len(test)} of {len(idx)} rows (test_size={spec.test_size}, "
        f"stratified on {HOLDOUT_BINS} quantile bins of the target, seed={spec.seed})"
    )
    return rows.take(np.sort(train)), rows.take(np.sort(test))
