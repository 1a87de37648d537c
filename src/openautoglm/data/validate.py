"""Clean texts and labels and check that they can train a classifier."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import pandas as pd

from openautoglm.data.errors import DataError

SHOWN_ROWS = 5


def clean_rows(
    frame: pd.DataFrame, text_column: str, label_column: str, source: str
) -> tuple[list[str], list[str]]:
    """Strip texts and labels; raise DataError listing rows where either is empty."""
    if frame.empty:
        raise DataError(f"{source} has no data rows; add rows below the header.")
    texts = [str(v).strip() for v in frame[text_column].tolist()]
    labels = [str(v).strip() for v in frame[label_column].tolist()]
    _reject_empty(texts, f"text column {text_column!r}", source)
    _reject_empty(labels, f"label column {label_column!r}", source)
    return texts, labels


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


def check_classes(labels: Sequence[str], context: str = "") -> None:
    """Raise DataError unless there are >= 2 classes, each with >= 2 rows."""
    counts = Counter(labels)
    if len(counts) < 2:
        only = next(iter(counts), "")
        raise DataError(
            f"only one class {only!r} in the training data{context}; a classifier needs at "
            "least two. Add rows of other classes or check label_column=."
        )
    rare = {label: n for label, n in sorted(counts.items()) if n < 2}
    if rare:
        raise DataError(
            f"classes with fewer than 2 training rows{context}: {rare}; add more examples of "
            "them, or leave them out with labels=[...]."
        )


def check_test_labels(train_labels: Sequence[str], test_labels: Sequence[str], source: str) -> None:
    """Raise DataError if the test set holds labels the training set never shows."""
    unseen = sorted(set(test_labels) - set(train_labels))
    if unseen:
        raise DataError(
            f"{source} has labels not in the training data: {unseen}; add training rows for "
            "them, remove them from the test file, or restrict with labels=[...]."
        )
