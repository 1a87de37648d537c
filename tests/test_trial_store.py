"""The Optuna study is the one record of trials: outcomes, extras, and what resume redoes."""

import optuna

from openautoglm.search.store import TrialRecord, TrialStore, study_url


def _store(tmp_path) -> TrialStore:
    return TrialStore(study_url(tmp_path), optuna.samplers.RandomSampler(seed=0))


def _run(store: TrialStore, fixed: dict | None, family: str, params: dict, **attrs):
    trial = store.ask(fixed, **attrs)
    if fixed:
        trial.suggest_categorical("family", ["lr", "nb"])
        trial.suggest_float("lr.C", 0.1, 10.0, log=True)
    store.start(trial, family, params, round_=1)
    return trial


def test_finished_trials_read_back_with_their_extras(tmp_path) -> None:
    store = _store(tmp_path)
    trial = _run(store, {"family": "lr"}, "lr", {"C": 2.0})
    record = TrialRecord(trial.number, "lr", {"C": 2.0}, "complete", 1, score=0.9, fit_s=1.5,
                         oof_path="trials/0000/oof.npy")  # fmt: skip
    store.finish(trial, record)
    failed = _run(store, {"family": "nb"}, "nb", {})
    store.finish(failed, TrialRecord(failed.number, "nb", {}, "timeout", 1, error="too slow"))
    reread = _store(tmp_path).records()  # another process, the same storage URL
    assert [(r.family, r.state, r.score) for r in reread] == [
        ("lr", "complete", 0.9),
        ("nb", "timeout", None),
    ]
    assert reread[0].fit_s == 1.5 and reread[0].oof_path == "trials/0000/oof.npy"
    assert reread[1].error == "too slow"


def test_fine_tuning_runs_are_trials_of_the_same_study(tmp_path) -> None:
    store = _store(tmp_path)
    trial = store.ask({}, family="finetune")
    store.start(trial, "finetune", {"epochs": 3}, round_=0)
    store.finish(trial, TrialRecord(trial.number, "finetune", {"epochs": 3}, "complete", 0, 0.95))
    (record,) = store.records()
    assert record.family == "finetune" and record.params == {"epochs": 3}
    assert store.study.trials[0].params == {}  # nothing sampled: TPE's choices stay its own


def test_resume_reruns_a_trial_left_running_and_keeps_finished_ones(tmp_path) -> None:
    store = _store(tmp_path)
    done = _run(store, {"family": "lr"}, "lr", {"C": 1.0})
    store.finish(done, TrialRecord(done.number, "lr", {"C": 1.0}, "complete", 1, 0.8))
    running = _run(store, {"family": "nb"}, "nb", {"alpha": 0.5})
    store.ask({"family": "lr"})  # asked but never started: nothing to redo
    store.study.enqueue_trial({"family": "lr"})  # enqueued when the process died
    resumed = _store(tmp_path)
    redo = resumed.reconcile()
    expected = [(running.number, "nb", {"alpha": 0.5})]
    assert [(r.number, r.family, r.params) for r in redo] == expected
    assert redo[0].fixed["family"] == "nb"  # the sampler gets the same parameters again
    assert [r.number for r in resumed.records()] == [done.number]  # interrupted: not counted
    states = {t.state for t in resumed.study.get_trials(deepcopy=False)}
    assert optuna.trial.TrialState.RUNNING not in states
    assert optuna.trial.TrialState.WAITING not in states
    again = resumed.ask(redo[0].fixed, retry_of=redo[0].number)
    assert again.suggest_categorical("family", ["lr", "nb"]) == "nb"
