"""Tests for prepare_data: cleaning, validation, dedupe, splits and the profile."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from openautoglm.data import DataError, PreparedData, prepare_data, save_profile
from openautoglm.spec import TaskSpec

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"
PROFILE_KEYS = {
    "rows_train",
    "rows_test",
    "n_classes",
    "class_counts",
    "imbalance_ratio",
    "majority_share",
    "text_length_chars",
    "language",
    "text_column",
    "label_column",
    "duplicates_within_train",
    "duplicates_train_test",
    "dropped_unlisted_labels",
    "test_source",
}


def _csv(tmp_path: Path, texts: list[str], labels: list[str], name: str = "d.csv") -> str:
    path = tmp_path / name
    pd.DataFrame({"text": texts, "label": labels}).to_csv(path, index=False)
    return str(path)


def _balanced(n_per_class: dict[str, int], prefix: str = "") -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for label, n in n_per_class.items():
        texts += [f"{prefix}{label} example number {i}" for i in range(n)]
        labels += [label] * n
    return texts, labels


def _prepare(tmp_path: Path, texts: list[str], ys: list[str], **kw: object) -> PreparedData:
    return prepare_data(TaskSpec(dataset_path=_csv(tmp_path, texts, ys), **kw))


def test_empty_texts_report_rows(tmp_path: Path) -> None:
    texts, labels = _balanced({"a": 4, "b": 4})
    texts[2] = "   "
    texts[5] = ""
    with pytest.raises(DataError, match=r"2 row\(s\).*empty text.*rows 3, 6.*fill or remove"):
        _prepare(tmp_path, texts, labels)


def test_empty_labels_report_rows(tmp_path: Path) -> None:
    texts, labels = _balanced({"a": 4, "b": 4})
    labels[0] = " "
    with pytest.raises(DataError, match=r"empty label.*rows 1\b"):
        _prepare(tmp_path, texts, labels)


def test_one_class(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"only one class 'a'.*at least two"):
        _prepare(tmp_path, *_balanced({"a": 5}))


def test_class_with_one_row(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"fewer than 2 training rows.*'c': 1"):
        _prepare(tmp_path, *_balanced({"a": 5, "b": 5, "c": 1}))


def test_labels_missing_from_data(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"\['x'\].*do not occur.*\['a', 'b'\]"):
        _prepare(tmp_path, *_balanced({"a": 5, "b": 5}), labels=["b", "x"])


def test_labels_restrict_rows_and_set_order(tmp_path: Path) -> None:
    data = _prepare(tmp_path, *_balanced({"a": 5, "b": 5, "c": 4}), labels=["b", "a"])
    assert data.labels == ["b", "a"]
    assert data.profile["dropped_unlisted_labels"] == 4
    assert any("dropped 4 rows" in note for note in data.notes)
    all_y = np.concatenate([data.train_y, data.test_y])
    assert sorted(Counter(all_y.tolist()).items()) == [(0, 5), (1, 5)]


def test_leading_zero_labels_survive(tmp_path: Path) -> None:
    data = _prepare(tmp_path, *_balanced({"01": 4, "1": 4}))
    assert data.labels == ["01", "1"]


def test_duplicates_within_and_across(tmp_path: Path) -> None:
    train_texts, train_labels = _balanced({"a": 6, "b": 6})
    train_texts += [train_texts[0], train_texts[0]]
    train_labels += ["a", "a"]
    test_texts, test_labels = _balanced({"a": 2, "b": 2}, prefix="test ")
    test_texts[0] = train_texts[1]  # leaks from train
    spec = TaskSpec(
        dataset_path=_csv(tmp_path, train_texts, train_labels),
        test_path=_csv(tmp_path, test_texts, test_labels, "test.csv"),
    )
    data = prepare_data(spec)
    assert data.test_source == "test_path"
    assert data.profile["duplicates_within_train"] == 2
    assert data.profile["duplicates_train_test"] == 1
    assert len(data.train_texts) == 11
    assert not set(data.train_texts) & set(data.test_texts)


def test_test_labels_unseen_in_train(tmp_path: Path) -> None:
    spec = TaskSpec(
        dataset_path=_csv(tmp_path, *_balanced({"a": 4, "b": 4})),
        test_path=_csv(tmp_path, *_balanced({"a": 1, "z": 1}, prefix="t "), name="test.csv"),
    )
    with pytest.raises(DataError, match=r"test\.csv has labels not in the training data: \['z'\]"):
        prepare_data(spec)


def test_stratified_holdout_keeps_proportions(tmp_path: Path) -> None:
    data = _prepare(tmp_path, *_balanced({"a": 60, "b": 30, "c": 10}), test_size=0.2, seed=3)
    assert data.test_source == "holdout"
    assert Counter(data.test_y.tolist()) == {0: 12, 1: 6, 2: 2}
    assert Counter(data.train_y.tolist()) == {0: 48, 1: 24, 2: 8}
    again = _prepare(tmp_path, *_balanced({"a": 60, "b": 30, "c": 10}), test_size=0.2, seed=3)
    assert again.test_texts == data.test_texts and again.data_hash == data.data_hash


def test_tiny_classes_fall_back_and_cover_test(tmp_path: Path) -> None:
    # 2 rows per class with test_size=0.1 is too small for sklearn's stratifier.
    data = _prepare(tmp_path, *_balanced({"a": 2, "b": 2, "c": 2}), test_size=0.1)
    assert sorted(set(data.train_y.tolist())) == [0, 1, 2]
    assert sorted(set(data.test_y.tolist())) == [0, 1, 2]


def test_rare_class_gets_a_test_row(tmp_path: Path) -> None:
    data = _prepare(tmp_path, *_balanced({"a": 200, "b": 3}), test_size=0.1)
    assert 1 in data.test_y.tolist() and 1 in data.train_y.tolist()


def test_profile_keys_and_json(tmp_path: Path) -> None:
    data = _prepare(tmp_path, *_balanced({"正面": 9, "负面": 3}))
    assert PROFILE_KEYS <= set(data.profile)
    assert data.profile["class_counts"] == {"正面": 7, "负面": 2}
    assert data.profile["imbalance_ratio"] == 3.5
    assert set(data.profile["text_length_chars"]) == {"mean", "median", "p95", "max"}
    out = tmp_path / "profile.json"
    save_profile(data.profile, out)
    text = out.read_text(encoding="utf-8")
    assert "正面" in text and json.loads(text) == data.profile
    assert data.train_y.dtype == np.int64 and len(data.data_hash) == 16


def test_real_news_zh_dataset() -> None:
    folder = DATASETS / "news_zh"
    if not folder.is_dir():
        pytest.skip(f"{folder} not present")
    data = prepare_data(TaskSpec(dataset_path=str(folder / "train.csv")))
    assert (data.text_column, data.label_column) == ("text", "label")
    assert data.language == "zh"
    assert len(data.labels) == 3
    assert data.profile["n_classes"] == 3
