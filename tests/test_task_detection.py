"""Task detection from the data, stratified splits and profiles for the other task types."""

import json

import numpy as np
import pandas as pd
import pytest
from conftest import dataset

from openautoglm.data.errors import DataError
from openautoglm.data.readers import read_table
from openautoglm.data.stratify import iterative_folds, iterative_split, quantile_bins
from openautoglm.data.task_detection import detect_task, list_separator, split_label_lists
from openautoglm.data.task_profile import multilabel_profile, pair_profile, regression_profile


@pytest.mark.parametrize(
    ("name", "task", "texts", "label", "sep"),
    [
        ("goemotions", "multilabel_classification", ["text"], "labels", ","),
        ("msrp", "text_pair_classification", ["sentence1", "sentence2"], "label", None),
        ("bustm", "text_pair_classification", ["sentence1", "sentence2"], "label", None),
        ("emobank", "text_regression", ["text"], "valence", None),
        ("trec", "text_classification", ["text"], "label", None),
        ("news_zh", "text_classification", ["text"], "label", None),
    ],
)
def test_the_shared_datasets_are_read_as_their_task(name, task, texts, label, sep) -> None:
    folder = dataset(name)
    found = detect_task(read_table(folder / "train.csv"))
    assert (found.task_type, found.text_columns, found.label_column, found.label_sep) == (
        task, texts, label, sep)  # fmt: skip
    meta = json.loads((folder / "meta.json").read_text())
    if "task_type" in meta:
        assert meta["task_type"] == task
    assert found.reasons or task == "text_classification"


def test_label_lists_need_repeated_short_names_not_just_commas() -> None:
    prose = pd.Series([f"a long, rambling note number {i}, with commas" for i in range(50)])
    assert list_separator(prose)[0] is None
    lists = pd.Series(["sports|news", "news", "tech|news", "sports"] * 10)
    sep, why = list_separator(lists)
    assert sep == "|" and "3 names" in why
    chinese = pd.Series(["体育、娱乐", "科技", "娱乐", "科技、体育"] * 10)
    assert list_separator(chinese)[0] == "、"
    assert split_label_lists(pd.Series(["a, b,a", "", None, ["x", "y"]]), ",") == [
        ["a", "b"], [], [], ["x", "y"]]  # fmt: skip


def test_json_lists_and_numbers_and_explicit_columns() -> None:
    frame = pd.DataFrame({"text": ["x", "y", "z"], "tags": [["a"], ["a", "b"], []]})
    assert detect_task(frame).task_type == "multilabel_classification"
    # as the readers give them: every cell a string
    few = pd.DataFrame({"text": [f"t{i}" for i in range(60)], "stars": [1, 2, 3, 4, 5] * 12})
    few = few.astype(str)
    assert detect_task(few).task_type == "text_classification"  # few integers: classes
    many = pd.DataFrame({"text": [f"t{i}" for i in range(60)], "price": np.arange(60) * 3})
    many = many.astype(str)
    assert detect_task(many).task_type == "text_regression"
    pair = pd.DataFrame(
        {"a": ["x", "y"] * 20, "b": ["u", "v"] * 20, "score": np.linspace(0, 5, 40)}
    )
    found = detect_task(pair, text_column=["a", "b"], label_column="score")
    assert found.task_type == "text_pair_regression"
    with pytest.raises(DataError, match="'nope' is not in the data"):
        detect_task(pair, text_column=["a", "b"], label_column="nope")


def test_iterative_folds_spread_rare_labels_and_quantile_bins_split_evenly() -> None:
    rng = np.random.default_rng(0)
    y = rng.random((600, 12)) < np.linspace(0.01, 0.4, 12)
    folds = iterative_folds(y, 5, seed=1)
    assert set(folds) == set(range(5)) and (np.bincount(folds) >= 100).all()
    for label in range(12):
        per_fold = np.array([y[folds == f, label].sum() for f in range(5)])
        # within a row or two of an even share (a random split misses rare labels by more)
        assert per_fold.max() - per_fold.min() <= max(2, 0.06 * per_fold.mean())
    train, test = iterative_split(y, 0.2, seed=0)
    assert len(np.intersect1d(train, test)) == 0 and len(train) + len(test) == 600
    assert abs(len(test) - 120) <= 5
    with pytest.raises(ValueError):
        iterative_split(y, 1.5)
    bins = quantile_bins(rng.normal(size=1000), n_bins=10)
    assert set(np.bincount(bins)) <= set(range(95, 106))


def test_profiles_of_the_other_tasks() -> None:
    lists = [["joy", "love"], ["joy"], [], ["anger", "joy"]]
    profile = multilabel_profile(lists)
    assert profile["cardinality"] == 1.25 and profile["rows_without_label"] == 1
    assert profile["label_counts"]["joy"] == 3 and profile["top_pairs"][0]["rows"] == 1
    assert pair_profile(["ab", "c"], ["ab", "cd"])["identical_pairs"] == 1
    target = regression_profile([1.0, 2.0, 3.0, 4.0])
    assert target["median"] == 2.5 and target["distinct"] == 4
