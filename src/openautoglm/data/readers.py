"""Read a table file (csv, tsv, jsonl, json, parquet, xlsx) into a DataFrame of strings."""

from __future__ import annotations

import difflib
import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from charset_normalizer import from_bytes

from openautoglm.data.errors import DataError

SUPPORTED_EXTENSIONS: tuple[str, ...] = (
    ".csv",
    ".tsv",
    ".txt",
    ".jsonl",
    ".json",
    ".parquet",
    ".xlsx",
    ".xls",
)
# Short samples tie on chaos between sibling code pages; prefer the ones real files use most.
_PREFERRED_ENCODINGS: tuple[str, ...] = ("gb18030", "big5", "cp1252", "shift_jis", "euc_kr")


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a data file into a DataFrame whose cells are all strings."""
    path = Path(path)
    _check_exists(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        raise DataError(
            f"{path} has unsupported extension {suffix or '(none)'!r}; "
            f"save it as one of: {', '.join(SUPPORTED_EXTENSIONS)}."
        )
    if suffix == ".parquet":
        frame, encoding = _read_parquet(path), None
    elif suffix in (".xlsx", ".xls"):
        frame, encoding = _read_excel(path), None
    else:
        text, encoding = decode_file(path)
        frame = _parse_text(text, suffix, path)
    frame = _as_strings(frame)
    _check_has_rows(frame, path)
    frame.attrs["encoding"] = encoding
    return frame


def _check_has_rows(frame: pd.DataFrame, path: Path) -> None:
    # Caught here, before column inference and training, so the user hears about the file.
    columns = [str(c) for c in frame.columns]
    if len(frame) == 0:
        header = f" (only the header {columns})" if columns else ""
        raise DataError(f"{path} has no data rows{header}; add rows below the header.")
    if all(not cell.strip() for column in frame.columns for cell in frame[column]):
        raise DataError(
            f"{path} has no data rows: all {len(frame)} rows are empty (columns {columns}); "
            "fill in the texts and labels."
        )


def decode_file(path: Path) -> tuple[str, str]:
    """Decode a text file: UTF-8 first, then the encoding charset-normalizer detects."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    encoding = _detect_encoding(raw)
    if encoding is None:
        raise DataError(
            f"{path} cannot be decoded: byte {utf8_error.start} (0x{raw[utf8_error.start]:02x}) "
            "is not valid UTF-8 and no other text encoding fits the file; "
            "open it in an editor or spreadsheet and re-save as UTF-8."
        )
    return raw.decode(encoding), encoding


def _detect_encoding(raw: bytes) -> str | None:
    results = from_bytes(raw)
    best = results.best()
    if best is None:
        return None
    tied = [m.encoding for m in results if abs(m.chaos - best.chaos) < 0.01]
    for encoding in _PREFERRED_ENCODINGS:
        if encoding in tied:
            return encoding
    return best.encoding


def _check_exists(path: Path) -> None:
    if path.is_file():
        return
    if path.is_dir():
        raise DataError(f"{path} is a folder; pass the path of a data file inside it.")
    message = f"{path} does not exist; check the path."
    folder = path.parent
    if folder.is_dir():
        names = [p.name for p in folder.iterdir() if p.is_file()]
        close = difflib.get_close_matches(path.name, names, n=3, cutoff=0.5)
        if close:
            message += f" Similar files in {folder}: {', '.join(close)}."
    raise DataError(message)


def _parse_text(text: str, suffix: str, path: Path) -> pd.DataFrame:
    if suffix == ".jsonl":
        return _parse_json_lines(text, path)
    if suffix == ".json":
        return _parse_json(text, path)
    sep = "\t" if suffix == ".tsv" or (suffix == ".txt" and "\t" in text.split("\n", 1)[0]) else ","
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError as exc:
        raise DataError(f"{path} is empty; add a header row and data rows.") from exc
    except pd.errors.ParserError as exc:
        raise DataError(
            f"{path} is not a well-formed {'TSV' if sep == chr(9) else 'CSV'} file ({exc}); "
            "quote fields that contain the separator or line breaks, then re-save."
        ) from exc


def _parse_json(text: str, path: Path) -> pd.DataFrame:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        # Many ".json" files are really JSON lines; "Extra data" is the tell.
        if exc.msg == "Extra data":
            return _parse_json_lines(text, path)
        raise DataError(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "fix the syntax or save one JSON object per line as .jsonl."
        ) from exc
    if isinstance(data, list) and all(isinstance(row, dict) for row in data):
        return pd.DataFrame(data)
    if isinstance(data, dict) and data and all(isinstance(v, list) for v in data.values()):
        try:
            return pd.DataFrame(data)
        except ValueError as exc:
            raise DataError(f"{path}: column lists have different lengths; fix them.") from exc
    raise DataError(
        f"{path} must hold a list of records like "
        '[{"text": "...", "label": "..."}, ...]; restructure it or save it as .jsonl.'
    )


def _parse_json_lines(text: str, path: Path) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(
                f"{path} line {number} is not valid JSON ({exc.msg}); "
                'each line must be one JSON object such as {"text": "...", "label": "..."}.'
            ) from exc
        if not isinstance(row, dict):
            raise DataError(f"{path} line {number} is not a JSON object; write one per line.")
        rows.append(row)
    return pd.DataFrame(rows)


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several unrelated types for corrupt files
        raise DataError(f"{path} could not be read as Parquet ({exc}); re-export it.") from exc


def _read_excel(path: Path) -> pd.DataFrame:
    try:
        return pd.read_excel(path, sheet_name=0, dtype=str, keep_default_na=False)
    except ImportError as exc:
        raise DataError(
            f"{path}: reading this Excel format needs an extra package ({exc}); "
            "re-save the file as .xlsx or .csv."
        ) from exc
    except Exception as exc:  # openpyxl/xlrd raise many types for damaged files
        raise DataError(f"{path} could not be read as Excel ({exc}); re-save it.") from exc


def _as_strings(frame: pd.DataFrame) -> pd.DataFrame:
    # Labels such as "0"/"01" must survive, and missing cells become "" so cleaning reports them.
    frame = frame.copy()
    frame.columns = [str(column).strip() for column in frame.columns]
    if frame.columns.duplicated().any():
        repeated = sorted(set(frame.columns[frame.columns.duplicated()]))
        raise DataError(f"duplicate column names {repeated}; rename the columns so each is unique.")
    for column in frame.columns:
        # object dtype even when empty: pandas would make an empty column float, breaking .str
        cells = [_cell_to_str(value) for value in frame[column].tolist()]
        frame[column] = pd.Series(cells, index=frame.index, dtype=object)
    return frame


def _cell_to_str(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value)
