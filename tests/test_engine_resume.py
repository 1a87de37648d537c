"""Resume after kill -9 at random points, and the lock against a second runner."""

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import make_texts
from optuna.trial import FrozenTrial, TrialState

from openautoglm import AutoTask, load
from openautoglm.engine.state import RunLocked, RunState
from openautoglm.search.store import TrialStore, study_url

pytestmark = pytest.mark.slow

FAMILIES = "tfidf_lr,complement_nb,nbsvm,tfidf_svm"
TRIALS = 10


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "openautoglm.cli", *args]


def _env() -> dict[str, str]:
    src = str(Path(__file__).resolve().parents[1] / "src")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}


def _wait_started(run_dir: Path, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if (run_dir / "state.db").is_file():
            state = RunState(run_dir / "state.db")
            try:
                if state.get("spec") is not None:
                    return
            finally:
                state.close()
        time.sleep(0.2)
    stderr = process.stderr.read().decode() if process.poll() is not None and process.stderr else ""
    raise AssertionError(f"the run did not start (exit {process.poll()}): {stderr[-2000:]}")


def _steps_at(run_dir: Path) -> tuple[str | None, dict[str, dict]]:
    """The run's status and each started step's row (status, attempts, result) in state.db."""
    state = RunState(run_dir / "state.db")
    try:
        return state.get("status"), {name: state.step(name) for name in state.steps()}
    finally:
        state.close()


def _wait_step_done(run_dir: Path, process: subprocess.Popen, name: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if _steps_at(run_dir)[1].get(name, {}).get("status") == "done":
            return
        time.sleep(0.1)


def _run_and_kill(args: list[str], run_dir: Path, delay: float) -> bool:
    """Start a run, kill -9 it ``delay`` s after its first step; whether it was still running."""
    process = subprocess.Popen(_cli(*args), env=_env(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)  # fmt: skip
    _wait_started(run_dir, process)
    _wait_step_done(run_dir, process, "load")  # so that some step has a result to restore
    time.sleep(delay)
    ended = process.poll() is not None
    process.send_signal(signal.SIGKILL)  # a no-op on a process that already ended
    process.wait()
    stderr = process.stderr.read().decode() if process.stderr else ""
    assert not ended or process.returncode == 0, stderr[-3000:]
    status, steps = _steps_at(run_dir)
    return not ended and status == "running" and steps.get("save", {}).get("status") != "done"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kill_9_then_resume_redoes_nothing_and_ends_valid(tmp_path: Path, seed: int) -> None:
    data = tmp_path / "data.csv"
    make_texts(60, seed=seed).to_csv(data, index=False)
    delay = random.Random(seed).uniform(0.5, 8.0)  # anywhere from featurizing to saving
    for attempt in range(3):  # a fast machine may finish first: kill earlier then
        # a new folder each time: the killed run's orphaned workers may still write to the old
        run_dir = tmp_path / f"run{attempt}"
        args = ["run", "--data", str(data), "--out", str(run_dir), "--max-trials", str(TRIALS),
                "--families", FAMILIES, "--n-jobs", "2", "--json"]  # fmt: skip
        if _run_and_kill(args, run_dir, delay):
            break
        delay /= 3
    else:
        pytest.skip("the run finished before every kill")
    status, before = _steps_at(run_dir)
    assert status == "running"  # killed mid-run: nothing got to mark it otherwise
    trials_at_kill = _study_trials(run_dir)
    assert any(row["status"] != "done" for row in before.values()) or "save" not in before
    done = subprocess.run(_cli("run", "--resume", str(run_dir), "--json"), env=_env(),
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(done.stdout)
    _, after = _steps_at(run_dir)
    for name, row in before.items():  # a finished step is restored: no new attempt, same result
        if row["status"] == "done":
            assert after[name]["attempts"] == row["attempts"], f"{name} ran again"
            assert after[name]["result"] == row["result"]
        else:  # the step the kill cut short ran again
            assert after[name]["attempts"] > row["attempts"], f"{name} was not run again"
    _assert_no_trial_ran_twice(run_dir, trials_at_kill)
    assert len(TrialStore(study_url(run_dir)).records()) == TRIALS  # the cap spans both runs
    state = RunState(run_dir / "state.db")
    assert state.get("status") == "done" and set(state.steps().values()) == {"done"}
    state.close()
    assert summary["metrics"]["accuracy"] > 0.8
    model = load(run_dir / "model")  # hashes checked: the bundle is whole
    assert model.predict(["goal match team coach league"]) == ["sports"]


def test_a_second_runner_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    make_texts(30).to_csv(data, index=False)
    run_dir = tmp_path / "run"
    AutoTask(dataset_path=data, run_dir=run_dir, families=["complement_nb"]).run(max_trials=1)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, engine_tasks; engine_tasks.hold_lock(sys.argv[1], 30)",
         str(run_dir)], env={**_env(), "PYTHONPATH": f"{_env()['PYTHONPATH']}{os.pathsep}"
         f"{Path(__file__).parent}"},
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            lock = (run_dir / ".lock").read_text().strip()
            if lock == str(holder.pid):
                break
            time.sleep(0.1)
        with pytest.raises(RunLocked, match=f"pid {holder.pid}"):
            AutoTask.resume(run_dir)
        with pytest.raises(RunLocked):
            AutoTask(dataset_path=data, run_dir=run_dir).run(max_trials=1, overwrite=True)
        assert (run_dir / "model").is_dir()  # nothing of the locked run was touched
    finally:
        holder.kill()
        holder.wait()


def _study_trials(run_dir: Path) -> dict[int, FrozenTrial]:
    if not (run_dir / "study.db").is_file():
        return {}
    study = TrialStore(study_url(run_dir)).study
    return {t.number: t for t in study.get_trials(deepcopy=True)}


def _assert_no_trial_ran_twice(run_dir: Path, before: dict[int, FrozenTrial]) -> None:
    """Trials finished before the interruption are untouched; only unfinished ones re-ran."""
    after = _study_trials(run_dir)
    assert any(t.state == TrialState.COMPLETE for t in after.values())
    for number, trial in before.items():
        if trial.state == TrialState.COMPLETE:
            assert after[number].state == TrialState.COMPLETE
            assert after[number].datetime_complete == trial.datetime_complete
    for trial in after.values():
        redo_of = trial.user_attrs.get("retry_of")
        if redo_of is not None:  # a re-run is of a trial that had not finished
            assert after[redo_of].state != TrialState.COMPLETE, f"trial {redo_of} ran twice"


def _lock_free(run_dir: Path) -> bool:
    from openautoglm.engine.state import RunLock

    try:
        RunLock(run_dir).acquire().release()
    except RunLocked:
        return False
    return True


@pytest.mark.parametrize(
    ("budget", "seed"), [(["--time-budget", "40s"], 0), (["--time-budget", "30s"], 1),
                         (["--max-trials", "60"], 2)],
)  # fmt: skip
def test_ctrl_c_then_resume_ends_with_a_model(tmp_path: Path, budget: list[str], seed: int) -> None:
    data = tmp_path / "data.csv"
    make_texts(60, seed=seed).to_csv(data, index=False)
    run_dir = tmp_path / "run"
    args = ["run", "--data", str(data), "--out", str(run_dir), *budget, "--families", FAMILIES,
            "--n-jobs", "2", "--json"]  # fmt: skip
    # a new session, as a terminal's Ctrl-C reaches the whole foreground process group
    process = subprocess.Popen(_cli(*args), env=_env(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, start_new_session=True)  # fmt: skip
    _wait_started(run_dir, process)
    time.sleep(random.Random(seed).uniform(1.0, 12.0))
    if process.poll() is not None:
        pytest.skip("the run finished before the interrupt")  # the machine was fast
    os.killpg(process.pid, signal.SIGINT)
    while process.poll() is None:  # the lock is held until the process has written its last
        if _lock_free(run_dir):  # only a run that had already finished gives it back early
            state = RunState(run_dir / "state.db")
            assert state.get("status") == "done", "lock released while the run still runs"
            state.close()
        time.sleep(0.05)
    stderr = process.stderr.read().decode() if process.stderr else ""
    if process.returncode == 0:
        pytest.skip("the run finished before the interrupt reached it")
    assert process.returncode == 130, stderr[-2000:]
    assert f"--resume {run_dir}" in " ".join(stderr.split())
    state = RunState(run_dir / "state.db")
    assert state.get("status") == "interrupted"
    state.close()
    trials_at_interrupt = _study_trials(run_dir)
    done = subprocess.run(_cli("run", "--resume", str(run_dir), "--json"), env=_env(),
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    _assert_no_trial_ran_twice(run_dir, trials_at_interrupt)
    state = RunState(run_dir / "state.db")
    assert state.get("status") == "done" and set(state.steps().values()) == {"done"}
    state.close()
    model = load(run_dir / "model")
    assert model.predict(["goal match team coach league"]) == ["sports"]


def test_resume_with_the_budget_spent_still_ends_with_a_model(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    make_texts(60).to_csv(data, index=False)
    run_dir = tmp_path / "run"
    task = AutoTask(dataset_path=data, run_dir=run_dir, families=FAMILIES.split(","), n_jobs=1)
    events: list[dict] = []

    def interrupt_after_first_trial(event: dict) -> None:
        if event.get("event") == "trial_started":
            raise KeyboardInterrupt  # as Ctrl-C would, once the search is under way
        events.append(event)

    with pytest.raises(KeyboardInterrupt):
        task.run(time_budget=20, on_event=interrupt_after_first_trial)
    state = RunState(run_dir / "state.db")
    state.put("elapsed_s", 60.0)  # as if the whole budget went by before the interrupt
    state.close()
    copy = tmp_path / "copy"
    shutil.copytree(run_dir, copy)

    result = AutoTask.resume(run_dir)  # what is left of the budget: nothing
    assert result.metrics["accuracy"] > 0.8
    log = [json.loads(line) for line in (run_dir / "search_log.jsonl").open()]
    assert any(e["event"] == "fallback_started" for e in log)
    assert any("budget" in note for note in result.notes)

    result = AutoTask.resume(copy, time_budget=20)  # a fresh budget, counted from now
    log = [json.loads(line) for line in (copy / "search_log.jsonl").open()]
    assert not any(e["event"] == "fallback_started" for e in log)
    assert (result.leaderboard.state == "complete").sum() >= 2
