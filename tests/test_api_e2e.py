"""End-to-end runs of AutoTask and the CLI on real and synthetic data."""

import json

import numpy as np
import pandas as pd
import pytest
from conftest import dataset
from typer.testing import CliRunner

import openautoglm
from openautoglm import AutoTask
from openautoglm.cli import app
from openautoglm.data import DataError


def test_tiny_run_saves_and_reloads(tiny_csv, tmp_path) -> None:
    task = AutoTask(
        dataset_path=tiny_csv,
        run_dir=tmp_path / "run",
        n_jobs=2,
        families=["tfidf_lr", "complement_nb", "nbsvm"],
    )
    result = task.run(max_trials=4)
    assert result.metrics["accuracy"] > 0.9
    assert {
        "accuracy",
        "f1_macro",
        "f1_weighted",
        "log_loss",
        "per_class",
        "confusion_matrix",
    } <= set(result.metrics)
    board = result.leaderboard
    assert len(board) == 4 and {"family", "params", "score", "fit_s"} <= set(board.columns)
    for name in ("spec.json", "profile.json", "study.db", "leaderboard.json", "metrics.json"):
        assert (tmp_path / "run" / name).is_file(), name
    saved = json.loads((tmp_path / "run" / "metrics.json").read_text())["metrics"]
    # the speed of the returned model, batch and single text, is reported with the metrics
    assert saved["predict_rows_per_s"] > 0
    assert 0 < saved["latency_ms_p50"] <= saved["latency_ms_p95"]
    texts = ["a new chip for the cloud", "spicy soup for dinner"]
    result.save(tmp_path / "model")
    loaded = openautoglm.load(tmp_path / "model")
    assert np.array_equal(loaded.predict_proba(texts), result.predict_proba(texts))
    assert loaded.predict(texts) == ["tech", "food"]


def test_run_refuses_to_overwrite_an_existing_run(tiny_csv, tmp_path) -> None:
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="overwrite"):
        AutoTask(dataset_path=tiny_csv, run_dir=tmp_path / "run").run(max_trials=1)
    assert (tmp_path / "run" / "notes.txt").read_text() == "keep me"


@pytest.mark.parametrize(
    ("frame", "kwargs", "message"),
    [
        (None, {}, "does not exist"),
        (pd.DataFrame({"text": ["a b", "c d"], "label": ["x", "x"]}), {}, "one class"),
        (pd.DataFrame({"text": ["a", "b", "c"], "label": ["x", "x", "y"]}), {}, "fewer than 2"),
        (pd.DataFrame({"text": ["a", "", "c", "d"], "label": ["x", "x", "y", "y"]}), {}, "empty"),
        (
            pd.DataFrame({"text": ["a", "b", "c", "d"], "label": ["x", "x", "y", "y"]}),
            {"text_column": "body"},
            "body",
        ),
        (
            pd.DataFrame({"text": ["a", "b", "c", "d"], "label": ["x", "x", "y", "y"]}),
            {"labels": ["x", "z"]},
            "z",
        ),
    ],
)
def test_bad_input_fails_before_training(frame, kwargs, message, tmp_path) -> None:
    path = tmp_path / "data.csv"
    if frame is not None:
        frame.to_csv(path, index=False)
    with pytest.raises(DataError, match=message):
        AutoTask(dataset_path=path, run_dir=tmp_path / "run", **kwargs).run(max_trials=1)
    assert not (tmp_path / "run" / "study.db").exists()


def test_undecodable_file_fails_clearly(tmp_path) -> None:
    path = tmp_path / "broken.csv"
    path.write_bytes(b"text,label\n" + bytes([0x81, 0xFF, 0x80, 0xFE, 0xC0, 0x00, 0x9D]) * 20)
    with pytest.raises(DataError, match="UTF-8"):
        AutoTask(dataset_path=path, run_dir=tmp_path / "run").run(max_trials=1)


def test_cli_run_json(tiny_csv, tmp_path) -> None:
    out = tmp_path / "cli-run"
    args = [
        "run",
        "--data",
        str(tiny_csv),
        "--out",
        str(out),
        "--max-trials",
        "2",
        "--families",
        "tfidf_lr,complement_nb",
        "--json",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["metrics"]["accuracy"] > 0.9 and len(payload["leaderboard"]) == 2
    again = CliRunner().invoke(app, args)  # same --out without --overwrite
    assert again.exit_code == 2 and "overwrite" in again.output


def test_cli_reports_data_errors(tmp_path) -> None:
    result = CliRunner().invoke(
        app, ["run", "--data", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2 and "does not exist" in result.output


@pytest.mark.slow
def test_news_zh_small_budget_beats_majority(tmp_path) -> None:
    folder = dataset("news_zh")
    task = AutoTask(
        dataset_path=folder / "train.csv",
        test_path=folder / "test.csv",
        labels=["科技", "体育", "娱乐"],
        run_dir=tmp_path / "run",
        n_jobs=2,
    )
    result = task.run(time_budget=60)
    majority = max(result.profile["class_counts"].values()) / result.profile["rows_train"]
    assert result.metrics["accuracy"] > majority + 0.25
    assert result.timings["total"] < 60 * 1.15
    result.save(tmp_path / "model")
    texts = ["央行宣布降准", "梅西打进制胜球", "新电影票房破十亿"]
    assert np.array_equal(
        openautoglm.load(tmp_path / "model").predict_proba(texts), result.predict_proba(texts)
    )


@pytest.mark.slow
@pytest.mark.nn
def test_trec_small_budget_beats_majority(tmp_path) -> None:
    folder = dataset("trec")
    task = AutoTask(
        dataset_path=folder / "train.csv",
        test_path=folder / "test.csv",
        run_dir=tmp_path / "run",
        n_jobs=2,
    )
    result = task.run(time_budget=120)
    majority = max(result.profile["class_counts"].values()) / result.profile["rows_train"]
    assert result.metrics["accuracy"] > majority + 0.4
    result.save(tmp_path / "model")
    texts = ["Who wrote Hamlet ?", "How far is the moon ?"]
    assert np.allclose(
        openautoglm.load(tmp_path / "model").predict_proba(texts),
        result.predict_proba(texts),
        atol=1e-6,
    )
