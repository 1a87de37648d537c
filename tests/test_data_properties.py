"""Property-based tests: reading and preparing any file gives a valid dataset or a DataError."""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openautoglm.data import DataError, PreparedData, prepare_data, read_table
from openautoglm.data.validate import check_validation_split
from openautoglm.search.settings import search_splits
from openautoglm.spec import TaskSpec

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EXTENSIONS = [".csv", ".tsv", ".txt", ".json", ".jsonl"]
ENCODINGS = ["utf-8", "utf-8-sig", "gbk", "utf-16", "latin-1"]
DELIMITERS = [",", "\t", ";", "|", " "]

# Cells a real file might hold: words, labels, blanks, quotes, separators, CJK, NA markers, and
# the occasional huge field.
_CELL = st.one_of(
    st.sampled_from(["pos", "neg", "neutral", "0", "1", "体育", "科技"]),
    st.sampled_from(["", " ", "NA", "null", '"', "'", ",", "\t", "\n", "a,b", '"quoted, text"']),
    st.text(max_size=30),
    st.text(alphabet="abc 中文", min_size=1, max_size=5).map(lambda s: s * 20_000),
)
_NAMES = st.one_of(
    st.sampled_from(["text", "label", "review", "sentiment", "文本", "标签", "", " ", "id"]),
    st.text(max_size=10),
)


@st.composite
def _table_bytes(draw: st.DrawFn) -> tuple[bytes, str]:
    """A table as file bytes: random header, rows, empty cells, delimiter, encoding, format."""
    extension = draw(st.sampled_from(EXTENSIONS))
    header = draw(st.lists(_NAMES, min_size=1, max_size=4))
    rows = draw(st.lists(st.lists(_CELL, min_size=0, max_size=5), max_size=25))
    if extension in (".json", ".jsonl"):
        text = _as_json(header, rows, extension)
    else:
        delimiter = draw(st.sampled_from(DELIMITERS))
        text = "\n".join(delimiter.join(cells) for cells in [header, *rows])
    encoding = draw(st.sampled_from(ENCODINGS))
    return text.encode(encoding, errors="replace"), extension


def _as_json(header: list[str], rows: list[list[str]], extension: str) -> str:
    records = [dict(zip(header, cells, strict=False)) for cells in rows]
    if extension == ".json":
        return json.dumps(records, ensure_ascii=False)
    return "\n".join(json.dumps(record, ensure_ascii=False) for record in records)


_FILES = st.one_of(
    st.tuples(st.binary(max_size=400), st.sampled_from(EXTENSIONS)),
    _table_bytes(),
)


def _write(folder: str, raw: bytes, extension: str, stem: str = "data") -> str:
    path = Path(folder) / f"{stem}{extension}"
    path.write_bytes(raw)
    return str(path)


def _assert_valid_frame(frame: pd.DataFrame) -> None:
    assert len(frame) >= 1
    assert all(isinstance(c, str) for c in frame.columns)
    assert not frame.columns.duplicated().any()
    for column in frame.columns:
        assert all(isinstance(cell, str) for cell in frame[column].tolist())
        frame[column].str.strip()  # the accessor column inference relies on


def _search_splits(y: np.ndarray) -> None:
    """The splits every search makes; raise if the data cannot give them."""
    search_splits(y, seed=0)


def _assert_valid_data(data: PreparedData) -> None:
    n_labels = len(data.labels)
    assert n_labels >= 2 and len(set(data.labels)) == n_labels
    assert len(data.train_texts) == len(data.train_y) and len(data.test_texts) == len(data.test_y)
    assert data.test_texts, "the test set is never empty"
    assert all(isinstance(t, str) and t for t in data.train_texts + data.test_texts)
    assert set(data.train_y.tolist()) == set(range(n_labels)), "every label is trained on"
    assert min(Counter(data.train_y.tolist()).values()) >= 2
    assert set(data.test_y.tolist()) <= set(range(n_labels))
    assert not set(data.train_texts) & set(data.test_texts)
    _search_splits(data.train_y)
    json.dumps(data.profile, ensure_ascii=False)


def _prepare_or_data_error(spec: TaskSpec) -> PreparedData | None:
    try:
        return prepare_data(spec)
    except DataError as exc:
        assert str(exc).strip(), "a DataError always says what is wrong"
        return None


@FAST
@given(file=_FILES)
def test_read_table_returns_strings_or_data_error(file: tuple[bytes, str]) -> None:
    raw, extension = file
    with tempfile.TemporaryDirectory() as folder:
        try:
            frame = read_table(_write(folder, raw, extension))
        except DataError as exc:
            assert str(exc).strip()
            return
    _assert_valid_frame(frame)


@FAST
@given(
    file=_FILES,
    test_file=st.none() | _FILES,
    columns=st.none() | st.tuples(_NAMES, _NAMES),
    min_class_rows=st.none() | st.integers(1, 4),
)
def test_prepare_data_returns_valid_data_or_data_error(
    file: tuple[bytes, str],
    test_file: tuple[bytes, str] | None,
    columns: tuple[str, str] | None,
    min_class_rows: int | None,
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        spec = TaskSpec(
            dataset_path=_write(folder, *file),
            test_path=_write(folder, *test_file, stem="test") if test_file else None,
            text_column=columns[0] if columns else None,
            label_column=columns[1] if columns else None,
            min_class_rows=min_class_rows,
        )
        data = _prepare_or_data_error(spec)
    if data is not None:
        _assert_valid_data(data)


# Labelled data shaped like the real thing: many files here are valid, so the success branch of
# the property is exercised too (class sizes around the limits of the holdout and the folds).
@st.composite
def _labelled_frame(draw: st.DrawFn) -> pd.DataFrame:
    sizes = draw(st.lists(st.integers(1, 12), min_size=1, max_size=6))
    texts = [f"class {c} text {i}" for c, size in enumerate(sizes) for i in range(size)]
    labels = [f"L{c}" for c, size in enumerate(sizes) for _ in range(size)]
    # A few rows made awkward: the same text under two labels, repeats, or a blank cell.
    for _ in range(draw(st.integers(0, 3))):
        row = draw(st.integers(0, len(texts) - 1))
        kind = draw(st.sampled_from(["shared", "repeat", "blank_text", "blank_label"]))
        if kind == "shared":
            texts[row] = "shared text"
        elif kind == "repeat":
            texts.append(texts[row])
            labels.append(labels[row])
        elif draw(st.integers(0, 4)) == 0:  # blanks are rarer: they always fail
            (texts if kind == "blank_text" else labels)[row] = " "
    return pd.DataFrame({"text": texts, "label": labels})


@FAST
@given(
    frame=_labelled_frame(),
    test_size=st.sampled_from([0.1, 0.2, 0.5, 0.9]),
    min_class_rows=st.none() | st.integers(1, 5),
    seed=st.integers(0, 3),
)
def test_prepare_labelled_data_is_trainable_or_data_error(
    frame: pd.DataFrame, test_size: float, min_class_rows: int | None, seed: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "d.csv"
        frame.to_csv(path, index=False)
        spec = TaskSpec(
            dataset_path=str(path), test_size=test_size, seed=seed, min_class_rows=min_class_rows
        )
        data = _prepare_or_data_error(spec)
    if data is not None:
        _assert_valid_data(data)


@FAST
@given(sizes=st.lists(st.integers(2, 40), min_size=2, max_size=12))
def test_validation_split_check_agrees_with_scikit_learn(sizes: list[int]) -> None:
    # The check must refuse exactly the data on which the search's split would fail.
    labels = [f"c{i}" for i, size in enumerate(sizes) for _ in range(size)]
    try:
        search_splits(np.unique(labels, return_inverse=True)[1], seed=0)
        sklearn_ok = True
    except ValueError:
        sklearn_ok = False
    try:
        check_validation_split(labels)
        ours_ok = True
    except DataError:
        ours_ok = False
    assert ours_ok == sklearn_ok


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_each_encoding_reads_back(tmp_path: Path, encoding: str) -> None:
    rows = "text,label\n" + "".join(f"第{i}条 café news,{'ab'[i % 2]}\n" for i in range(10))
    path = tmp_path / "d.csv"
    path.write_bytes(rows.encode(encoding, errors="replace"))
    frame = read_table(path)
    assert list(frame.columns) == ["text", "label"] and len(frame) == 10
