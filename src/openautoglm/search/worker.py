"""``autoglm worker RUN``: run trials of another process's search, through a shared study.

The run (started with ``--study-storage URL``) publishes what to search in its study; a worker
on the same machine or on another one that sees the run folder (a shared file system) rebuilds
the same rows and folds, asks the shared study for configurations, runs them and reports
back. The run's ensemble then draws on every process's trials. With a trial cap, each trial
takes a numbered ticket first, so the total is exact and no slot runs twice.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import optuna

from openautoglm.data.prepare import prepare_data
from openautoglm.engine.state import RunState
from openautoglm.errors import OpenAutoGLMError
from openautoglm.search.settings import (
    SEARCH_MAX_ROWS,
    search_splits,
    search_strata,
    stratified_rows,
)
from openautoglm.search.space import suggest_config
from openautoglm.search.store import TrialRecord, TrialStore, shared_study_name
from openautoglm.search.tickets import TrialTickets
from openautoglm.search.trial import TrialJob, run_trial
from openautoglm.spec import TaskSpec

#: how long a worker waits for the run to publish its search
WAIT_FOR_SEARCH_S = 600.0


class WorkerError(OpenAutoGLMError, RuntimeError):
    """The run cannot be joined; the message says why."""


def run_worker(
    run_dir: str | Path,
    owner: str | None = None,
    wait_s: float = WAIT_FOR_SEARCH_S,
    on_trial: Callable[[TrialRecord], None] | None = None,
) -> int:
    """Run trials for the search of ``run_dir`` until it closes; returns how many ran."""
    run_dir = Path(run_dir).resolve()
    spec, settings = _run_settings(run_dir, wait_s)
    url = settings.get("study_storage")
    if not url:
        raise WorkerError(f"{run_dir} was not started with --study-storage; workers need a "
                          "study in a shared database")  # fmt: skip
    owner = owner or f"{socket.gethostname()}-{os.getpid()}"
    sampler = optuna.samplers.TPESampler(seed=abs(hash(owner)) % 2**31, constant_liar=True)
    store = TrialStore(url, sampler, shared_study_name(run_dir))
    search = _published(store, wait_s)
    task = search.get("task_type", "text_classification")
    texts, y = _searched_rows(spec, settings.get("label_sep"), task)
    if len(y) != search["rows"]:
        raise WorkerError(f"this worker reads {len(y)} rows where the run searches "
                          f"{search['rows']}: the data changed since the run started")  # fmt: skip
    folds, holdout = search_splits(y, search["seed"], task)
    cap = spec.budget.max_trials
    tickets = TrialTickets(url, store.study.study_name, cap) if cap else None
    ran = 0
    while _open(store) and (tickets is None or tickets.claim(owner) is not None):
        record = _one_trial(store, search, owner, texts, y, folds, holdout, run_dir)
        ran += 1
        if on_trial:
            on_trial(record)
    return ran


def _one_trial(
    store: TrialStore,
    search: dict[str, Any],
    owner: str,
    texts: list[str],
    y: np.ndarray,
    folds: list,
    holdout: tuple,
    run_dir: Path,
) -> TrialRecord:
    trial = store.study.ask()  # not store.ask(attrs): that enqueues, and another may pop it
    trial.set_user_attr("worker", owner)
    family, params = suggest_config(trial, search["families"], False, search["language"])
    store.start(trial, family, params, round_=0)
    record = TrialRecord(trial.number, family, params, "running", 0)
    job = TrialJob(
        number=trial.number, family=family, params=params, texts=texts, y=y, folds=folds,
        holdout=holdout, language=search["language"], metric=search["metric"],
        cache_dir=str(run_dir / "cache"), trial_dir=str(run_dir / "trials" / f"{trial.number:04d}"),
        task_type=search.get("task_type", "text_classification"),
    )  # fmt: skip
    start = time.perf_counter()
    try:
        outcome = run_trial(job)
        record.state, record.score = "complete", outcome.score
        record.fit_s, record.predict_rows_per_s = outcome.fit_s, outcome.predict_rows_per_s
        record.oof_path, record.model_dir = outcome.oof_path, outcome.model_dir
    except Exception as exc:  # a failed configuration is a result, not the worker's end
        record.state, record.error = "failed", f"{type(exc).__name__}: {exc}"[-2000:]
    record.seconds = time.perf_counter() - start
    store.finish(trial, record)
    return record


def _run_settings(run_dir: Path, wait_s: float) -> tuple[TaskSpec, dict[str, Any]]:
    """The run's spec and settings, once the run has written them (waiting up to ``wait_s``)."""
    deadline = time.monotonic() + wait_s
    while True:
        if (run_dir / "state.db").is_file():
            state = RunState(run_dir / "state.db")
            try:
                spec_json, settings = state.get("spec"), dict(state.get("settings") or {})
            finally:
                state.close()
            if spec_json is not None and settings:
                return TaskSpec.model_validate(spec_json), settings
        if time.monotonic() > deadline:
            raise WorkerError(f"{run_dir} holds no started run; start `autoglm run` first")
        time.sleep(1.0)


def _published(store: TrialStore, wait_s: float) -> dict[str, Any]:
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        search = store.study.user_attrs.get("autoglm_search")
        if search is not None:
            return search
        time.sleep(1.0)
    raise WorkerError(f"the run did not start its search within {wait_s:.0f} s")


def _open(store: TrialStore) -> bool:
    search = store.study.user_attrs.get("autoglm_search") or {}
    return bool(search.get("open")) and time.time() < search.get("deadline_unix", float("inf"))


def _searched_rows(
    spec: TaskSpec, label_sep: str | None = None, task_type: str = "text_classification"
) -> tuple[list[str], np.ndarray]:
    """The rows the run's search cross-validates on: the same preparation and sample."""
    data = prepare_data(spec, label_sep)
    sample = stratified_rows(search_strata(data.train_y, task_type), SEARCH_MAX_ROWS, spec.seed)
    if sample is None:
        return data.train_texts, data.train_y
    return [data.train_texts[i] for i in sample], data.train_y[sample]
