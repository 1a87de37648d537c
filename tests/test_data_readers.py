"""Tests for openautoglm.data.read_table: formats, encodings and file errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from openautoglm.data import DataError, read_table

ROWS = [{"text": "good movie", "label": "01"}, {"text": "bad movie", "label": "0"}]


def _check(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == ["text", "label"]
    # Labels stay strings with leading zeros intact.
    assert frame["label"].tolist() == ["01", "0"]
    assert frame["text"].tolist() == ["good movie", "bad movie"]


def test_csv(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("text,label\ngood movie,01\nbad movie,0\n", encoding="utf-8")
    _check(read_table(path))


def test_csv_with_bom_and_na_like_values(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes("text,label\nNA,01\nnull,0\n".encode("utf-8-sig"))
    frame = read_table(path)
    assert frame["text"].tolist() == ["NA", "null"]


@pytest.mark.parametrize("name", ["d.tsv", "d.txt"])
def test_tsv_and_tab_txt(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("text\tlabel\ngood movie\t01\nbad movie\t0\n", encoding="utf-8")
    _check(read_table(path))


def test_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in ROWS) + "\n\n", encoding="utf-8")
    _check(read_table(path))


def test_json_records_and_json_lines(tmp_path: Path) -> None:
    records = tmp_path / "records.json"
    records.write_text(json.dumps(ROWS), encoding="utf-8")
    _check(read_table(records))
    lines = tmp_path / "lines.json"
    lines.write_text("\n".join(json.dumps(r) for r in ROWS), encoding="utf-8")
    _check(read_table(lines))


def test_json_numbers_and_nulls_become_strings(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text(json.dumps([{"text": "a", "label": 1}, {"text": None, "label": 0}]))
    frame = read_table(path)
    assert frame["label"].tolist() == ["1", "0"]
    assert frame["text"].tolist() == ["a", ""]


def test_parquet(tmp_path: Path) -> None:
    path = tmp_path / "d.parquet"
    pd.DataFrame(ROWS).to_parquet(path)
    _check(read_table(path))


def test_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "d.xlsx"
    pd.DataFrame(ROWS).to_excel(path, index=False)
    _check(read_table(path))


def test_gbk_chinese_csv(tmp_path: Path) -> None:
    path = tmp_path / "zh.csv"
    path.write_bytes("文本,标签\n今天天气很好,正面\n这部电影太差了,负面\n".encode("gbk"))
    frame = read_table(path)
    assert list(frame.columns) == ["文本", "标签"]
    assert frame["标签"].tolist() == ["正面", "负面"]
    assert frame.attrs["encoding"] == "gb18030"


def test_undecodable_bytes(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"text,label\n" + bytes([0x81, 0xFF, 0x80, 0xFE, 0xC0, 0x00, 0x9D]) * 20)
    with pytest.raises(DataError, match=r"bad\.csv.*byte 11.*re-save as UTF-8"):
        read_table(path)


def test_missing_file_suggests_close_names(tmp_path: Path) -> None:
    (tmp_path / "train.csv").write_text("text,label\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"does not exist; check the path.*train\.csv"):
        read_table(tmp_path / "trian.csv")


def test_unknown_extension(tmp_path: Path) -> None:
    path = tmp_path / "d.xml"
    path.write_text("<a/>", encoding="utf-8")
    with pytest.raises(DataError, match=r"\.csv.*\.parquet"):
        read_table(path)


def test_malformed_jsonl_names_line(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "a", "label": "x"}\n{"text": oops}\n', encoding="utf-8")
    with pytest.raises(DataError, match="line 2"):
        read_table(path)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("h.csv", "text,label\n"),
        ("h.tsv", "text\tlabel\n"),
        ("h.json", "[]"),
        ("h.json", '{"text": [], "label": []}'),
        ("h.jsonl", "\n\n"),
    ],
)
def test_header_only_file_says_no_data_rows(tmp_path: Path, name: str, content: str) -> None:
    # Issue 8 item 6: a header-only csv used to come back as an empty frame and crash later.
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=rf"{name.replace('.', '[.]')} has no data rows"):
        read_table(path)


def test_all_rows_empty_says_no_data_rows(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("text,label\n,\n , \n", encoding="utf-8")
    with pytest.raises(DataError, match=r"d\.csv has no data rows: all 2 rows are empty"):
        read_table(path)


def test_cells_are_object_strings_even_for_all_null_json_column(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text(json.dumps([{"text": "a", "label": None}, {"text": "b", "label": None}]))
    frame = read_table(path)
    assert frame["label"].tolist() == ["", ""]
    assert frame["label"].str.strip().tolist() == ["", ""]
