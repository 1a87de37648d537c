"""The benchmarks' yardstick stays the strong baseline: a weaker one would flatter AutoTask."""

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
