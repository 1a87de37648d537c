"""Every budget/cap combination on English data where fine-tuning is considered, and resume.

A trial cap with no time budget once crashed right after the fine-tuning probe (an infinite
time left divided into epochs gave NaN): these runs go through the probe and schedule.
"""

import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import dataset

from openautoglm import AutoTask
from openautoglm.search.finetune_schedule import FINETUNE_RUNS

pytest.importorskip("torch")
pytest.importorskip("sentence_transformers")
pytestmark = [pytest.mark.slow, pytest.mark.nn]

FAMILIES = ["tfidf_lr", "finetune"]


@pytest.fixture(scope="module")
def trec_sample(tmp_path_factory) -> Path:
    """240 rows of trec (40 a class, 6 classes): long enough for the probe, quick to tune."""
    frame = pd.read_csv(dataset("trec") / "train.csv")
    sample = frame.sample(frac=1.0, random_state=0).groupby("label").head(40)
    path = tmp_path_factory.mktemp("trec") / "trec_sample.csv"
    sample.to_csv(path, index=False)
    return path


def _events(run_dir: Path) -> list[dict]:
    return [json.loads(line) for line in (run_dir / "search_log.jsonl").open()]


@pytest.mark.parametrize(
    ("max_trials", "time_budget"),
    [(2, None), (None, 90), (2, 90), (None, None)],
    ids=["cap-only", "budget-only", "both", "neither"],
)
def test_every_budget_combination_ends_with_a_model(
    trec_sample, tmp_path, max_trials, time_budget
) -> None:
    run_dir = tmp_path / "run"
    task = AutoTask(dataset_path=trec_sample, run_dir=run_dir, families=FAMILIES, n_jobs=2)
    result = task.run(max_trials=max_trials, time_budget=time_budget)
    assert result.metrics["accuracy"] > 0.3  # six classes: well above chance on 48 test rows
    kinds = {e["event"] for e in _events(run_dir)}
    assert "finetune_probe_started" in kinds  # fine-tuning was considered in every case
    assert kinds & {"finetune_scheduled", "finetune_skipped"}
    if max_trials is not None:
        assert len(result.leaderboard) <= max_trials
    if time_budget is None:  # no budget: the first run gets all its planned epochs
        scheduled = [e for e in _events(run_dir) if e["event"] == "finetune_scheduled"]
        assert scheduled and scheduled[0]["params"]["epochs"] == FINETUNE_RUNS[0]["epochs"]
    else:
        assert result.timings["total"] <= time_budget * 1.2


def test_a_capped_run_interrupted_while_fine_tuning_resumes(trec_sample, tmp_path) -> None:
    run_dir = tmp_path / "run"
    task = AutoTask(dataset_path=trec_sample, run_dir=run_dir, families=FAMILIES, n_jobs=2)

    def interrupt_when_fine_tuning_starts(event: dict) -> None:
        if event.get("event") == "finetune_scheduled":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        task.run(max_trials=2, on_event=interrupt_when_fine_tuning_starts)
    result = AutoTask.resume(run_dir)
    assert len(result.leaderboard) == 2
    assert set(result.leaderboard.family) == {"tfidf_lr", "finetune"}
    assert result.metrics["accuracy"] > 0.3
