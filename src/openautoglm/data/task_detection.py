"""Which task a data file holds, when the words and flags do not say it.

- two text columns named like a pair (sentence1/sentence2, question1/question2, text_a/text_b,
  premise/hypothesis, ...) → a text-pair task;
- a label column of delimited label lists (``,`` ``;`` ``|`` ``、``) or JSON lists → multilabel;
- a numeric label column with many distinct values → regression (integers with few distinct
  values stay classification unless the task is given).
Each decision comes with the reason, for the run's notes.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from openautoglm.data.errors import DataError

#: column name pairs that mark the two sides of a text pair (compared case-insensitively)
PAIR_NAMES: tuple[tuple[str, str], ...] = (
    ("sentence1", "sentence2"), ("question1", "question2"), ("text_a", "text_b"),
    ("premise", "hypothesis"), ("text1", "text2"), ("query", "document"), ("s1", "s2"),
    ("句子1", "句子2"), ("问题1", "问题2"),
)  # fmt: skip
#: delimiters a label list may use, in the order they are tried
LABEL_SEPARATORS: tuple[str, ...] = (",", ";", "|", "、")
#: a delimiter must split at least this share of the label values to signal lists
MIN_LIST_SHARE = 0.05
#: numeric labels with more distinct values than this are a quantity, not classes
MAX_CLASS_VALUES = 30
#: whole-number labels are a quantity only with more distinct values than this share of rows
MIN_QUANTITY_SHARE = 0.05


@dataclass
class TaskDetection:
    """The task a frame holds, the columns it reads, and why."""

    task_type: str
    text_columns: list[str]
    label_column: str | None
    label_sep: str | None = None
    reasons: list[str] = field(default_factory=list)


def pair_columns(frame: pd.DataFrame) -> tuple[str, str] | None:
    """The two columns of a text pair, found by their names, or None."""
    lower = {str(c).strip().lower(): c for c in frame.columns}
    for left, right in PAIR_NAMES:
        if left in lower and right in lower:
            return lower[left], lower[right]
    return None


def list_separator(values: pd.Series) -> tuple[str | None, str]:
    """The delimiter of a column of label lists (None: not lists), and why.

    A delimiter counts when it splits at least ``MIN_LIST_SHARE`` of the values into short,
    repeated names: free text also holds commas, but its pieces rarely repeat.

    Example:
        >>> list_separator(pd.Series(["joy,love", "anger", "joy", "love,joy"]))
        (',', "50% of the labels are ','-separated lists of 3 names that repeat")
    """
    texts = values.dropna().astype(str).str.strip()
    texts = texts[texts != ""]
    if texts.empty:
        return None, "no label values"
    best: tuple[float, str, int] | None = None
    for sep in LABEL_SEPARATORS:
        has_sep = texts.str.contains(sep, regex=False)
        share = float(has_sep.mean())
        if share < MIN_LIST_SHARE:
            continue
        names = Counter(n.strip() for v in texts for n in v.split(sep) if n.strip())
        repeated = sum(c for c in names.values() if c >= 2) / max(sum(names.values()), 1)
        short = np.mean([len(n) <= 40 for n in names]) if names else 0.0
        if repeated >= 0.9 and short >= 0.9 and len(names) <= max(50, len(texts) // 10):
            if best is None or share > best[0]:
                best = (share, sep, len(names))
    if best is None:
        return None, "no delimiter splits the labels into repeated names"
    share, sep, count = best
    return (
        sep,
        f"{share:.0%} of the labels are {sep!r}-separated lists of {count} names that repeat",
    )


def json_list(value: object) -> list | None:
    """A string holding a JSON list (as readers write a jsonl list cell) as that list, else None.

    Example:
        >>> json_list('["joy", "love"]')
        ['joy', 'love']
    """
    if not isinstance(value, str) or not value.strip().startswith("["):
        return None
    try:
        parsed = json.loads(value)
    except ValueError:
        return None
    return parsed if isinstance(parsed, list) else None


#: cells of a column looked at to tell whether it holds lists
LIST_SAMPLE = 2000


def holds_lists(values: pd.Series) -> bool:
    """Whether a column holds label lists: list values, or JSON lists in most non-empty cells
    (of the first ``LIST_SAMPLE``)."""
    head = values.head(LIST_SAMPLE)
    if head.map(lambda v: isinstance(v, list | tuple)).any():
        return True
    cells = [v for v in head.tolist() if isinstance(v, str) and v.strip()]
    return bool(cells) and sum(json_list(v) is not None for v in cells) >= 0.9 * len(cells)


def split_label_lists(values: pd.Series, sep: str | None) -> list[list[str]]:
    """Each row's labels: split on ``sep`` (or taken from a list value), stripped, deduplicated."""
    rows = []
    for value in values:
        value = json_list(value) if json_list(value) is not None else value
        if isinstance(value, list | tuple | np.ndarray):
            items = [str(v).strip() for v in value]
        elif value is None or (isinstance(value, float) and np.isnan(value)):
            items = []
        else:
            items = str(value).split(sep) if sep else [str(value)]
        rows.append(list(dict.fromkeys(i.strip() for i in items if str(i).strip())))
    return rows


def is_quantity(values: pd.Series) -> tuple[bool, str]:
    """Whether a label column is a quantity to regress on, and why."""
    numbers = pd.to_numeric(values.dropna(), errors="coerce")
    if numbers.empty or numbers.isna().mean() > 0.01:
        return False, "not numeric"
    distinct = numbers.nunique()
    fractional = bool((numbers != numbers.round()).any())
    # whole numbers are class ids (0-76 for 77 intents) unless most values are near-unique:
    # a quantity has few rows a value, a class many
    many = distinct > max(MAX_CLASS_VALUES, MIN_QUANTITY_SHARE * len(numbers))
    if (fractional and distinct > 10) or (not fractional and many):
        kind = "fractional values" if fractional else "integers"
        return True, f"numeric with {distinct} distinct {kind}"
    return False, f"numeric with only {distinct} distinct values: read as classes"


def detect_task(
    frame: pd.DataFrame,
    text_column: str | list[str] | None = None,
    label_column: str | None = None,
    label_sep: str | None = None,
) -> TaskDetection:
    """The task the frame holds, from its columns and label values (see the module docstring).

    ``label_sep`` (the user's) makes the label column a list column split on it.
    """
    reasons: list[str] = []
    lists = [c for c in frame.columns if holds_lists(frame[c])]
    texts = _text_columns(frame.drop(columns=lists), text_column, reasons)
    label = label_column or _label_column(frame, texts)
    if label not in frame.columns:
        raise DataError(
            f"label column {label!r} is not in the data; columns: {list(frame.columns)}"
        )
    values = frame[label]
    if label_sep is not None and len(texts) == 1:
        reasons.append(f"multilabel: labels are split on {label_sep!r} (label_sep given)")
        return TaskDetection("multilabel_classification", texts, label, label_sep, reasons)
    if label in lists:
        reasons.append(f"column {label!r} holds lists of labels: multilabel")
        return TaskDetection("multilabel_classification", texts, label, None, reasons)
    sep, why = list_separator(values)
    if sep is not None and len(texts) == 1:
        reasons.append(f"multilabel: {why} (--label-sep to choose another)")
        return TaskDetection("multilabel_classification", texts, label, sep, reasons)
    quantity, why = is_quantity(values)
    pair = len(texts) == 2
    if quantity:
        reasons.append(f"regression: label column {label!r} is {why}")
        task = "text_pair_regression" if pair else "text_regression"
        return TaskDetection(task, texts, label, None, reasons)
    task = "text_pair_classification" if pair else "text_classification"
    return TaskDetection(task, texts, label, None, reasons)


def _text_columns(
    frame: pd.DataFrame, text_column: str | list[str] | None, reasons: list[str]
) -> list[str]:
    if isinstance(text_column, list):
        return list(text_column)
    if text_column is not None:
        return [text_column]
    pair = pair_columns(frame)
    if pair is not None:
        reasons.append(f"text pair: columns {pair[0]!r} and {pair[1]!r} are named like one")
        return list(pair)
    from openautoglm.data.columns import infer_text_column

    chosen, why = infer_text_column(frame, exclude=None)
    reasons.append(f"text column {chosen!r}: {why}")
    return [chosen]


def _label_column(frame: pd.DataFrame, texts: list[str]) -> str:
    rest = [c for c in frame.columns if c not in texts]
    if not rest:
        raise DataError(f"no label column besides the text columns {texts}; columns: "
                        f"{list(frame.columns)}")  # fmt: skip
    if len(rest) == 1:
        return rest[0]
    from openautoglm.data.columns import LABEL_NAMES

    named = [c for c in rest if str(c).strip().lower() in LABEL_NAMES]
    if named:
        return named[0]
    raise DataError(f"several columns could be the label: {rest}; name it with label_column=")
