"""Check parsed fields against the data file and fill what the words left open from it."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from openautoglm.data.columns import (
    AmbiguousColumn,
    check_column,
    infer_label_column,
    infer_text_column,
)
from openautoglm.data.errors import DataError
from openautoglm.data.readers import SUPPORTED_EXTENSIONS, read_table
from openautoglm.data.task_detection import pair_columns
from openautoglm.parse.result import ClarificationNeeded, ParseResult
from openautoglm.spec import is_pair_task

#: more distinct values than this in a label column is not a label set to list in a spec
MAX_LISTED_LABELS = 200
_ID = re.compile(r"^\s*-?\d+\s*$")


def resolve(path: str, base_dir: Path) -> Path:
    """A path from the words, relative to ``base_dir`` unless absolute or home-relative."""
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else base_dir / candidate


def reconcile(result: ParseResult, base_dir: Path, require_data: bool = False) -> ParseResult:
    """A copy of ``result`` checked against its data file, with gaps filled from the data.

    Raises ClarificationNeeded when the words and the data leave a choice that matters open,
    and DataError (when ``require_data``) when the data file cannot be read.
    """
    out = result.with_defaults()
    path_text = out.value("dataset_path")
    if not path_text:
        raise ClarificationNeeded(
            "dataset_path",
            "Which data file should the model be trained on? The description names none.",
            _data_files(base_dir),
        )
    path = resolve(path_text, base_dir)
    if not path.is_file():
        message = f"data file {path} does not exist (yet); the fields come from the words only"
        if require_data:
            raise DataError(f"{message.split(';')[0]}: create it or fix the path, then run again")
        out.warnings.append(message)
        return out
    frame = read_table(path)
    _check_test_file(out, base_dir, require_data)
    _columns(out, frame, path.name)
    _labels(out, frame, path.name)
    return out


def _data_files(base_dir: Path) -> list[str]:
    files = sorted(
        str(p.relative_to(base_dir))
        for p in base_dir.glob("*")
        if p.is_file() and p.suffix.lower() in SUPPORTED_EXTENSIONS
    )
    return files[:10]


def _check_test_file(out: ParseResult, base_dir: Path, require_data: bool) -> None:
    test = out.value("test_path")
    if test and not resolve(test, base_dir).is_file():
        if require_data:
            raise DataError(f"test file {resolve(test, base_dir)} does not exist; fix the path")
        out.warnings.append(f"test file {resolve(test, base_dir)} does not exist (yet)")


def _columns(out: ParseResult, frame: pd.DataFrame, name: str) -> None:
    columns = [str(c) for c in frame.columns]
    for field in ("text_column", "label_column"):
        value = out.value(field)
        for column in value if isinstance(value, list) else [value] if value else []:
            try:
                check_column(frame, column, field, name)
            except DataError as exc:
                raise ClarificationNeeded(
                    field, f"{exc} Which column should be the {field.split('_')[0]} column?",
                    columns,
                ) from None  # fmt: skip
    try:
        if not out.value("label_column"):
            text = out.value("text_column")
            exclude = text if isinstance(text, str) else None
            column, why = infer_label_column(frame, exclude)
            out.set("label_column", column, "data", 0.75, f"{name}:{column}: {why}")
        if not out.value("text_column"):
            _fill_text_column(out, frame, name)
    except AmbiguousColumn as exc:
        raise ClarificationNeeded(
            f"{exc.role}_column", f"Which column of {name} holds the {exc.role}s? {exc}",
            exc.candidates,
        ) from None  # fmt: skip
    except DataError as exc:
        out.warnings.append(f"columns not inferred: {exc}")


def _fill_text_column(out: ParseResult, frame: pd.DataFrame, name: str) -> None:
    """The text column(s) from the data: a pair task's two sides only by their names."""
    if not is_pair_task(out.value("task_type") or ""):
        column, why = infer_text_column(frame, out.value("label_column"))
        out.set("text_column", column, "data", 0.75, f"{name}:{column}: {why}")
        return
    sides = pair_columns(frame)
    if sides is None:  # one text column of a pair is a guess; the question stays open
        if not any(q.field == "text_column" for q in out.questions):
            out.ask("text_column", evidence=f"{name} has no two columns named as a pair")
        return
    out.set(
        "text_column", list(sides), "data", 0.75, f"{name}:{sides[0]},{sides[1]}: named as a pair"
    )


def _labels(out: ParseResult, frame: pd.DataFrame, name: str) -> None:
    task, column = out.value("task_type"), out.value("label_column")
    if task not in ("text_classification", "text_pair_classification") or not column:
        return
    values = sorted({str(v).strip() for v in frame[column].tolist()} - {""})
    labels = out.value("labels")
    if not labels:
        if 2 <= len(values) <= MAX_LISTED_LABELS:
            out.set("labels", values, "data", 0.9, f"the distinct values of {name}:{column}")
        return
    missing = [label for label in labels if label not in values]
    if not missing:
        extra = [v for v in values if v not in labels]
        if extra:
            out.warnings.append(
                f"{name}:{column} also holds {extra[:10]}; rows with those labels are left out"
            )
        return
    if len(missing) == len(labels) and len(values) == len(labels) and _all_ids(values):
        ids = sorted(values, key=int)
        mapping = dict(zip(ids, labels, strict=True))
        out.set("label_map", mapping, "data", 0.6, f"{name}:{column} holds ids {ids}")
        out.warnings.append(
            f"{name}:{column} holds ids {ids}, not names; mapped in order {mapping} — "
            "check the mapping or pass label_map"
        )
        return
    raise ClarificationNeeded(
        "labels",
        f"The labels {missing} do not occur in column {column!r} of {name}, which holds "
        f"{values[:20]}{' …' if len(values) > 20 else ''}. Which labels should the model "
        "predict (comma-separated)?",
        [", ".join(values)] if len(values) <= MAX_LISTED_LABELS else [],
    )


def _all_ids(values: list[str]) -> bool:
    return all(_ID.match(v) for v in values)
