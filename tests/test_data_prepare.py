"""Tests for prepare_data: cleaning, validation, dedupe, splits and the profile."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from openautoglm.data import DataError, PreparedData, prepare_data, save_profile
from openautoglm.data.splits import holdout_split
from openautoglm.search.settings import search_splits
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
    with pytest.raises(DataError, match=r"fewer than 2 training rows in d\.csv.*\{'c': 1\}"):
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
    data = _prepare(tmp_path, *_balanced({"01": 5, "1": 5}))
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


@pytest.mark.parametrize("test_size", [0.1, 0.2, 0.5, 0.9])
def test_tiny_classes_fall_back_and_cover_both_sides(test_size: float) -> None:
    # 3 rows per class is too small for sklearn's stratifier at most test sizes; every class
    # still gets a test row and the 2 training rows the search's cross-validation needs.
    labels = ["a"] * 3 + ["b"] * 3 + ["c"] * 3 + ["d"] * 40
    train_idx, test_idx = holdout_split(labels, test_size, seed=0)
    train, test = Counter(labels[i] for i in train_idx), Counter(labels[i] for i in test_idx)
    assert all(train[c] >= 2 and test[c] >= 1 for c in "abcd"), (train, test)
    assert sorted(train_idx.tolist() + test_idx.tolist()) == list(range(len(labels)))


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


# ---------------------------------------------------------------- issue 8, item 6: no data rows
def test_header_only_csv_is_a_data_error_naming_the_file(tmp_path: Path) -> None:
    # Used to raise AttributeError ("Can only use .str accessor") from column inference.
    path = tmp_path / "en.csv"
    path.write_text("text,label\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"en\.csv has no data rows.*add rows below the header"):
        prepare_data(TaskSpec(dataset_path=str(path)))


def test_header_only_test_file_is_named(tmp_path: Path) -> None:
    test = tmp_path / "test.csv"
    test.write_text("text,label\n", encoding="utf-8")
    spec = TaskSpec(dataset_path=_csv(tmp_path, *_balanced({"a": 9, "b": 9})), test_path=str(test))
    with pytest.raises(DataError, match=r"test\.csv has no data rows"):
        prepare_data(spec)


def test_label_column_empty_in_every_row(tmp_path: Path) -> None:
    texts, _ = _balanced({"a": 5, "b": 5})
    with pytest.raises(DataError, match=r"label column 'label' of d\.csv is empty in every row"):
        _prepare(tmp_path, texts, [""] * len(texts), label_column="label")


def test_no_training_rows_left_after_removing_test_texts(tmp_path: Path) -> None:
    path = _csv(tmp_path, *_balanced({"a": 5, "b": 5}))
    with pytest.raises(
        DataError, match=r"no training rows are left in d\.csv after removing texts that"
    ):
        prepare_data(TaskSpec(dataset_path=path, test_path=path))


# ------------------------------------------------------------- what the search needs
def _search_splits(y: np.ndarray) -> None:
    """The splits every search makes; raise if the data cannot give them."""
    search_splits(y, seed=0)


def test_class_with_two_rows_is_refused_up_front_naming_it_and_the_fixes(tmp_path: Path) -> None:
    # Used to pass here and fail in the search with "Classes with too few members are: [1]".
    with pytest.raises(DataError) as caught:
        _prepare(tmp_path, *_balanced({"a": 20, "b": 20, "c": 2}))
    message = str(caught.value)
    assert "{'c': 2}" in message and "at least 3 rows" in message and "test set" in message
    assert "Add more rows of 'c'" in message
    assert "min_class_rows=3" in message


def test_class_with_three_rows_trains(tmp_path: Path) -> None:
    data = _prepare(tmp_path, *_balanced({"a": 20, "b": 20, "c": 3}))
    assert Counter(data.train_y.tolist())[2] == 2 and Counter(data.test_y.tolist())[2] == 1
    _search_splits(data.train_y)


def test_min_class_rows_drops_rare_classes_with_a_note(tmp_path: Path) -> None:
    data = _prepare(tmp_path, *_balanced({"a": 20, "b": 20, "c": 2, "d": 1}), min_class_rows=3)
    assert data.labels == ["a", "b"]
    assert data.profile["dropped_rare_classes"] == {"c": 2, "d": 1}
    assert any("min_class_rows=3" in note and "'c': 2" in note for note in data.notes)
    _search_splits(data.train_y)


def test_min_class_rows_also_leaves_labels_and_test_rows(tmp_path: Path) -> None:
    spec = TaskSpec(
        dataset_path=_csv(tmp_path, *_balanced({"a": 10, "b": 10, "c": 1})),
        test_path=_csv(tmp_path, *_balanced({"a": 2, "b": 2, "c": 2}, "t "), "test.csv"),
        labels=["c", "b", "a"],
        min_class_rows=2,
    )
    data = prepare_data(spec)
    assert data.labels == ["b", "a"] and len(data.test_texts) == 4
    assert any("and 2 test rows" in note for note in data.notes)


def test_min_class_rows_default_keeps_failing_loudly(tmp_path: Path) -> None:
    assert TaskSpec(dataset_path="d.csv").min_class_rows is None
    with pytest.raises(ValueError):
        TaskSpec(dataset_path="d.csv", min_class_rows=0)


def test_class_starved_by_test_overlap_is_named(tmp_path: Path) -> None:
    train_texts, train_labels = _balanced({"a": 10, "b": 10, "c": 2})
    test_texts, test_labels = _balanced({"a": 2, "b": 2}, "t ")
    test_texts.append(train_texts[-1])  # a 'c' text: removed from training as a leak
    test_labels.append("c")
    spec = TaskSpec(
        dataset_path=_csv(tmp_path, train_texts, train_labels),
        test_path=_csv(tmp_path, test_texts, test_labels, "test.csv"),
    )
    with pytest.raises(
        DataError, match=r"occur in the test set \(rows per class: \{.c.: 1\}\).*min_class_rows=2"
    ):
        prepare_data(spec)


def test_too_few_rows_for_the_validation_split(tmp_path: Path) -> None:
    # 3 classes x 4 rows: each class is big enough, but 15% of 9 training rows is 2 rows.
    with pytest.raises(DataError, match=r"9 rows.*3 classes.*at least 14 training rows"):
        _prepare(tmp_path, *_balanced({"a": 4, "b": 4, "c": 4}))
    data = _prepare(tmp_path, *_balanced({"a": 6, "b": 6, "c": 6}))
    _search_splits(data.train_y)
