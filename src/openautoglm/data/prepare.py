"""prepare_data: from a TaskSpec to clean, validated, split and profiled training data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from openautoglm.data.columns import choose_columns
from openautoglm.data.errors import DataError
from openautoglm.data.language import detect_language
from openautoglm.data.pairs import join_columns, split_pairs
from openautoglm.data.prepare_common import PreparedData
from openautoglm.data.prepare_multilabel import prepare_multilabel
from openautoglm.data.prepare_regression import prepare_regression
from openautoglm.data.profile import build_profile, data_hash, rows_hash
from openautoglm.data.readers import read_table
from openautoglm.data.splits import count_conflicts, dedupe_pairs, drop_overlap, holdout_split
from openautoglm.data.task_choice import TaskChoice, choose_task
from openautoglm.data.task_profile import pair_profile
from openautoglm.data.validate import (
    MIN_TRAIN_ROWS,
    check_class_sizes,
    check_classes,
    check_test_labels,
    check_two_classes,
    check_validation_split,
    clean_rows,
    keep_labels,
    min_rows_per_class,
    rare_classes,
    restrict_labels,
)
from openautoglm.spec import TaskSpec


@dataclass
class _Rows:
    texts: list[str]
    labels: list[str]


_AFTER_LEAKS = " after removing texts that also occur in the test set"


@dataclass
class _Counts:
    """What cleaning dropped, for the profile."""

    dup_within: int = 0
    dup_overlap: int = 0
    dropped_unlisted: int = 0
    dropped_rare: dict[str, int] = field(default_factory=dict)


def prepare_data(spec: TaskSpec, label_sep: str | None = None) -> PreparedData:
    """Read, clean, validate, dedupe, split and profile the data a TaskSpec points to.

    The task is ``spec.task_type``, or detected from the data when it is "auto" (see
    data.task_choice); ``label_sep`` splits multilabel label lists (detected when None).
    """
    notes: list[str] = []
    train_frame = _read(spec.dataset_path, notes)
    test_frame = _read(spec.test_path, notes) if spec.test_path else None
    choice = choose_task(spec, train_frame, label_sep, _name(spec.dataset_path))
    notes += choice.notes
    if choice.task_type == "multilabel_classification":
        return prepare_multilabel(spec, train_frame, test_frame, choice, notes)
    if choice.task_type in ("text_regression", "text_pair_regression"):
        return prepare_regression(spec, train_frame, test_frame, choice, notes)
    if choice.task_type == "text_pair_classification":
        return _prepare_pairs(spec, train_frame, test_frame, choice, notes)
    return _prepare_classes(spec, train_frame, test_frame, notes)


def _prepare_pairs(
    spec: TaskSpec,
    train_frame: pd.DataFrame,
    test_frame: pd.DataFrame | None,
    choice: TaskChoice,
    notes: list[str],
) -> PreparedData:
    """Pair classification: the two sides joined into one text, then as single-label data."""
    columns, label = choice.text_columns, choice.label_column or ""
    joined = " + ".join(columns)

    def frame_of(frame: pd.DataFrame, path: str) -> pd.DataFrame:
        _check_test_columns(frame, columns[0], label, path)
        _check_test_columns(frame, columns[1], label, path)
        texts = join_columns(frame, columns, _name(path))
        return pd.DataFrame({joined: texts, label: frame[label].tolist()})

    train = frame_of(train_frame, spec.dataset_path)
    test = frame_of(test_frame, spec.test_path or "") if test_frame is not None else None
    single = spec.model_copy(update={"task_type": "text_classification", "text_column": joined,
                                     "label_column": label})  # fmt: skip
    data = _prepare_classes(single, train, test, notes)
    data.profile["pairs"] = pair_profile(*split_pairs(data.train_texts))
    data.profile["task_type"] = "text_pair_classification"
    data.profile["text_column"] = columns
    return replace(data, text_column=columns, task_type="text_pair_classification")


def _prepare_classes(
    spec: TaskSpec, train_frame: pd.DataFrame, test_frame: pd.DataFrame | None, notes: list[str]
) -> PreparedData:
    """Single-label classification (also pairs, joined): the path every class task takes."""
    if isinstance(spec.text_column, list):
        raise DataError(
            f"{spec.task_type} reads one text column, got {spec.text_column}; pass one column "
            "(two text columns are for text_pair_classification)."
        )
    train, test, text_col, label_col = _load(spec, train_frame, test_frame, notes)
    counts = _Counts()
    if spec.label_map:
        _rename_labels(train, test, spec.label_map, notes)
    counts.dropped_unlisted = _restrict(train, test, spec, notes)
    train, test, test_source = _dedupe_and_split(train, test, spec, counts, notes)
    test_name = _name(spec.test_path) if spec.test_path else "the holdout test set"
    check_test_labels(train.labels, test.labels, test_name)

    labels = _label_order(spec, train, counts.dropped_rare)
    language = detect_language(train.texts)
    notes.append(f"language detected: {language}")
    if spec.constraints.language and spec.constraints.language != language:
        notes.append(
            f"constraints.language is {spec.constraints.language!r} but the texts look {language!r}"
        )
    profile = build_profile(
        train.texts,
        train.labels,
        test.texts,
        labels,
        language=language,
        text_column=text_col,
        label_column=label_col,
        duplicates_within_train=counts.dup_within,
        duplicates_train_test=counts.dup_overlap,
        dropped_unlisted_labels=counts.dropped_unlisted,
        dropped_rare_classes=counts.dropped_rare,
        test_source=test_source,
    )
    return PreparedData(
        train_texts=train.texts,
        train_y=_encode(train.labels, labels),
        test_texts=test.texts,
        test_y=_encode(test.labels, labels),
        labels=labels,
        text_column=text_col,
        label_column=label_col,
        language=language,
        test_source=test_source,
        notes=notes,
        profile=profile,
        data_hash=data_hash(train.texts, train.labels, test.texts, test.labels),
        test_hash=rows_hash(test.texts, test.labels),
    )


def _load(
    spec: TaskSpec, train_frame: pd.DataFrame, test_frame: pd.DataFrame | None, notes: list[str]
) -> tuple[_Rows, _Rows | None, str, str]:
    """Choose the columns and clean the rows of the files read."""
    choice = choose_columns(
        train_frame, spec.text_column, spec.label_column, _name(spec.dataset_path)
    )
    notes += choice.notes
    text_col, label_col = choice.text_column, choice.label_column
    train = _Rows(*clean_rows(train_frame, text_col, label_col, _name(spec.dataset_path)))
    test = None
    if test_frame is not None and spec.test_path:
        _check_test_columns(test_frame, text_col, label_col, spec.test_path)
        test = _Rows(*clean_rows(test_frame, text_col, label_col, _name(spec.test_path)))
    return train, test, text_col, label_col


def _dedupe_and_split(
    train: _Rows, test: _Rows | None, spec: TaskSpec, counts: _Counts, notes: list[str]
) -> tuple[_Rows, _Rows, str]:
    """Drop duplicates, leaks and (if asked) rare classes, then check what the search needs."""
    train.texts, train.labels, counts.dup_within = dedupe_pairs(train.texts, train.labels)
    if counts.dup_within:
        notes.append(
            f"dropped {counts.dup_within} exact duplicate (text, label) rows from training data"
        )
    if test is not None:
        # Before the class checks, so they count the training rows the search will really get.
        counts.dup_overlap = _drop_leaks(train, test, notes)
    _note_conflicts(train, notes)
    counts.dropped_rare = _drop_rare_classes(train, test, spec, notes)
    source = _name(spec.dataset_path)
    cv_needs = " for the search's cross-validation"
    if test is not None:
        where = f" in {source}" + (_AFTER_LEAKS if counts.dup_overlap else "")
        check_classes(train.labels, MIN_TRAIN_ROWS, where, cv_needs)
        check_validation_split(train.labels)
        return train, test, "test_path"
    why = (
        f" (with no test file 1 goes to the test set, and the search's cross-validation needs "
        f"{MIN_TRAIN_ROWS})"
    )
    check_two_classes(train.labels, f" in {source}")
    needed = min_rows_per_class(holdout=True)
    check_class_sizes(train.labels, needed, f" in {source} once a test row is held out", why)
    train, test = _holdout(train, spec, notes)
    counts.dup_overlap = _drop_leaks(train, test, notes)
    if counts.dup_overlap:
        # Only texts seen with two labels can leak here; losing them may starve a class.
        check_classes(train.labels, MIN_TRAIN_ROWS, f" in {source}{_AFTER_LEAKS}", cv_needs)
    check_validation_split(train.labels, f" (after holding out {len(test.labels)} for testing)")
    return train, test, "holdout"


def _drop_leaks(train: _Rows, test: _Rows, notes: list[str]) -> int:
    train.texts, train.labels, removed = drop_overlap(train.texts, train.labels, test.texts)
    if removed:
        notes.append(
            f"removed {removed} training rows whose text also occurs in the test set "
            "(prevents leakage into the score)"
        )
    return removed


def _drop_rare_classes(
    train: _Rows, test: _Rows | None, spec: TaskSpec, notes: list[str]
) -> dict[str, int]:
    # min_class_rows trades the rare classes for a run that can train at all.
    if spec.min_class_rows is None:
        return {}
    rare = rare_classes(train.labels, spec.min_class_rows)
    if not rare:
        return {}
    keep = sorted(set(train.labels) - set(rare))
    train.texts, train.labels, dropped = keep_labels(train.texts, train.labels, keep)
    message = (
        f"dropped {len(rare)} class(es) with fewer than {spec.min_class_rows} training rows "
        f"(min_class_rows={spec.min_class_rows}): {rare}, {dropped} training rows"
    )
    if test is not None:
        test.texts, test.labels, dropped_test = keep_labels(test.texts, test.labels, keep)
        message += f" and {dropped_test} test rows"
        if not test.texts:
            raise DataError(
                f"every row of test file {_name(spec.test_path or '')} belongs to a class dropped "
                f"by min_class_rows={spec.min_class_rows} ({sorted(rare)}); lower min_class_rows "
                "or add training rows for those classes."
            )
    notes.append(message)
    return rare


def _label_order(spec: TaskSpec, train: _Rows, dropped: dict[str, int]) -> list[str]:
    # labels= fixes the order; classes dropped by min_class_rows leave it.
    if spec.labels:
        return [label for label in spec.labels if label not in dropped]
    return sorted(set(train.labels))


def _read(path: str, notes: list[str]) -> pd.DataFrame:
    frame = read_table(path)
    encoding = frame.attrs.get("encoding")
    if encoding and encoding != "utf-8":
        notes.append(f"{_name(path)} is not UTF-8; read it as {encoding}")
    return frame


def _name(path: str) -> str:
    return Path(path).name


def _check_test_columns(frame: pd.DataFrame, text_col: str, label_col: str, path: str) -> None:
    missing = [c for c in (text_col, label_col) if c not in frame.columns]
    if missing:
        raise DataError(
            f"test file {_name(path)} lacks column(s) {missing} used in the training data; it has "
            f"{[str(c) for c in frame.columns]}. Give it the same text and label columns."
        )


def _restrict(train: _Rows, test: _Rows | None, spec: TaskSpec, notes: list[str]) -> int:
    # labels= both validates the label names and narrows the task to those classes.
    if not spec.labels:
        return 0
    source = _name(spec.dataset_path)
    train.texts, train.labels, dropped = restrict_labels(
        train.texts, train.labels, spec.labels, source
    )
    if test is not None:
        test.texts, test.labels, dropped_test = keep_labels(test.texts, test.labels, spec.labels)
        dropped += dropped_test
        if not test.texts:
            raise DataError(
                f"no rows of test file {_name(spec.test_path or '')} have a label in "
                f"labels={spec.labels}; check the labels or the test file."
            )
    if dropped:
        notes.append(f"dropped {dropped} rows whose label is not in labels={spec.labels}")
    return dropped


def _rename_labels(
    train: _Rows, test: _Rows | None, label_map: dict[str, str], notes: list[str]
) -> None:
    for rows in (train, test):
        if rows is not None:
            rows.labels = [label_map.get(label, label) for label in rows.labels]
    notes.append(f"label values renamed: {label_map}")


def _note_conflicts(train: _Rows, notes: list[str]) -> None:
    conflicts = count_conflicts(train.texts, train.labels)
    if conflicts:
        notes.append(f"{conflicts} texts appear with more than one label (kept; noisy labels)")


def _holdout(rows: _Rows, spec: TaskSpec, notes: list[str]) -> tuple[_Rows, _Rows]:
    train_idx, test_idx = holdout_split(rows.labels, spec.test_size, spec.seed)
    notes.append(
        f"no test_path: held out {len(test_idx)} of {len(rows.labels)} rows "
        f"(test_size={spec.test_size}, stratified by label, seed={spec.seed})"
    )
    return _take(rows, train_idx), _take(rows, test_idx)


def _take(rows: _Rows, idx: np.ndarray) -> _Rows:
    return _Rows([rows.texts[i] for i in idx], [rows.labels[i] for i in idx])


def _encode(values: Sequence[str], labels: Sequence[str]) -> np.ndarray:
    index = {label: i for i, label in enumerate(labels)}
    return np.array([index[v] for v in values], dtype=np.int64)
