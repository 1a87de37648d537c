"""The run's trials, in one place: the Optuna study (any storage URL), extras in user_attrs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import optuna
from optuna.trial import FrozenTrial, TrialState

from openautoglm.db.engine import retry_on_schema_race

#: a trial's outcomes that count against the trial cap (interrupted ones are run again)
COUNTED = ("complete", "failed", "timeout", "crashed")
#: the TrialRecord fields kept in a trial's user_attrs
_EXTRAS = ("fit_s", "predict_rows_per_s", "seconds", "oof_path", "model_dir", "error")


@dataclass
class TrialRecord:
    """One row of the leaderboard."""

    number: int
    family: str
    params: dict[str, Any]
    state: str  # running, complete, failed, timeout, crashed, interrupted
    round: int
    score: float | None = None
    fit_s: float | None = None
    predict_rows_per_s: float | None = None
    seconds: float | None = None
    oof_path: str | None = None
    model_dir: str | None = None
    error: str | None = None


@dataclass
class Redo:
    """A trial an earlier process left running: the same configuration is run again."""

    number: int
    family: str
    params: dict[str, Any]
    fixed: dict[str, Any]  # the sampler's parameters, to enqueue again (empty: fine-tuning)


#: the study's name in a run folder's own study.db
DEFAULT_STUDY = "search"


def shared_study_name(run_dir: Any) -> str:
    """A run's study name in a storage shared by many runs: its folder name and path hash."""
    path = str(Path(run_dir).resolve())
    return f"autoglm-{Path(path).name}-{hashlib.sha256(path.encode()).hexdigest()[:10]}"


def study_url(run_dir: Any) -> str:
    """The default storage: an SQLite file in the run folder."""
    return f"sqlite:///{run_dir}/study.db"


class TrialStore:
    """Every trial of a run is a trial of one Optuna study.

    Sampled trials carry the sampler's parameters; fine-tuning runs are trials of the same
    study with no sampled parameters. Either way the family, the configuration, the outcome
    and the extras (fit time, out-of-fold file, error, ...) are user_attrs, so the
    leaderboard and a resume read the study alone. Never leaves a WAITING trial behind:
    ``enqueue`` is always followed by ``ask``, so ``ask`` gets the trial just enqueued.
    """

    def __init__(
        self,
        url: str,
        sampler: optuna.samplers.BaseSampler | None = None,
        study_name: str = DEFAULT_STUDY,
    ) -> None:
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        self.url = url
        self.study = retry_on_schema_race(lambda: optuna.create_study(
            study_name=study_name, storage=url, sampler=sampler, direction="maximize",
            load_if_exists=True,
        ))  # fmt: skip

    # ------------------------------------------------------------- asking
    def ask(self, fixed: dict[str, Any] | None = None, **attrs: Any) -> optuna.trial.Trial:
        """A new trial (with ``fixed`` parameters for the sampler, and user_attrs)."""
        if fixed is not None or attrs:
            self.study.enqueue_trial(fixed or {}, user_attrs=attrs)
        return self.study.ask()

    def start(self, trial: optuna.trial.Trial, family: str, params: dict, round_: int) -> None:
        """Record what the trial runs: its family and configuration."""
        for key, value in {"family": family, "config": params, "round": round_}.items():
            trial.set_user_attr(key, value)

    def skip(self, trial: optuna.trial.Trial) -> None:
        """A sampled trial that will not run (its family was dropped)."""
        self.study.tell(trial, state=TrialState.PRUNED)

    def finish(self, trial: optuna.trial.Trial, record: TrialRecord) -> None:
        """Record the outcome (committed by the storage before this returns)."""
        for key in _EXTRAS:
            trial.set_user_attr(key, getattr(record, key))
        trial.set_user_attr("outcome", record.state)
        if record.state == "complete":
            self.study.tell(trial, record.score)
        else:
            self.study.tell(trial, state=TrialState.FAIL)

    # ------------------------------------------------------------ reading
    def records(self) -> list[TrialRecord]:
        """Every trial that ran to an outcome, by number (running and interrupted ones left out)."""
        out = []
        for trial in self.study.get_trials(deepcopy=False):
            record = to_record(trial)
            if record is not None and record.state in COUNTED:
                out.append(record)
        return out

    def reconcile(self) -> list[Redo]:
        """After a crash: trials left running end as interrupted; returns what to run again."""
        for _ in self.study.get_trials(deepcopy=False, states=(TrialState.WAITING,)):
            self.study.tell(self.study.ask(), state=TrialState.FAIL)  # enqueued, never started
        redo = []
        for trial in self.study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
            # FAIL with no outcome attribute reads back as "interrupted" (see to_record)
            self.study.tell(trial.number, state=TrialState.FAIL)
            attrs = trial.user_attrs
            if "config" in attrs:  # it had started a job
                redo.append(Redo(trial.number, attrs["family"], attrs["config"], trial.params))
        return redo


def to_record(trial: FrozenTrial) -> TrialRecord | None:
    """A study trial as a leaderboard row (None for a trial that never started a job)."""
    attrs = trial.user_attrs
    if "config" not in attrs:  # asked, but no job was started for it
        return None
    if trial.state == TrialState.RUNNING:
        state = "running"
    elif trial.state == TrialState.COMPLETE:
        state = "complete"
    else:  # ended by us with an outcome, or by the end of its process (no outcome)
        state = attrs.get("outcome", "interrupted")
    return TrialRecord(
        number=trial.number,
        family=attrs["family"],
        params=attrs["config"],
        state=state,
        round=int(attrs.get("round", 0)),
        score=trial.value if trial.state == TrialState.COMPLETE else None,
        **{key: attrs.get(key) for key in _EXTRAS},
    )
