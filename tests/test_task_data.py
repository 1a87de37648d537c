"""prepare_data for multilabel, pair and regression tasks, and the bad input each refuses."""

import json
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from openautoglm.data import DataError, prepare_data
from openautoglm.data.pairs import split_pair
from openautoglm.data.task_choice import TaskMismatch
from openautoglm.spec import TaskSpec

_WORDS = ["match", "goal", "chip", "cloud", "soup", "bread", "rain", "snow", "film", "song"]
_TAGS = {"sport": ["match", "goal"], "tech": ["chip", "cloud"], "food": ["soup", "bread"]}


def multilabel_frame(n: int = 60, seed: int = 0, sep: str = ",") -> pd.DataFrame:
    """Texts tagged with every topic whose words they hold (some with none)."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        words = rng.sample(_WORDS, 3) + [f"w{i}"]
        tags = [tag for tag, cue in _TAGS.items() if set(cue) & set(words)]
        rows.append({"text": " ".join(words), "labels": sep.join(tags)})
    return pd.DataFrame(rows)


def regression_frame(n: int = 60, seed: int = 0) -> pd.DataFrame:
    """Texts whose score grows with the count of 'good'."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        good = rng.randint(0, 4)
        text = " ".join(["good"] * good + ["film", f"w{i}"])
        rows.append({"text": text, "score": f"{good + rng.random() / 10:.3f}"})
    return pd.DataFrame(rows)


def pair_frame(n: int = 60, seed: int = 0) -> pd.DataFrame:
    """Sentence pairs: the same words (1) or other words (0)."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        left = " ".join(rng.sample(_WORDS, 4) + [f"w{i}"])
        right = left if i % 2 else " ".join(rng.sample(_WORDS, 4))
        rows.append({"sentence1": left, "sentence2": right, "label": str(i % 2)})
    return pd.DataFrame(rows)


def _write(frame: pd.DataFrame, tmp_path: Path, name: str = "d.csv") -> str:
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return str(path)


def test_multilabel_is_detected_with_its_separator_and_empty_lists_mean_no_label(tmp_path):
    frame = multilabel_frame(sep=";")
    frame.loc[0, "labels"] = ""  # a row with no label: allowed
    data = prepare_data(TaskSpec(task_type="auto", dataset_path=_write(frame, tmp_path)))
    assert data.task_type == "multilabel_classification"
    assert data.labels == ["food", "sport", "tech"] and data.label_sep == ";"
    assert data.train_y.shape[1] == 3 and set(np.unique(data.train_y)) <= {0, 1}
    assert any("';'-separated" in note for note in data.notes)
    assert data.profile["labels_profile"]["cardinality"] > 0
    assert "holdout" == data.test_source and len(data.test_texts) > 0


def test_a_label_seen_once_is_kept_in_training(tmp_path):
    frame = multilabel_frame()
    frame.loc[5, "labels"] = "sport,rare"  # occurs on one row only
    data = prepare_data(TaskSpec(task_type="auto", dataset_path=_write(frame, tmp_path)))
    rare = data.labels.index("rare")
    assert data.train_y[:, rare].sum() == 1 and data.test_y[:, rare].sum() == 0
    assert any("fewer than 2 training rows" in note and "rare" in note for note in data.notes)


def test_label_sep_overrides_the_detected_separator(tmp_path):
    frame = multilabel_frame(sep="|")
    spec = TaskSpec(task_type="auto", dataset_path=_write(frame, tmp_path))
    data = prepare_data(spec, label_sep="|")
    assert data.task_type == "multilabel_classification" and data.label_sep == "|"


def test_json_list_labels_from_jsonl(tmp_path):
    frame = multilabel_frame()
    frame["labels"] = [[t for t in v.split(",") if t] for v in frame["labels"]]
    path = tmp_path / "d.jsonl"
    frame.to_json(path, orient="records", lines=True)
    data = prepare_data(TaskSpec(task_type="auto", dataset_path=str(path)))
    assert data.task_type == "multilabel_classification"
    assert data.labels == ["food", "sport", "tech"]


def test_pairs_keep_both_columns_and_join_them(tmp_path):
    data = prepare_data(TaskSpec(task_type="auto", dataset_path=_write(pair_frame(), tmp_path)))
    assert data.task_type == "text_pair_classification"
    assert data.text_column == ["sentence1", "sentence2"] and data.labels == ["0", "1"]
    left, right = split_pair(data.train_texts[0])
    assert left and right
    assert data.profile["pairs"]["rows"] == len(data.train_texts)


def test_text_columns_name_the_pair(tmp_path):
    frame = pair_frame().rename(columns={"sentence1": "q1", "sentence2": "q2"})
    spec = TaskSpec(task_type="text_pair_classification", dataset_path=_write(frame, tmp_path),
                    text_column=["q1", "q2"])  # fmt: skip
    assert prepare_data(spec).text_column == ["q1", "q2"]


def test_a_pair_with_an_empty_side_names_the_rows(tmp_path):
    frame = pair_frame()
    frame.loc[[2, 7], "sentence2"] = ""
    with pytest.raises(DataError, match=r"2 row\(s\).*empty side.*data rows 3, 8"):
        prepare_data(TaskSpec(task_type="auto", dataset_path=_write(frame, tmp_path)))
    frame["sentence2"] = ""
    with pytest.raises(DataError, match="'sentence2' .* empty in every row"):
        prepare_data(TaskSpec(task_type="auto", dataset_path=_write(frame, tmp_path)))


def test_regression_targets_are_floats_split_on_bins(tmp_path):
    spec = TaskSpec(task_type="auto", dataset_path=_write(regression_frame(), tmp_path))
    data = prepare_data(spec)
    assert data.task_type == "text_regression" and data.labels == []
    assert data.train_y.dtype == np.float64 and data.profile["target"]["max"] > 3
    assert any("quantile bins" in note for note in data.notes)


@pytest.mark.parametrize(("bad", "shown"), [("", "(empty)"), ("n/a", "('n/a')"),
                                            ("inf", "('inf')"), ("nan", "('nan')")])  # fmt: skip
def test_regression_target_that_is_not_a_finite_number_names_the_rows(tmp_path, bad, shown):
    frame = regression_frame()
    frame.loc[[3, 9], "score"] = bad
    spec = TaskSpec(task_type="text_regression", dataset_path=_write(frame, tmp_path))
    with pytest.raises(DataError, match=r"2 row\(s\) are not") as error:
        prepare_data(spec)
    assert f"data rows 4 {shown}, 10 {shown}" in str(error.value)
    assert "nothing was trained" in str(error.value)


def test_a_constant_target_is_refused(tmp_path):
    frame = regression_frame().assign(score="3.5")
    with pytest.raises(DataError, match="constant target"):
        prepare_data(TaskSpec(task_type="text_regression", dataset_path=_write(frame, tmp_path)))


@pytest.mark.parametrize(
    ("task", "frame", "found"),
    [
        ("text_regression", multilabel_frame(), "multilabel_classification"),
        ("multilabel_classification", regression_frame(), "text_regression"),
    ],
)
def test_a_task_that_contradicts_the_data_names_both(tmp_path, task, frame, found):
    spec = TaskSpec(task_type=task, dataset_path=_write(frame, tmp_path))
    with pytest.raises(TaskMismatch) as error:
        prepare_data(spec)
    assert f"task {task!r}" in str(error.value) and repr(found) in str(error.value)


def test_regression_on_text_labels_and_pairs_on_one_column_are_refused(tmp_path):
    names = pair_frame().drop(columns="sentence2").rename(columns={"sentence1": "text"})
    names["label"] = ["yes", "no"] * 30
    with pytest.raises(TaskMismatch, match="holds names, not numbers"):
        prepare_data(TaskSpec(task_type="text_regression", dataset_path=_write(names, tmp_path)))
    spec = TaskSpec(task_type="text_pair_classification", dataset_path=_write(names, tmp_path))
    with pytest.raises(DataError, match="reads two text columns"):
        prepare_data(spec)


def test_an_explicit_single_label_task_keeps_labels_with_commas(tmp_path):
    # class names that hold the separator ("Home, Garden") are what earlier releases trained
    frame = pd.DataFrame({
        "text": [f"{w} item {i}" for i, w in enumerate(_WORDS * 6)],
        "label": ["Home, Garden", "Arts, Culture", "Sports"] * 20,
    })  # fmt: skip
    spec = TaskSpec(task_type="text_classification", dataset_path=_write(frame, tmp_path))
    data = prepare_data(spec)
    assert sorted(data.labels) == ["Arts, Culture", "Home, Garden", "Sports"]
    assert any("also reads as multilabel_classification" in n for n in data.notes)
    named = TaskSpec(task_type="auto", dataset_path=spec.dataset_path,
                     labels=["Home, Garden", "Arts, Culture", "Sports"])  # fmt: skip
    assert len(prepare_data(named).labels) == 3  # named classes: a classifier


def test_an_explicit_single_label_task_refuses_real_label_lists(tmp_path):
    frame = multilabel_frame()
    frame["labels"] = [json.dumps(v.split(",") if v else []) for v in frame["labels"]]
    path = tmp_path / "d.jsonl"
    frame.to_json(path, orient="records", lines=True, force_ascii=False)
    spec = TaskSpec(task_type="text_classification", dataset_path=str(path))
    with pytest.raises(TaskMismatch, match="holds lists of labels"):
        prepare_data(spec)


def test_auto_reads_many_integer_class_ids_as_classes(tmp_path):
    # 40 intents numbered 0-39, 15 rows each: ids, not a quantity
    frame = pd.DataFrame({
        "text": [f"intent {i % 40} words {_WORDS[i % 10]} {i}" for i in range(600)],
        "label": [str(i % 40) for i in range(600)],
    })  # fmt: skip
    data = prepare_data(TaskSpec(dataset_path=_write(frame, tmp_path)))
    assert len(data.labels) == 40 and data.train_y.dtype.kind == "i"
