"""The benchmarks' yardstick stays the strong baseline: a weaker one would flatter AutoTask."""

import random
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import DATASETS, make_texts

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import strong_baseline  # noqa: E402


def _vectorizers(language: str) -> list:
    return [t for _, t in strong_baseline.features(language).transformer_list]


def test_chinese_features_are_character_1_to_3_grams_with_sublinear_tf() -> None:
    (chars,) = _vectorizers("zh")
    assert (chars.analyzer, chars.ngram_range, chars.sublinear_tf) == ("char", (1, 3), True)
    assert chars.max_features is None and chars.min_df == 1


def test_english_features_are_words_1_2_and_char_wb_2_5() -> None:
    words, chars = _vectorizers("en")
    assert (words.analyzer, words.ngram_range, words.sublinear_tf) == ("word", (1, 2), True)
    assert (chars.analyzer, chars.ngram_range, chars.sublinear_tf) == ("char_wb", (2, 5), True)


def test_solver_converges_and_c_is_chosen_by_5_fold_cv() -> None:
    search = strong_baseline.strong_baseline("en")
    logreg = search.estimator.named_steps["logisticregression"]
    assert logreg.solver == "lbfgs" and logreg.max_iter == 3000 and logreg.tol <= 1e-4
    assert search.param_grid == {"logisticregression__C": [0.5, 2.0, 8.0, 32.0]}
    assert search.cv.get_n_splits() == 5


def test_evaluate_reports_accuracy_speed_and_the_chosen_c() -> None:
    frame = make_texts(20)
    result = strong_baseline.evaluate(frame[:45], frame[45:], n_jobs=1)
    assert result["accuracy"] > 0.8 and result["C"] in strong_baseline.C_GRID
    assert result["latency_ms_p50"] > 0 and result["version"] == strong_baseline.VERSION


def test_single_label_datasets_skip_other_task_types() -> None:
    if not DATASETS.is_dir():
        pytest.skip("shared datasets are not available")
    names = strong_baseline.single_label_datasets(DATASETS)
    assert "tnews" in names and "msrp" not in names and "goemotions" not in names
    for name in names:
        header = pd.read_csv(DATASETS / name / "train.csv", nrows=0).columns.tolist()
        assert header == ["text", "label"]


def _task_frames(kind: str, n: int = 80) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Synthetic data whose target follows the words: label sets, pairs or a number."""
    rng = random.Random(0)
    words = "cat dog sun moon tree road star fish".split()
    rows = []
    for _ in range(n):
        picked = rng.sample(words, 3)
        text = " ".join(picked)
        if kind == "multilabel":
            rows.append(
                {"text": text, "labels": ",".join(w for w in picked if w in ("cat", "sun"))}
            )
        elif kind == "pair":
            same = rng.random() < 0.5
            other = text if same else " ".join(rng.sample(words, 3))
            rows.append({"a": text, "b": other, "label": str(int(same or other == text))})
        else:
            rows.append({"text": text, "y": str(text.count("cat") * 2 + text.count("sun"))})
    frame = pd.DataFrame(rows)
    return frame[: n * 3 // 4], frame[n * 3 // 4 :]


def test_task_baselines_use_the_yardstick_features_and_learn_their_task() -> None:
    import task_baselines

    assert task_baselines.C_GRID is strong_baseline.C_GRID
    assert task_baselines.MAX_ITER == strong_baseline.MAX_ITER
    train, test = _task_frames("multilabel")
    multi = task_baselines.multilabel_baseline(train, test, "text", "labels", ",", n_jobs=1)
    assert multi["f1_micro"] > 0.9 and multi["threshold"] in task_baselines.THRESHOLDS
    train, test = _task_frames("pair")
    pair = task_baselines.pair_baseline(train, test, ["a", "b"], "label", n_jobs=1)
    assert pair["accuracy"] > 0.8 and pair["C"] in strong_baseline.C_GRID
    train, test = _task_frames("regression")
    reg = task_baselines.regression_baseline(train, test, "text", "y", n_jobs=1)
    assert reg["pearson"] > 0.9 and reg["alpha"] in task_baselines.RIDGE_ALPHAS
    assert {multi["version"], pair["version"], reg["version"]} == {task_baselines.TASK_VERSION}


def test_the_accuracy_benchmark_finds_every_task_and_its_metrics() -> None:
    if not DATASETS.is_dir():
        pytest.skip("shared datasets are not available")
    import accuracy

    other = accuracy.datasets(DATASETS, "other")
    assert {"goemotions", "msrp", "bustm", "emobank"} <= set(other)
    assert not set(other) & set(accuracy.datasets(DATASETS, "single"))
    assert accuracy.task_of(DATASETS / "goemotions")["label_sep"] == ","
    assert accuracy.task_of(DATASETS / "tnews")["task_type"] == "text_classification"
    for name in other:
        assert accuracy.task_of(DATASETS / name)["task_type"] in accuracy.TASK_METRICS
