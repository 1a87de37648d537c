"""The task a run trains: detected from the data when the spec says "auto", checked otherwise.

A task given explicitly (words, ``task=`` or ``--task``) that the data clearly contradicts
(a regression target for a classifier, label lists for a regression, one text column for a
pair task) is refused with a message naming both, before anything is trained.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from openautoglm.data.columns import check_column
from openautoglm.data.errors import DataError
from openautoglm.data.task_detection import TaskDetection, detect_task, holds_lists
from openautoglm.spec import TaskSpec, is_pair_task, task_output

#: below this share of numeric label values, a regression target is text, not bad rows
MIN_NUMERIC_SHARE = 0.5


@dataclass
class TaskChoice:
    """The task to train, the columns it reads and the label-list separator, with notes."""

    task_type: str
    text_columns: list[str]
    label_column: str | None
    label_sep: str | None = None
    notes: list[str] = field(default_factory=list)


class TaskMismatch(DataError):
    """The task given contradicts the data; ``given`` and ``found`` name both."""

    def __init__(self, given: str, found: str, why: str, fix: str) -> None:
        super().__init__(
            f"task {given!r} contradicts the data: {why}, so it looks like {found!r}. Pass "
            f"task={found!r} (--task {found}){fix}."
        )
        self.given, self.found = given, found


def choose_task(
    spec: TaskSpec, frame: pd.DataFrame, label_sep: str | None = None, source: str = "the data"
) -> TaskChoice:
    """The task of ``spec`` on ``frame``: detected for "auto", checked against the data else.

    An explicit text_classification keeps the single-label path's own column checks and
    messages; only a contradiction of the task is raised here.
    """
    given = spec.task_type
    if given == "auto" and (spec.labels or spec.label_map) and label_sep is None:
        given = "text_classification"  # named classes: a classifier, whatever the values look like
    try:
        found = detect_task(frame, spec.text_column, spec.label_column, label_sep)
    except DataError:
        if given in ("auto", "text_classification"):  # the single-label path says what is wrong
            return TaskChoice("text_classification", [], spec.label_column)
        raise
    if given == "text_classification" and label_sep is None:
        return _single_label(spec, frame, found)
    single = given == "text_classification"
    for column in [] if single else found.text_columns:
        check_column(frame, column, "text_column", source)
    if found.label_column in found.text_columns and not single:
        raise DataError(
            f"label_column {found.label_column!r} is also a text column {found.text_columns}: "
            "the texts and the label must be different columns; check text_column= and "
            "label_column="
        )
    if given == "auto":
        notes = [] if found.task_type == "text_classification" else [
            f"task detected from the data: {found.task_type} ({'; '.join(found.reasons)})"
        ]  # fmt: skip
        return TaskChoice(found.task_type, found.text_columns, found.label_column,
                          found.label_sep, notes)  # fmt: skip
    _check_texts(given, found)
    notes = _check_output(given, found, frame)
    sep = label_sep if label_sep is not None else found.label_sep
    if task_output(given) == "multilabel" and sep is not None:
        notes.append(f"multilabel labels split on {sep!r}: " + "; ".join(found.reasons))
    return TaskChoice(given, found.text_columns, found.label_column, sep, notes)


def _single_label(spec: TaskSpec, frame: pd.DataFrame, found: TaskDetection) -> TaskChoice:
    """A single-label task given explicitly: kept, the single-label path checks its columns.

    Only label cells that are real lists contradict it; labels with commas ("Home, Garden"),
    numbers or pair-like column names are what earlier releases trained, so they get a note.
    """
    label = spec.label_column or found.label_column
    if label in frame.columns and holds_lists(frame[label]):
        raise TaskMismatch("text_classification", "multilabel_classification",
                           f"label column {label!r} holds lists of labels",
                           f", or check label_column= (it is {label!r})")  # fmt: skip
    notes = [] if found.task_type == "text_classification" else [
        f"the data also reads as {found.task_type} ({'; '.join(found.reasons)}); trained as "
        f"text_classification as asked (task={found.task_type!r} for the other)"
    ]  # fmt: skip
    return TaskChoice("text_classification", [], spec.label_column, None, notes)


def _check_texts(given: str, found: TaskDetection) -> None:
    pair = len(found.text_columns) == 2
    if is_pair_task(given) and not pair:
        raise DataError(
            f"task {given!r} reads two text columns a row, but the data gives one "
            f"({found.text_columns}); no two columns are named like a pair (sentence1/sentence2, "
            "question1/question2, text_a/text_b, ...). Pass text_column=[a, b] (--text-columns "
            "a,b), or a single-text task."
        )
    if not is_pair_task(given) and pair:
        paired = (
            "text_pair_regression" if given == "text_regression" else "text_pair_classification"
        )
        raise TaskMismatch(
            given,
            paired,
            f"the columns {found.text_columns} are two sides of a text pair",
            ", or name the one text column to read with text_column=",
        )


def _check_output(given: str, found: TaskDetection, frame: pd.DataFrame) -> list[str]:
    """Notes on a tolerable difference; TaskMismatch on a contradiction."""
    want, seen = task_output(given), task_output(found.task_type)
    label = found.label_column
    fix = f", or check label_column= (it is {label!r})"
    if want == seen:
        return []
    if seen == "multilabel" and want != "multilabel":
        raise TaskMismatch(given, found.task_type, f"label column {label!r} holds label lists "
                           f"({'; '.join(found.reasons)})", fix)  # fmt: skip
    if want == "regression":
        values = frame[label].astype(str).str.strip()
        numeric = pd.to_numeric(values[values != ""], errors="coerce").notna().mean()
        if numeric < MIN_NUMERIC_SHARE:
            example = next((v for v in values if v), "")
            raise TaskMismatch(given, found.task_type, f"label column {label!r} holds names, not "
                               f"numbers (e.g. {example!r})", fix)  # fmt: skip
        return []  # mostly numbers: the rows that are not are named when the target is read
    if seen == "regression" and _fractional(frame[label]):  # integers may still be classes
        raise TaskMismatch(given, found.task_type, f"label column {label!r} is a quantity "
                           f"({'; '.join(found.reasons)})", fix)  # fmt: skip
    if want == "multilabel":
        return [f"no label separator found in {label!r}: each row holds one label "
                "(label_sep= / --label-sep splits lists)"]  # fmt: skip
    return []


def _fractional(values: pd.Series) -> bool:
    """Whether a numeric column holds values that are not whole numbers."""
    numbers = pd.to_numeric(values.astype(str).str.strip(), errors="coerce").dropna()
    return bool((numbers != numbers.round()).any())
