import json

import numpy as np
import pandas as pd
from conftest import make_texts

from openautoglm import AutoTask
from openautoglm.search.settings import n_folds


def test_folds_adapt_to_data_size_and_rare_classes() -> None:
    assert n_folds(1_000, 50) == 5
    assert n_folds(20_000, 50) == 3
    assert n_folds(1_000, 2) == 2


def test_target_score_stops_the_search_early(tiny_csv, tmp_path) -> None:
    task = AutoTask(
        dataset_path=tiny_csv,
        run_dir=tmp_path / "run",
        target_score=0.5,
        families=["tfidf_lr", "complement_nb"],
        n_jobs=1,
    )
    result = task.run(max_trials=10)
    assert len(result.leaderboard) < 10
    events = [json.loads(line) for line in (tmp_path / "run" / "search_log.jsonl").open()]
    assert any("target score" in e.get("reason", "") for e in events)


def test_time_budget_covers_the_whole_run(tmp_path) -> None:
    path = tmp_path / "data.csv"
    make_texts(150).to_csv(path, index=False)
    task = AutoTask(
        dataset_path=path,
        run_dir=tmp_path / "run",
        n_jobs=2,
        families=["tfidf_lr", "tfidf_svm", "nbsvm", "complement_nb"],
    )
    result = task.run(time_budget=25)
    assert result.timings["total"] <= 25 * 1.1
    assert len(result.leaderboard) >= 4


def test_same_seed_same_first_trials(tiny_csv, tmp_path) -> None:
    def params(run: str) -> list:
        task = AutoTask(
            dataset_path=tiny_csv,
            run_dir=tmp_path / run,
            n_jobs=1,
            seed=3,
            families=["tfidf_lr", "complement_nb"],
        )
        board = task.run(max_trials=4).leaderboard.sort_values("trial")
        return [
            (f, json.dumps(p, sort_keys=True))
            for f, p in zip(board.family, board.params, strict=True)
        ]

    assert params("a") == params("b")


def test_ensemble_pool_keeps_each_familys_best() -> None:
    from openautoglm.search.settings import ENSEMBLE_POOL, ensemble_pool
    from openautoglm.search.store import TrialRecord

    ranked = [
        TrialRecord(i, "frozen_encoder", {}, "complete", 0, score=0.9 - i / 100) for i in range(10)
    ]
    ranked += [TrialRecord(20, "tfidf_lr", {}, "complete", 0, score=0.5)]
    pool = ensemble_pool(ranked)
    assert len(pool) == ENSEMBLE_POOL and pool[-1].family == "tfidf_lr"
    assert [r.number for r in pool[:3]] == [0, 1, 2]


def test_a_target_on_an_error_metric_stops_the_search_when_the_error_is_below_it(tmp_path) -> None:
    # errors are maximised negated; a target of RMSE 0.9 on a 0-4 score is met at once
    rng = np.random.default_rng(0)
    good = rng.integers(0, 5, 120)
    frame = pd.DataFrame({
        "text": [" ".join(["good"] * g + ["film", f"w{i}"]) for i, g in enumerate(good)],
        "score": good + rng.random(120) / 10,
    })  # fmt: skip
    path = tmp_path / "scores.csv"
    frame.to_csv(path, index=False)
    task = AutoTask(
        dataset_path=path,
        run_dir=tmp_path / "run",
        task="text_regression",
        metric="rmse",
        target_score=0.9,
        families=["tfidf_ridge"],
        n_jobs=1,
    )
    result = task.run(max_trials=6)
    assert len(result.leaderboard) < 6
    events = [json.loads(line) for line in (tmp_path / "run" / "search_log.jsonl").open()]
    assert any("target score 0.9 met" in e.get("reason", "") for e in events)


def test_at_the_deadline_with_no_trial_finished_the_cheapest_running_one_is_kept(
    tmp_path,
) -> None:
    from openautoglm.engine.local import LocalExecutor
    from openautoglm.search.clock import RunClock
    from openautoglm.search.runner import SearchRunner
    from openautoglm.search.settings import SearchSettings

    frame = make_texts(60)
    labels = sorted(set(frame.label))
    y = np.array([labels.index(label) for label in frame.label])
    clock = RunClock(budget_s=600)

    def spend_the_budget(event: dict) -> None:
        if event["event"] == "trial_started":
            clock.started -= 1_000  # as if the whole budget went by while the trial ran

    settings = SearchSettings(
        families=["nbsvm", "complement_nb"], n_jobs=2, time_budget_s=600, strategy="serial"
    )
    with LocalExecutor(cpus=2) as executor:
        runner = SearchRunner(
            list(frame.text), y, "en", tmp_path, settings, executor, clock, spend_the_budget
        )
        outcome = runner.run()
    events = [e["event"] for e in runner.events]
    # the running trial ends and is the run's model: no fallback started from nothing
    assert "cheapest_kept" in events and "fallback_started" not in events
    finished = [r for r in outcome.records if r.state == "complete"]
    assert [r.family for r in finished] == ["nbsvm"] and finished[0].score > 0.8


def test_a_tiny_budget_skips_sentence_embeddings_without_starting_the_encoder(tmp_path) -> None:
    path = tmp_path / "data.csv"
    make_texts(40).to_csv(path, index=False)
    events: list[dict] = []
    task = AutoTask(
        dataset_path=path,
        run_dir=tmp_path / "run",
        families=["complement_nb", "frozen_encoder"],
        n_jobs=2,
    )
    result = task.run(time_budget=20, on_event=events.append)
    featurized = next(e for e in events if e["event"] == "featurized")
    assert "no time for sentence embeddings" in featurized["embeddings_skipped"]
    assert set(result.leaderboard.family) == {"complement_nb"}
