import math

from openautoglm.search.finetune_schedule import FINETUNE_RUNS, measured_epoch_s, next_finetune


def test_first_run_is_capped_by_its_estimate_and_the_time_left() -> None:
    params, _ = next_finetune(0, epoch_s=50.0, affordable_s=1000.0)
    assert params is not None
    assert params["max_time_s"] == FINETUNE_RUNS[0]["epochs"] * 50.0 * 1.5
    params, _ = next_finetune(0, epoch_s=50.0, affordable_s=150.0)
    assert params is not None and params["epochs"] == 2 and params["max_time_s"] == 150.0


def test_no_run_when_two_epochs_do_not_fit_or_all_runs_are_done() -> None:
    params, reason = next_finetune(0, epoch_s=100.0, affordable_s=200.0)
    assert params is None and "2 epoch(s)" in reason
    params, reason = next_finetune(len(FINETUNE_RUNS), epoch_s=1.0, affordable_s=1e6)
    assert params is None and "done" in reason


def test_a_follow_up_run_shrinks_to_the_epochs_that_fit() -> None:
    params, _ = next_finetune(1, epoch_s=100.0, affordable_s=200.0)
    assert params is not None and params["epochs"] == 1 and params["max_time_s"] == 150.0
    params, reason = next_finetune(1, epoch_s=100.0, affordable_s=100.0)
    assert params is None and "1 epoch(s)" in reason


def test_follow_up_runs_differ_for_a_diverse_ensemble() -> None:
    seen = {(p["seed"], p["lr"]) for p in FINETUNE_RUNS}
    assert len(seen) == len(FINETUNE_RUNS)


def test_measured_epoch_seconds_prefer_the_real_history() -> None:
    history = [{"epoch": 0.5, "seconds": 30.0}, {"epoch": 2.0, "seconds": 110.0}]
    assert measured_epoch_s(history, fallback=40.0) == 55.0
    assert measured_epoch_s(None, fallback=40.0) == 40.0
    assert measured_epoch_s([{"epoch": 0.0, "seconds": 0.0}], fallback=40.0) == 40.0


def test_no_time_budget_gets_the_planned_epochs() -> None:
    # a trial cap with no budget leaves an infinite affordable time (inf // x is NaN)
    for done in range(len(FINETUNE_RUNS)):
        params, _ = next_finetune(done, epoch_s=50.0, affordable_s=math.inf)
        assert params is not None
        assert params["epochs"] == FINETUNE_RUNS[done]["epochs"]
        assert params["max_time_s"] == FINETUNE_RUNS[done]["epochs"] * 50.0 * 1.5
    params, _ = next_finetune(0, epoch_s=0.0, affordable_s=math.inf)
    assert params is not None and params["epochs"] == FINETUNE_RUNS[0]["epochs"]
    assert params["max_time_s"] is None  # no cap, and no Infinity in the JSON files
