"""Decisions of the search's policies: which family is dropped and when; when to fine-tune."""

import math
from dataclasses import dataclass

from openautoglm.search.finetune_policy import FinetunePolicy, FinetuneState
from openautoglm.search.finetune_schedule import FINETUNE_RUNS
from openautoglm.search.pruning import DROP_MARGIN, families_to_drop, family_to_keep


@dataclass
class T:
    family: str
    state: str = "complete"
    score: float | None = None
    seconds: float | None = 1.0


def test_a_family_far_behind_after_two_trials_is_dropped() -> None:
    trials = [T("lr", score=0.90), T("nb", score=0.80), T("nb", score=0.84)]
    drops = families_to_drop({"lr", "nb"}, trials, budget_left=100.0)
    assert [d.family for d in drops] == ["nb"] and f"over {DROP_MARGIN} below" in drops[0].reason


def test_one_weak_trial_is_not_enough_to_drop_a_family() -> None:
    trials = [T("lr", score=0.90), T("nb", score=0.50)]
    assert families_to_drop({"lr", "nb"}, trials, budget_left=100.0) == []


def test_a_family_within_the_margin_stays() -> None:
    trials = [T("lr", score=0.90), T("nb", score=0.86), T("nb", score=0.87)]
    assert families_to_drop({"lr", "nb"}, trials, budget_left=100.0) == []


def test_a_family_whose_trials_only_fail_is_dropped() -> None:
    trials = [T("lr", score=0.9), T("svm", state="failed"), T("svm", state="timeout")]
    assert [d.family for d in families_to_drop({"lr", "svm"}, trials, 100.0)] == ["svm"]


def test_a_family_slower_than_the_time_left_is_dropped() -> None:
    trials = [T("lr", score=0.9, seconds=5.0), T("ft", score=0.92, seconds=300.0)]
    drops = families_to_drop({"lr", "ft"}, trials, budget_left=120.0)
    assert [d.family for d in drops] == ["ft"] and "300 s" in drops[0].reason


def test_nothing_is_dropped_before_any_trial_finished() -> None:
    assert families_to_drop({"lr"}, [T("lr", state="failed")], budget_left=1.0) == []


def test_when_all_are_dropped_the_best_family_is_kept() -> None:
    trials = [T("lr", score=0.7), T("nb", score=0.8), T("svm", state="failed")]
    assert family_to_keep(trials, ["lr", "nb", "svm"]) == "nb"
    assert family_to_keep([], ["lr", "nb"]) == "lr"


def test_fine_tuning_probes_then_runs_while_it_is_best_and_time_allows() -> None:
    policy = FinetunePolicy.for_families(["lr", "finetune"])
    assert policy.state is FinetuneState.TODO and policy.has_work
    policy.start_probe()
    assert policy.blocks_others and not policy.has_work
    policy.probe_done(epoch_s=50.0)
    first = policy.next_run(affordable_s=1000.0, cap_reached=False)
    assert first.params is not None and first.params["epochs"] == FINETUNE_RUNS[0]["epochs"]
    assert policy.state is FinetuneState.RUNNING and policy.runs == 1
    history = [{"epoch": 3.0, "seconds": 120.0}]
    assert policy.after_run(score=0.9, best_other=0.85, history=history)
    assert policy.epoch_s == 40.0  # the measured epochs replace the probe's estimate
    second = policy.next_run(affordable_s=1000.0, cap_reached=False)
    assert second.params is not None and second.params["seed"] != first.params["seed"]


def test_fine_tuning_stops_when_it_is_not_the_best_or_failed() -> None:
    policy = FinetunePolicy(FinetuneState.RUNNING, runs=1, epoch_s=10.0)
    assert not policy.after_run(score=0.80, best_other=0.85, history=None)
    assert policy.state is FinetuneState.DONE
    policy = FinetunePolicy(FinetuneState.RUNNING, runs=1, epoch_s=10.0)
    assert not policy.after_run(score=None, best_other=-math.inf, history=None)


def test_no_run_when_the_cap_is_reached_or_two_epochs_do_not_fit() -> None:
    policy = FinetunePolicy(FinetuneState.TODO, epoch_s=100.0)
    assert policy.next_run(affordable_s=1e6, cap_reached=True).reason == "max_trials reached"
    assert policy.state is FinetuneState.DONE
    policy = FinetunePolicy(FinetuneState.TODO, epoch_s=100.0)
    decision = policy.next_run(affordable_s=150.0, cap_reached=False)
    assert decision.params is None and "2 epoch(s)" in decision.reason


def test_no_budget_still_schedules_fine_tuning() -> None:
    policy = FinetunePolicy(FinetuneState.TODO, epoch_s=30.0)
    assert policy.next_run(affordable_s=math.inf, cap_reached=False).params is not None


def test_resume_probes_again_or_reschedules_the_interrupted_run() -> None:
    policy = FinetunePolicy.for_families(["finetune"])
    policy.restore({"state": "probing", "epoch_s": 0.0}, runs_done=0)
    assert policy.state is FinetuneState.TODO
    policy = FinetunePolicy.for_families(["finetune"])
    policy.restore({"state": "running", "epoch_s": 42.0}, runs_done=1)
    assert policy.state is FinetuneState.RESUME and policy.epoch_s == 42.0 and policy.runs == 1
    policy = FinetunePolicy.for_families(["lr"])  # not a family of this run: stays off
    policy.restore({"state": "running", "epoch_s": 42.0}, runs_done=0)
    assert policy.state is FinetuneState.NONE
    snapshot = FinetunePolicy(FinetuneState.DONE, epoch_s=3.0).snapshot()
    assert snapshot == {"state": "done", "epoch_s": 3.0}
