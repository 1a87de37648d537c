"""Tests for choosing the text and label columns."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from openautoglm.cli_messages import as_cli_message
from openautoglm.data import DataError, prepare_data
from openautoglm.spec import TaskSpec


def _write(tmp_path: Path, frame: pd.DataFrame, name: str = "d.csv") -> str:
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return str(path)


def _frame(text: str = "review", label: str = "stars", n: int = 12) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [str(i) for i in range(n)],
            text: [f"sample number {i} is a rather long review text" for i in range(n)],
            label: ["pos" if i % 2 else "neg" for i in range(n)],
        }
    )


def test_infers_text_and_label_past_id_column(tmp_path: Path) -> None:
    # Neither name is a hint: the label comes from low cardinality, the text from length.
    data = prepare_data(TaskSpec(dataset_path=_write(tmp_path, _frame("body_x", "stars"))))
    assert (data.text_column, data.label_column) == ("body_x", "stars")
    assert any("text column 'body_x' chosen" in note for note in data.notes)
    assert any("label column 'stars' chosen" in note for note in data.notes)


def test_infers_named_columns(tmp_path: Path) -> None:
    data = prepare_data(TaskSpec(dataset_path=_write(tmp_path, _frame("review", "sentiment"))))
    assert (data.text_column, data.label_column) == ("review", "sentiment")


def test_infers_chinese_column_names(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "编号": [str(i) for i in range(10)],
            "内容": [f"第{i}条新闻讲的是今天的比赛结果" for i in range(10)],
            "类别": ["体育", "科技"] * 5,
        }
    )
    data = prepare_data(TaskSpec(dataset_path=_write(tmp_path, frame)))
    assert (data.text_column, data.label_column) == ("内容", "类别")
    assert data.language == "zh"


def test_ambiguous_label_columns(tmp_path: Path) -> None:
    frame = _frame("review", "label")
    frame["category"] = ["a", "b", "c"] * 4
    with pytest.raises(DataError, match=r"'label'.*'category'.*label_column="):
        prepare_data(TaskSpec(dataset_path=_write(tmp_path, frame)))


def test_ambiguous_unnamed_label_columns(tmp_path: Path) -> None:
    frame = _frame("review", "stars")
    frame["source"] = ["web", "app", "mail"] * 4
    with pytest.raises(DataError, match=r"cannot tell.*'stars'.*'source'"):
        prepare_data(TaskSpec(dataset_path=_write(tmp_path, frame)))


def test_explicit_columns_resolve_ambiguity(tmp_path: Path) -> None:
    # 24 rows: three classes need 14 training rows for the search's validation split.
    frame = _frame("review", "label", n=24)
    frame["category"] = ["a", "b", "c"] * 8
    spec = TaskSpec(dataset_path=_write(tmp_path, frame), label_column="category")
    assert prepare_data(spec).labels == ["a", "b", "c"]


def test_unknown_column_lists_available_and_closest(tmp_path: Path) -> None:
    spec = TaskSpec(dataset_path=_write(tmp_path, _frame()), text_column="reviw")
    expected = r"available columns: \['id', 'review', 'stars'\]\. Did you mean 'review'\?"
    with pytest.raises(DataError, match=expected):
        prepare_data(spec)


def test_test_file_needs_same_columns(tmp_path: Path) -> None:
    test = _frame().rename(columns={"stars": "rating"})
    spec = TaskSpec(
        dataset_path=_write(tmp_path, _frame()), test_path=_write(tmp_path, test, "test.csv")
    )
    with pytest.raises(DataError, match=r"test\.csv lacks column\(s\) \['stars'\]"):
        prepare_data(spec)


def _twin_text_frame(second_suffix: str) -> pd.DataFrame:
    texts = [f"row {i} of a plain english sentence about things" for i in range(12)]
    return pd.DataFrame(
        {
            "body_a": texts,
            "body_b": [t + second_suffix for t in texts],
            "stars": ["pos", "neg"] * 6,
        }
    )


def test_close_text_columns_get_a_note_naming_the_flag(tmp_path: Path) -> None:
    # Issue 8 item 10: near-identical text columns were chosen by length without a word.
    data = prepare_data(TaskSpec(dataset_path=_write(tmp_path, _twin_text_frame("!"))))
    assert data.text_column == "body_b"
    close = [note for note in data.notes if "close call" in note]
    assert len(close) == 1, data.notes
    note = close[0]
    assert "'body_a'" in note and "'body_b' was chosen" in note and "longest" in note
    assert "text_column=" in note  # the CLI shows it as the flag
    assert "--text-column 'NAME'" in as_cli_message(note)


def test_clear_text_column_choice_has_no_close_call_note(tmp_path: Path) -> None:
    frame = _twin_text_frame(" and a much longer tail that makes this column clearly the text")
    data = prepare_data(TaskSpec(dataset_path=_write(tmp_path, frame)))
    assert data.text_column == "body_b"
    assert not any("close call" in note for note in data.notes)


def test_given_text_column_has_no_close_call_note(tmp_path: Path) -> None:
    path = _write(tmp_path, _twin_text_frame("!"))
    data = prepare_data(TaskSpec(dataset_path=path, text_column="body_a"))
    assert data.text_column == "body_a"
    assert not any("close call" in note for note in data.notes)
