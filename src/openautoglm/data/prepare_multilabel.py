"""Multilabel data: texts with lists of labels (an empty list means "no label")."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from openautoglm.data.errors import DataError
from openautoglm.data.language import detect_language
from openautoglm.data.prepare_common import PreparedData, data_hashes, language_notes, name_of
from openautoglm.data.profile import length_stats
from openautoglm.data.stratify import iterative_split
from openautoglm.data.task_choice import TaskChoice
from openautoglm.data.task_detection import split_label_lists
from openautoglm.data.task_profile import multilabel_profile
from openautoglm.data.task_rows import TaskRows, check_row_count, dedupe, drop_leaks, read_texts
from openautoglm.spec import TaskSpec


def prepare_multilabel(
    spec: TaskSpec,
    train_frame: pd.DataFrame,
    test_frame: pd.DataFrame | None,
    choice: TaskChoice,
    notes: list[str],
) -> PreparedData:
    """Read, clean, dedupe, split (iteratively stratified) and profile multilabel data."""
    label_col = choice.label_column or ""
    source = name_of(spec.dataset_path)
    train = _rows(train_frame, choice, source)
    test = _rows(test_frame, choice, name_of(spec.test_path or "")) if test_frame is not None \
        else None  # fmt: skip
    if spec.label_map:  # label values in the data -> names, inside each list
        for rows in (train, test):
            if rows is not None:
                rows.targets = [[spec.label_map.get(v, v) for v in row] for row in rows.targets]
        notes.append(f"label values renamed: {spec.label_map}")
    labels = _labels(spec, train, notes)
    for rows in (train, test):
        if rows is not None:
            rows.targets = [[label for label in row if label in labels] for row in rows.targets]
    train, dropped = dedupe(train, key=lambda labels: tuple(sorted(labels)))
    if dropped:
        notes.append(f"dropped {dropped} exact duplicate (text, labels) rows from training data")
    if test is not None:
        train, test_source = drop_leaks(train, test, notes), "test_path"
    else:
        check_row_count(train, f" in {source}")
        train, test = _holdout(train, labels, spec, notes)
        train, test_source = drop_leaks(train, test, notes), "holdout"
    check_row_count(train, f" in {source}")
    _note_rare(train, labels, notes)
    language = detect_language(train.texts)
    notes += language_notes(spec, language)
    profile = {
        "task_type": "multilabel_classification", "rows_train": len(train.texts),
        "rows_test": len(test.texts),
        "n_labels": len(labels), "labels_profile": multilabel_profile(train.targets),
        "text_length_chars": length_stats(train.texts), "language": language,
        "text_column": choice.text_columns, "label_column": label_col,
        "label_sep": choice.label_sep, "duplicates_within_train": dropped,
        "test_source": test_source,
    }  # fmt: skip
    train_y, test_y = _encode(train.targets, labels), _encode(test.targets, labels)
    hashes = data_hashes(train.texts, train_y, test.texts, test_y)
    text_column = choice.text_columns[0] if len(choice.text_columns) == 1 else choice.text_columns
    return PreparedData(
        train.texts, train_y, test.texts, test_y, labels, text_column, label_col, language,
        test_source, notes, profile, *hashes, task_type="multilabel_classification",
        label_sep=choice.label_sep,
    )  # fmt: skip


def _rows(frame: pd.DataFrame, choice: TaskChoice, source: str) -> TaskRows:
    label_col = choice.label_column or ""
    if label_col not in frame.columns:
        raise DataError(f"{source} lacks the label column {label_col!r}; it has "
                        f"{[str(c) for c in frame.columns]}")  # fmt: skip
    texts = read_texts(frame, choice.text_columns, source)
    return TaskRows(texts, split_label_lists(frame[label_col], choice.label_sep))


def _labels(spec: TaskSpec, train: TaskRows, notes: list[str]) -> list[str]:
    """The label names in order: ``labels=`` (checked against the data), else sorted."""
    seen = Counter(label for row in train.targets for label in row)
    if not seen:
        raise DataError(
            f"no row of {name_of(spec.dataset_path)} has a label; a multilabel task needs rows "
            "with at least one label (empty lists are allowed on some rows)."
        )
    if not spec.labels:
        return sorted(seen)
    missing = [label for label in spec.labels if label not in seen]
    if missing:
        raise DataError(
            f"labels {missing} were requested but occur in no training row; the data has "
            f"{sorted(seen)[:50]}. Fix the spelling in labels= or add rows for them."
        )
    others = sorted(set(seen) - set(spec.labels))
    if others:
        notes.append(f"labels not in labels= were removed from the rows' lists: {others}")
    return list(spec.labels)


def _holdout(
    rows: TaskRows, labels: list[str], spec: TaskSpec, notes: list[str]
) -> tuple[TaskRows, TaskRows]:
    """An iteratively stratified test split; every label keeps a training row."""
    y = _encode(rows.targets, labels)
    train_idx, test_idx = iterative_split(y, spec.test_size, spec.seed)
    train, test = list(train_idx), list(test_idx)
    for column in range(len(labels)):  # a label only in the test rows could not be learned
        if not y[train, column].any() and y[test, column].any():
            moved = next(i for i in test if y[i, column])
            test.remove(moved)
            train.append(moved)
    notes.append(
        f"no test_path: held out {len(test)} of {len(rows.texts)} rows (test_size="
        f"{spec.test_size}, iterative stratification over the labels, seed={spec.seed})"
    )
    return rows.take(sorted(train)), rows.take(sorted(test))


def _note_rare(train: TaskRows, labels: list[str], notes: list[str]) -> None:
    counts = Counter(label for row in train.targets for label in row)
    rare = sorted(label for label in labels if counts[label] < 2)
    if rare:
        notes.append(
            f"labels with fewer than 2 training rows (kept, but hard to learn and their "
            f"thresholds cannot be tuned well): {rare}"
        )
    empty = sum(not row for row in train.targets)
    if empty:
        notes.append(f"{empty} training rows have no label (an empty list: kept as 'no label')")


def _encode(rows: list[list[str]], labels: list[str]) -> np.ndarray:
    index = {label: i for i, label in enumerate(labels)}
    y = np.zeros((len(rows), len(labels)), dtype=np.int8)
    for r, row in enumerate(rows):
        for label in row:
            if label in index:
                y[r, index[label]] = 1
    return y
