"""Clean texts and labels and check that they can train a classifier."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import pandas as pd

from openautoglm.data.errors import DataError
from openautoglm.data.splits import MIN_TRAIN_ROWS

SHOWN_ROWS = 5
# The search (search/runner.py) cross-validates with stratified k-fold, k >= 2, and ranks trials
# on a stratified validation split of this share: each needs MIN_TRAIN_ROWS rows of every class,
# and the split needs room for a row of every class on both sides.
VALIDATION_SHARE = 0.15


def clean_rows(
    frame: pd.DataFrame, text_column: str, label_column: str, source: str
) -> tuple[list[str], list[str]]:
    """Strip texts and labels; raise DataError listing rows where either is empty."""
    if frame.empty:
        raise DataError(f"{source} has no data rows; add rows below the header.")
    texts = [str(v).strip() for v in frame[text_column].tolist()]
    labels = [str(v).strip() for v in frame[label_column].tolist()]
    _reject_all_empty(texts, f"text column {text_column!r}", "text_column", frame, source)
    _reject_all_empty(labels, f"label column {label_column!r}", "label_column", frame, source)
    _reject_empty(texts, f"text column {text_column!r}", source)
    _reject_empty(labels, f"label column {label_column!r}", source)
    return texts, labels


def _reject_all_empty(
    values: Sequence[str], what: str, role: str, frame: pd.DataFrame, source: str
) -> None:
    # A column empty on every row is the wrong column (or an export that lost it), not bad rows.
    if any(values):
        return
    columns = [str(c) for c in frame.columns]
    raise DataError(
        f"the {what} of {source} is empty in every row ({len(values)} rows); fill it in, or pass "
        f"{role}= naming the column that holds the data (columns: {columns})."
    )


def _reject_empty(values: Sequence[str], what: str, source: str) -> None:
    # 1-based data rows (header excluded) so users can find them in a spreadsheet.
    rows = [i + 1 for i, value in enumerate(values) if not value]
    if not rows:
        return
    shown = ", ".join(map(str, rows[:SHOWN_ROWS])) + (", ..." if len(rows) > SHOWN_ROWS else "")
    raise DataError(
        f"{len(rows)} row(s) of {source} have an empty {what} (data rows {shown}, header "
        "not counted); fill or remove these rows."
    )


def restrict_labels(
    texts: list[str], labels: list[str], wanted: Sequence[str], source: str
) -> tuple[list[str], list[str], int]:
    """Keep rows whose label is in `wanted`; raise DataError if a wanted label is absent."""
    present = set(labels)
    missing = [label for label in wanted if label not in present]
    if missing:
        raise DataError(
            f"labels {missing} were requested but do not occur in {source}; the data has labels "
            f"{sorted(present)[:50]}. Fix the spelling in labels= or add rows for them."
        )
    return keep_labels(texts, labels, wanted)


def keep_labels(
    texts: list[str], labels: list[str], wanted: Sequence[str]
) -> tuple[list[str], list[str], int]:
    """Keep rows whose label is in `wanted`; return texts, labels and the dropped count."""
    keep = set(wanted)
    kept = [(t, y) for t, y in zip(texts, labels, strict=True) if y in keep]
    return [t for t, _ in kept], [y for _, y in kept], len(labels) - len(kept)


def min_rows_per_class(holdout: bool) -> int:
    """Rows a class needs before the split: MIN_TRAIN_ROWS, plus one test row for a holdout."""
    # holdout_split tops training up to MIN_TRAIN_ROWS per class whatever test_size is.
    return MIN_TRAIN_ROWS + 1 if holdout else MIN_TRAIN_ROWS


def rare_classes(labels: Sequence[str], min_rows: int) -> dict[str, int]:
    """Classes with fewer than `min_rows` rows, with their counts."""
    return {label: n for label, n in sorted(Counter(labels).items()) if n < min_rows}


def check_classes(
    labels: Sequence[str], needed: int = MIN_TRAIN_ROWS, where: str = "", why: str = ""
) -> None:
    """Raise DataError unless there are >= 2 classes, each with >= `needed` rows."""
    check_two_classes(labels, where)
    check_class_sizes(labels, needed, where, why)


def check_two_classes(labels: Sequence[str], where: str = "") -> None:
    """Raise DataError unless the training rows hold at least two classes.

    `where` says where the rows come from, e.g. " in d.csv" (it starts with a space).
    """
    counts = Counter(labels)
    if not counts:
        raise DataError(
            f"no training rows are left{where}; add training rows that differ from the test set."
        )
    if len(counts) < 2:
        raise DataError(
            f"only one class {next(iter(counts))!r} in the training data{where}; a classifier "
            "needs at least two. Add rows of other classes or check label_column=."
        )


def check_class_sizes(labels: Sequence[str], needed: int, where: str = "", why: str = "") -> None:
    """Raise DataError naming the classes with fewer than `needed` rows, and the fixes."""
    rare = rare_classes(labels, needed)
    if rare:
        raise DataError(
            f"classes with fewer than {MIN_TRAIN_ROWS} training rows{where} (rows per class: "
            f"{rare}); each class needs at least {needed} rows{why}. Add more rows of "
            f"{_names(rare)}, or drop classes this small with min_class_rows={needed}."
        )


def check_validation_split(labels: Sequence[str], context: str = "") -> None:
    """Raise DataError if the search's stratified validation split cannot hold every class."""
    n_rows, n_classes = len(labels), len(set(labels))
    if _validation_sizes_fit(n_rows, n_classes):
        return
    needed = n_rows + 1
    while not _validation_sizes_fit(needed, n_classes):
        needed += 1
    raise DataError(
        f"the training data has {n_rows} rows{context} for {n_classes} classes; the search ranks "
        f"models on a stratified {VALIDATION_SHARE:.0%} validation split that needs a row of every "
        f"class, so it needs at least {needed} training rows. Add more rows, or drop the "
        "smallest classes with min_class_rows=N or labels=[...]."
    )


def _validation_sizes_fit(n_rows: int, n_classes: int) -> bool:
    # scikit-learn's train_test_split rounds the test part up and gives the rest to training.
    n_val = math.ceil(VALIDATION_SHARE * n_rows)
    return n_val >= n_classes and n_rows - n_val >= n_classes


def _names(counts: dict[str, int]) -> str:
    names = [repr(label) for label in counts]
    return ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")


def check_test_labels(train_labels: Sequence[str], test_labels: Sequence[str], source: str) -> None:
    """Raise DataError if the test set holds labels the training set never shows."""
    unseen = sorted(set(test_labels) - set(train_labels))
    if unseen:
        raise DataError(
            f"{source} has labels not in the training data: {unseen}; add training rows for "
            "them, remove them from the test file, or restrict with labels=[...]."
        )
