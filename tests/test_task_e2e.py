"""AutoTask and the CLI end to end on the other tasks: real slices of the shared datasets
(skipped when absent) and synthetic pair regression; save, load, predict, resume."""

import json
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import dataset
from typer.testing import CliRunner

import openautoglm
from openautoglm import AutoTask
from openautoglm.cli import app
from openautoglm.engine.state import RunState


def _slice(name: str, tmp_path: Path, train: int, test: int) -> tuple[Path, Path]:
    """The first rows of a shared dataset's train and test files, copied into tmp_path."""
    folder = dataset(name)
    paths = []
    for split, rows in (("train", train), ("test", test)):
        frame = pd.read_csv(folder / f"{split}.csv", dtype=str, keep_default_na=False)
        path = tmp_path / f"{name}-{split}.csv"
        frame.head(rows).to_csv(path, index=False)
        paths.append(path)
    return paths[0], paths[1]


def test_multilabel_run_predicts_label_lists_and_reloads(tmp_path: Path) -> None:
    train, test = _slice("goemotions", tmp_path, 800, 200)
    task = AutoTask(dataset_path=train, test_path=test, run_dir=tmp_path / "run", n_jobs=2,
                    families=["tfidf_lr"])  # fmt: skip
    result = task.run(max_trials=1)
    assert result.task_type == "multilabel_classification" and len(result.labels) >= 20
    m = result.metrics
    assert {"f1_micro", "f1_macro", "f1_samples", "subset_accuracy", "hamming_loss",
            "per_label", "thresholds"} <= set(m)  # fmt: skip
    assert 0.2 < m["f1_micro"] <= 1 and 0 <= m["hamming_loss"] < 0.2
    assert set(m["per_label"]["neutral"]) == {"precision", "recall", "f1", "support"}
    texts = ["Thank you so much, this is wonderful!", "I am so angry about this."]
    predicted = result.predict(texts)
    assert all(isinstance(row, list) and set(row) <= set(result.labels) for row in predicted)
    proba = result.predict_proba(texts)
    assert proba.shape == (2, len(result.labels))
    saved = json.loads((tmp_path / "run" / "metrics.json").read_text())["metrics"]
    assert saved["f1_micro"] == pytest.approx(m["f1_micro"])
    assert (tmp_path / "run" / "model" / "thresholds.json").is_file()
    manifest = json.loads((tmp_path / "run" / "model" / "manifest.json").read_text())
    assert manifest["format_version"] == 3  # releases from before the tasks refuse it
    loaded = openautoglm.load(tmp_path / "run")
    assert loaded.task_type == "multilabel_classification"
    assert loaded.predict(texts) == predicted
    assert np.array_equal(loaded.predict_proba(texts), proba)
    with pytest.raises(ValueError, match="for classifiers"):
        loaded.predict_set(texts)
    page = result.report(tmp_path / "report.html").read_text(encoding="utf-8")
    assert "micro F1" in page and "Label sets" in page and "labels seen together most" in page
    assert "neutral" in page.split('id="per-class"')[1]  # per-label figures fill the table


@pytest.mark.parametrize(("name", "floor"), [("msrp", 0.62), ("bustm", 0.55)])
def test_pair_run_takes_tuples_or_a_frame(tmp_path: Path, name: str, floor: float) -> None:
    train, test = _slice(name, tmp_path, 600, 300)
    task = AutoTask(dataset_path=train, test_path=test, run_dir=tmp_path / "run", n_jobs=2,
                    families=["pair_lr", "tfidf_lr"])  # fmt: skip
    result = task.run(max_trials=2)
    assert result.task_type == "text_pair_classification" and result.labels == ["0", "1"]
    assert result.metrics["accuracy"] > floor and "confusion_matrix" in result.metrics
    frame = pd.read_csv(test, dtype=str, keep_default_na=False).head(5)
    pairs = list(zip(frame.sentence1, frame.sentence2, strict=True))
    by_tuples = result.predict(pairs)
    assert by_tuples == result.predict(frame[["sentence1", "sentence2"]])
    assert set(by_tuples) <= {"0", "1"}
    assert result.predict_proba(pairs).shape == (5, 2)
    assert all(set(found) <= {"0", "1"} for found in result.predict_set(pairs, alpha=0.2))
    loaded = openautoglm.load(tmp_path / "run" / "model")
    assert loaded.predict(frame) == by_tuples  # the two text columns picked by name
    with pytest.raises(TypeError, match="text pairs"):
        loaded.predict(["one text alone"])
    page = result.report(tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Text pairs (characters" in page and "Confusion matrix" in page


def test_regression_run_predicts_numbers(tmp_path: Path) -> None:
    train, test = _slice("emobank", tmp_path, 1000, 300)
    task = AutoTask(dataset_path=train, test_path=test, run_dir=tmp_path / "run", n_jobs=2,
                    families=["tfidf_ridge"], metric="rmse")  # fmt: skip
    result = task.run(max_trials=1)
    assert result.task_type == "text_regression"
    m = result.metrics
    assert {"rmse", "mae", "r2", "pearson", "spearman"} <= set(m) and m["pearson"] > 0.2
    assert result.leaderboard.score.iloc[0] < 0  # the search maximised -RMSE
    values = result.predict(["What a lovely, happy day!", "This is terrible and sad."])
    assert all(isinstance(v, float) for v in values) and values[0] > values[1]
    with pytest.raises(TypeError, match="use predict"):
        result.predict_proba(["text"])
    assert any("skipped for text_regression" in note for note in result.notes)
    assert openautoglm.load(tmp_path / "run").predict(["What a lovely, happy day!"]) == [
        pytest.approx(values[0])
    ]
    page = result.report(tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Pearson r" in page and "RMSE" in page and "Target (training split)" in page


def _pair_scores(n: int = 120, seed: int = 0) -> pd.DataFrame:
    """Sentence pairs scored by how many words they share (0-4)."""
    rng = random.Random(seed)
    words = [f"word{i}" for i in range(40)]
    rows = []
    for _ in range(n):
        left = rng.sample(words, 4)
        shared = rng.randint(0, 4)
        right = left[:shared] + rng.sample([w for w in words if w not in left], 4 - shared)
        rows.append({"text_a": " ".join(left), "text_b": " ".join(right),
                     "similarity": f"{shared + rng.random() / 5:.3f}"})  # fmt: skip
    return pd.DataFrame(rows)


def test_pair_regression_run_and_resume_after_an_interrupt(tmp_path: Path) -> None:
    data = tmp_path / "pairs.csv"
    _pair_scores().to_csv(data, index=False)
    run_dir = tmp_path / "run"
    task = AutoTask(dataset_path=data, run_dir=run_dir, n_jobs=1, families=["pair_ridge"])

    def interrupt(event: dict) -> None:
        if event.get("event") == "trial_started":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        task.run(max_trials=2, on_event=interrupt)
    state = RunState(run_dir / "state.db")
    assert state.get("spec")["task_type"] == "auto"
    state.close()
    result = AutoTask.resume(run_dir)
    assert result.task_type == "text_pair_regression" and result.metrics["pearson"] > 0.6
    assert isinstance(result.predict([("word1 word2", "word1 word3")])[0], float)


def test_cli_runs_multilabel_with_label_sep_and_pairs_with_text_columns(tmp_path: Path) -> None:
    train, test = _slice("goemotions", tmp_path, 400, 100)
    runner = CliRunner()
    out = runner.invoke(app, ["run", "--data", str(train), "--test", str(test), "--task",
                              "multilabel_classification", "--label-sep", ",", "--max-trials",
                              "1", "--families", "tfidf_lr", "--out", str(tmp_path / "ml"),
                              "--json"])  # fmt: skip
    assert out.exit_code == 0, out.output
    summary = json.loads(out.output)
    assert summary["task_type"] == "multilabel_classification"
    assert "f1_micro" in summary["metrics"]
    train, test = _slice("msrp", tmp_path, 300, 100)
    frame = pd.read_csv(train, dtype=str).rename(columns={"sentence1": "q1", "sentence2": "q2"})
    frame.to_csv(train, index=False)
    out = runner.invoke(app, ["run", "--data", str(train), "--task", "text_pair_classification",
                              "--text-columns", "q1,q2", "--max-trials", "1", "--families",
                              "pair_lr", "--out", str(tmp_path / "pairs")])  # fmt: skip
    assert out.exit_code == 0, out.output
    assert "accuracy" in out.output and "model pair_lr" in out.output
    bad = ["run", "--data", str(train), "--task", "text_regression", "--text-columns", "q1,q2"]
    out = runner.invoke(app, [*bad, "--out", str(tmp_path / "bad")])
    assert out.exit_code == 2
    assert "text_regression" in out.output and "text_pair_regression" in out.output
