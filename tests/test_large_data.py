"""Large training sets: the search runs on a stratified sample, the refit fits the budget."""

import json

import numpy as np
import pytest
from conftest import make_texts

import openautoglm.refit_step as refit_step
import openautoglm.workflow as workflow
from openautoglm import AutoTask
from openautoglm.search.clock import RunClock
from openautoglm.search.settings import stratified_rows
from openautoglm.search.store import TrialRecord


def test_stratified_rows_keep_every_class_and_their_shares() -> None:
    y = np.array([0] * 900 + [1] * 99 + [2])  # class 2 has a single row
    rows = stratified_rows(y, 100, seed=0)
    assert rows is not None and set(y[rows]) == {0, 1, 2}
    assert 99 <= len(rows) <= 101 and (np.diff(rows) > 0).all()
    assert abs((y[rows] == 1).mean() - 0.099) < 0.02
    assert stratified_rows(y, 1000, seed=0) is None
    assert (stratified_rows(y, 100, seed=0) == rows).all()  # seeded: a resume gets the same


def _record(fit_s: float) -> TrialRecord:
    return TrialRecord(0, "tfidf_lr", {}, "complete", 0, score=0.9, fit_s=fit_s)


def test_refit_share_shrinks_only_when_the_full_refit_would_overrun() -> None:
    clock = RunClock(budget_s=100, predict_rows=0, n_jobs=1, refit_scale=10.0)
    assert clock.refit_share([_record(1.0)]) == 1.0  # 16 s of refit fits in 100 s
    share = clock.refit_share([_record(20.0)])  # 320 s of refit does not
    assert 0.25 < share < 0.35
    # two members on two cores take as long as the slower one, not half the sum
    two = RunClock(budget_s=None, n_jobs=2, refit_scale=10.0)
    assert two.refit_seconds([_record(10.0), _record(1.0)]) == pytest.approx(160.0)
    unlimited = RunClock(budget_s=None, refit_scale=10.0)
    assert unlimited.refit_share([_record(1e6)]) == 1.0


def test_a_large_training_set_is_searched_on_a_sample_and_refit_on_all(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workflow, "SEARCH_MAX_ROWS", 60)
    path = tmp_path / "train.csv"
    make_texts(40).to_csv(path, index=False)  # 120 rows
    result = AutoTask(
        dataset_path=path, run_dir=tmp_path / "run", families=["complement_nb"], n_jobs=1
    ).run(max_trials=2)
    assert any("stratified sample of 60" in note for note in result.notes), result.notes
    assert not any("was refit on" in note for note in result.notes)
    for oof in (tmp_path / "run" / "trials").glob("*/oof.npy"):
        assert np.load(oof).shape[0] == 60  # trials saw the sample only
    # the refit saw every training row, not only the sample
    (member,) = result.model.model.members
    assert member.classifier_.class_count_.sum() == result.profile["rows_train"] > 60
    leaderboard = json.loads((tmp_path / "run" / "leaderboard.json").read_text())
    assert all(r["state"] == "complete" for r in leaderboard)


def test_when_every_refit_fails_the_fastest_member_is_refit_on_the_sample(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workflow, "SEARCH_MAX_ROWS", 60)
    # every planned refit gets no rows, so it fails in its worker as an overrun would
    monkeypatch.setattr(refit_step.Refitter, "rows", lambda self, data, *a: ([], data.train_y[:0]))
    path = tmp_path / "train.csv"
    make_texts(40).to_csv(path, index=False)
    result = AutoTask(
        dataset_path=path,
        run_dir=tmp_path / "run",
        families=["complement_nb", "tfidf_lr"],
        n_jobs=1,
    ).run(max_trials=3)
    (note,) = [n for n in result.notes if "its fastest member" in n]
    assert "on 60 of the" in note  # the search's sample, not the failed full refit
    assert len(result.model.model.members) == 1 and result.metrics["accuracy"] > 0.8
