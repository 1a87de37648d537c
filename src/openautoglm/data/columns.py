"""Pick the text and label columns: from the spec when given, else by names and statistics."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

import pandas as pd

from openautoglm.data.errors import DataError

LABEL_NAMES: frozenset[str] = frozenset(
    {"label", "labels", "category", "class", "target", "sentiment", "intent", "topic", "y"}
    | {"标签", "类别", "类型", "分类"}
)
TEXT_NAMES: frozenset[str] = frozenset(
    {"text", "sentence", "content", "review", "title", "question", "query", "comment"}
    | {"body", "message", "utterance", "document", "文本", "内容", "句子", "评论", "标题"}
)
# A label column repeats its values; above this distinct/rows share it looks like free text or ids.
MAX_LABEL_DISTINCT_SHARE = 0.5
MIN_TEXT_UNIQUE_SHARE = 0.5
# Mean lengths within this share of the longest are a close call worth telling the user about.
CLOSE_LENGTH_SHARE = 0.1
_NUMBER = re.compile(r"^\s*[-+]?\d+(\.\d+)?\s*$")


@dataclass
class ColumnChoice:
    """The chosen text and label columns and why they were chosen."""

    text_column: str
    label_column: str
    notes: list[str] = field(default_factory=list)


def choose_columns(
    frame: pd.DataFrame, text_column: str | None, label_column: str | None, source: str = "the data"
) -> ColumnChoice:
    """Return the text/label columns: validated when given, inferred otherwise."""
    if frame.shape[1] < 2:
        raise DataError(
            f"the data has {frame.shape[1]} column(s) {list(frame.columns)}; it needs a text "
            "column and a label column (check the separator: csv uses ',', tsv uses tabs)."
        )
    notes: list[str] = []
    if text_column is not None:
        check_column(frame, text_column, "text_column", source)
    if label_column is not None:
        check_column(frame, label_column, "label_column", source)
    if label_column is None:
        label_column, why = _infer_label(frame, exclude=text_column)
        notes.append(f"label column {label_column!r} chosen: {why}")
    if text_column is None:
        text_column, why, rivals = _rank_text(frame, exclude=label_column)
        notes.append(f"text column {text_column!r} chosen: {why}")
        if rivals:
            notes.append(_close_call_note(frame, text_column, rivals))
    if text_column == label_column:
        raise DataError(
            f"text_column and label_column are both {text_column!r}; "
            "pass two different columns (text_column=..., label_column=...)."
        )
    return ColumnChoice(text_column=text_column, label_column=label_column, notes=notes)


def check_column(frame: pd.DataFrame, name: str, role: str, source: str = "the data") -> None:
    """Raise DataError if `name` is not a column, naming the available ones and the closest."""
    if name in frame.columns:
        return
    available = [str(c) for c in frame.columns]
    by_lower = {c.lower(): c for c in available}
    close = [by_lower[name.lower()]] if name.lower() in by_lower else []
    close = close or difflib.get_close_matches(name, available, n=1, cutoff=0.4)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise DataError(
        f"{role}={name!r} is not a column of {source}; available columns: {available}.{hint} "
        f"Pass {role}= with one of them."
    )


def _name_score(name: str, hints: frozenset[str]) -> int:
    # 2: the whole name is a hint ("label"); 1: a hint is part of it ("sentiment_label").
    normal = name.strip().lower()
    if normal in hints:
        return 2
    tokens = set(re.split(r"[\s_\-.]+", normal))
    if tokens & hints or any(h in normal for h in hints if not h.isascii()):
        return 1
    return 0


def _infer_label(frame: pd.DataFrame, exclude: str | None) -> tuple[str, str]:
    columns = [c for c in frame.columns if c != exclude]
    rows = len(frame)
    named = {c: _name_score(c, LABEL_NAMES) for c in columns}
    # A named column that is unique on every row is an id or text, not a label.
    named = {c: s for c, s in named.items() if s and not (rows > 2 and _distinct(frame, c) == rows)}
    if named:
        best = max(named.values())
        top = [c for c, s in named.items() if s == best]
        if len(top) == 1:
            n = _distinct(frame, top[0])
            return top[0], f"its name looks like a label ({n} distinct values)"
        _ambiguous("label", top, "all are named like a label column")
    candidates = [c for c in columns if _looks_categorical(frame, c)]
    if len(candidates) == 1:
        column = candidates[0]
        n = _distinct(frame, column)
        return column, f"few distinct values ({n} over {rows} rows)"
    if candidates:
        _ambiguous("label", candidates, "each has few distinct values")
    raise DataError(
        f"no column looks like a label (few distinct values) among {columns}; "
        "pass label_column= naming the column that holds the classes."
    )


def _looks_categorical(frame: pd.DataFrame, column: str) -> bool:
    n = _distinct(frame, column)
    # Constant columns carry no classes; they are never a guess.
    return 2 <= n <= max(2, MAX_LABEL_DISTINCT_SHARE * len(frame)) and n < len(frame)


def _infer_text(frame: pd.DataFrame, exclude: str | None) -> tuple[str, str]:
    column, why, _ = _rank_text(frame, exclude)
    return column, why


def _rank_text(frame: pd.DataFrame, exclude: str | None) -> tuple[str, str, list[str]]:
    """The text column, why, and the other candidates whose mean length came close to it."""
    columns = [c for c in frame.columns if c != exclude and not _is_numeric(frame, c)]
    if not columns:
        raise DataError(
            f"no column besides {exclude!r} holds text (the others are numbers or empty); "
            "pass text_column= naming the column with the texts."
        )
    named = [c for c in columns if _name_score(c, TEXT_NAMES)]
    free_text = [c for c in columns if _unique_share(frame, c) >= MIN_TEXT_UNIQUE_SHARE]
    pool, reason = named or free_text or columns, "longest free text"
    if len(named) == 1:
        reason = "named like a text column"
    elif named:
        reason = "longest of the columns named like text"
    lengths = {c: _mean_length(frame, c) for c in pool}
    column = max(pool, key=lambda c: lengths[c])
    mean, unique = lengths[column], _unique_share(frame, column)
    # Only a choice made by length can be a close call; a lone text-like name is not one.
    rivals = [] if len(named) == 1 else _close_rivals(lengths, column)
    return column, f"{reason} (mean {mean:.0f} chars, {unique:.0%} unique)", rivals


def _close_rivals(lengths: dict[str, float], chosen: str) -> list[str]:
    limit = lengths[chosen] * (1 - CLOSE_LENGTH_SHARE)
    return [c for c, mean in lengths.items() if c != chosen and mean >= limit]


def _close_call_note(frame: pd.DataFrame, chosen: str, rivals: list[str]) -> str:
    others = ", ".join(f"{c!r} ({_mean_length(frame, c):.0f} chars)" for c in rivals)
    return (
        f"close call for the text column: {others} came within {CLOSE_LENGTH_SHARE:.0%} of "
        f"{chosen!r} ({_mean_length(frame, chosen):.0f} chars) in mean length; {chosen!r} was "
        "chosen only for being the longest (ties go to the leftmost column). If another is "
        "meant, pass text_column='NAME'."
    )


class AmbiguousColumn(DataError):
    """Several columns fit a role equally well; ``candidates`` names them."""

    def __init__(self, message: str, role: str, candidates: list[str]) -> None:
        super().__init__(message)
        self.role, self.candidates = role, candidates


def infer_text_column(frame: pd.DataFrame, exclude: str | None) -> tuple[str, str]:
    """The column that most looks like free text (not ``exclude``) and why."""
    return _infer_text(frame, exclude)


def infer_label_column(frame: pd.DataFrame, exclude: str | None) -> tuple[str, str]:
    """The column that most looks like class labels (not ``exclude``) and why."""
    return _infer_label(frame, exclude)


def _ambiguous(role: str, candidates: list[str], why: str) -> None:
    raise AmbiguousColumn(
        f"cannot tell which column is the {role}: {candidates} ({why}); "
        f"pass {role}_column= (and text_column= if needed) to choose.",
        role,
        candidates,
    )


def _distinct(frame: pd.DataFrame, column: str) -> int:
    return int(frame[column].str.strip().replace("", pd.NA).nunique(dropna=True))


def _unique_share(frame: pd.DataFrame, column: str) -> float:
    return _distinct(frame, column) / max(len(frame), 1)


def _mean_length(frame: pd.DataFrame, column: str) -> float:
    return float(frame[column].str.strip().str.len().mean()) if len(frame) else 0.0


def _is_numeric(frame: pd.DataFrame, column: str) -> bool:
    values = [v for v in frame[column].tolist() if v.strip()]
    return not values or all(_NUMBER.match(v) for v in values)
