"""The feedback optimizer: rounds of Optuna trials until the target, the trial cap or the budget."""

from __future__ import annotations

import json
import math
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import optuna
from optuna.trial import TrialState

from openautoglm.engine.executor_base import Executor
from openautoglm.engine.local import Task, TaskResult
from openautoglm.engine.state import RunState
from openautoglm.engine.steps import Interrupted
from openautoglm.evaluate.task_metrics import target_on_search_scale
from openautoglm.models.catalog import family_class
from openautoglm.plan.dag import RetryPolicy
from openautoglm.search.clock import RunClock
from openautoglm.search.finetune_policy import FinetunePolicy, FinetuneState
from openautoglm.search.portfolio import WarmStart, warm_starts
from openautoglm.search.pruning import families_to_drop, family_to_keep
from openautoglm.search.settings import (
    SearchOutcome,
    SearchSettings,
    search_splits,
)
from openautoglm.search.space import suggest_config
from openautoglm.search.store import (
    DEFAULT_STUDY,
    Redo,
    TrialRecord,
    TrialStore,
    shared_study_name,
    study_url,
)
from openautoglm.search.tickets import TrialTickets
from openautoglm.search.trial import TrialJob, TrialOutcome, probe_finetune, run_trial

FINETUNE = "finetune"
#: the most of the run's budget one ordinary trial may take before it is stopped
TRIAL_SHARE = 0.25
#: fastest families first: the one trial a run still gets when its budget is spent without a
#: finished trial, so that it always ends with a model
FALLBACK_ORDER = ["complement_nb", "tfidf_lr", "tfidf_ridge", "pair_lr", "pair_ridge", "nbsvm",
                  "tfidf_svm", "tfidf_svr", "fasttext", "frozen_encoder", "encoder_ridge",
                  "biencoder_lr", "biencoder_ridge", "encoder_gbr"]  # fmt: skip
#: how long a last-resort step (fallback trial, fallback refit) may take, whatever the budget
FALLBACK_TIMEOUT_S = 600.0


class SearchRunner:
    """Runs the trials of one run: warm start, a fine-tuning slot when it fits, then TPE rounds."""

    def __init__(
        self,
        texts: list[str],
        y: np.ndarray,
        language: str,
        run_dir: Path,
        settings: SearchSettings,
        executor: Executor,
        clock: RunClock,
        on_event: Callable[[dict[str, Any]], None] | None = None,
        state: RunState | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.texts, self.y, self.language = texts, y, language
        self.run_dir, self.settings, self.executor = run_dir, settings, executor
        self.clock = clock
        self.on_event = on_event or (lambda event: None)
        self.stop = stop or threading.Event()
        self.tpe_families = [f for f in settings.families if f != FINETUNE]
        self.live = set(self.tpe_families)
        self.records: list[TrialRecord] = []
        self.events: list[dict[str, Any]] = []
        self.round = 0
        self._pending: dict[str, tuple[optuna.trial.Trial, TrialRecord]] = {}
        self._started = 0
        self.finetune = FinetunePolicy.for_families(settings.families)
        self._folds, self.holdout = search_splits(self.y, settings.seed, settings.task_type)
        shared = settings.storage_url is not None
        self.store = TrialStore(
            settings.storage_url or study_url(run_dir),
            self._sampler(),
            shared_study_name(run_dir) if shared else DEFAULT_STUDY,
        )
        # a study shared with `autoglm worker` processes: the trial cap is counted in tickets
        self.tickets = (
            TrialTickets(settings.storage_url, self.store.study.study_name, settings.max_trials)
            if shared and settings.max_trials
            else None
        )
        self._tickets_out = False
        # cheap, usually strong configurations first, so even a tiny budget gets a good model
        self._warm = _first_configurations(settings.warm_start, self.tpe_families) + [
            w for w in warm_starts(language, self.tpe_families, settings.task_type)
            if (w.family, w.params) not in settings.warm_start
        ]  # fmt: skip
        self._redo: list[Redo] = []
        self.state = state
        self._resume()

    def _sampler(self) -> optuna.samplers.BaseSampler:
        return optuna.samplers.TPESampler(
            seed=self.settings.seed,
            multivariate=True,
            constant_liar=True,
            n_startup_trials=len(self.tpe_families) + 2,
        )

    def _resume(self) -> None:
        """Carry on from the trials an earlier, interrupted process left in the study.

        Finished trials are kept (and count against the cap); trials it left running are
        run again with the same configuration; fine-tuning carries on from its saved state.
        """
        self._redo = [r for r in self.store.reconcile() if r.family != FINETUNE]
        self.records = self.store.records()
        self._started = len(self.records)
        self.round = max((r.round for r in self.records), default=0)
        tried = [(r.family, r.params) for r in [*self.records, *self._redo]]
        self._warm = [w for w in self._warm if not _warm_start_tried(w, tried)]
        runs_done = sum(r.family == FINETUNE for r in self.records)
        self.finetune.restore(self.state.get("finetune") if self.state else None, runs_done)
        if self.records or self._redo:
            self._log("search_resumed", trials=len(self.records), redo=len(self._redo),
                      finetune=self.finetune.state)  # fmt: skip

    # --------------------------------------------------------------- the loop
    def run(self) -> SearchOutcome:
        """Run trials until a stop condition holds; returns every trial's record."""
        self._publish(open_=True)
        while True:
            self._check_stop()
            reason = self._stop_reason()
            if reason:
                break
            self._fill_slots()
            for result in self.executor.poll(0.5):
                self._finish(result)
            if not self.executor.busy and not self._can_start():
                reason = self._stop_reason() or "no more trials to run"
                break
        if not self._any_complete():
            self._finish_cheapest()
        for result in self.executor.cancel():
            self._finish(result)
        self._publish(open_=False)
        self._wait_for_workers()
        self._log("search_stopped", reason=reason)
        if not self._any_complete():
            self._fallback()
        # the study is the record: the leaderboard is what it holds, not this process's view
        return SearchOutcome(self.store.records(), self.holdout[1], self.events)

    def _check_stop(self) -> None:
        """On an interrupt, stop the running trials without recording them as finished.

        They stay "running" in the run state, so a resume runs them again, exactly as after
        a kill.
        """
        if self.stop.is_set():
            self.executor.cancel()
            self._log("search_interrupted", running=len(self._pending))
            raise Interrupted("the search was interrupted")

    def _finish_cheapest(self) -> None:
        """The budget is spent and no trial has finished: let the cheapest running one end.

        Cancelling it to start the fallback from nothing would throw its work away; the
        other trials are stopped so that it has the machine, and it gets the fallback's
        time limit.
        """
        running = {
            key: self._pending[key][1].family
            for key in self.executor.running
            if key in self._pending and self._pending[key][1].family in FALLBACK_ORDER
        }
        if not running:
            return
        keep = min(running, key=lambda key: FALLBACK_ORDER.index(running[key]))
        self._log("cheapest_kept", trial=self._pending[keep][1].number, family=running[keep],
                  reason="no trial finished within the budget")  # fmt: skip
        self.executor.extend(keep, FALLBACK_TIMEOUT_S)
        others = [k for k in [*self._pending, "finetune-probe"] if k != keep]
        for result in self.executor.cancel(others):
            self._finish(result)
        self._drain()

    def _any_complete(self) -> bool:
        return any(r.state == "complete" for r in self.records)

    def _drain(self) -> None:
        """Record the running tasks' results as they end, until none is left."""
        while self.executor.busy:
            self._check_stop()
            for result in self.executor.poll(0.5):
                self._finish(result)

    def _fallback(self) -> None:
        """No trial finished in the budget: run the fastest family once, whatever the time."""
        family = next((f for f in FALLBACK_ORDER if f in self.tpe_families), None)
        if family is None:
            return
        self._log("fallback_started", family=family, reason="no trial finished within the budget")
        self._submit_tpe(family, defaults=True, timeout=FALLBACK_TIMEOUT_S)
        self._drain()

    def time_left(self) -> float:
        """Seconds until the run's deadline."""
        return self.clock.left()

    def _budget_left(self) -> float:
        return self.clock.search_left(self.records)

    def _best(self) -> float | None:
        scores = [r.score for r in self.records if r.state == "complete" and r.score is not None]
        return max(scores) if scores else None

    def _stop_reason(self) -> str | None:
        best, target = self._best(), self.settings.target_score
        # scores are maximised (errors and losses negated), a target is stated as the metric is
        goal = None if target is None else target_on_search_scale(self.settings.metric, target)
        if goal is not None and best is not None and best >= goal:
            return f"target score {target} met ({abs(best):.4f} {self.settings.metric})"
        if self._budget_left() <= 0:
            return "time budget reached (the rest is kept for ensembling, refit and evaluation)"
        cap = self.settings.max_trials
        if cap is not None and self._started >= cap and not self.executor.busy:
            return f"max_trials={cap} reached"
        return None

    def _can_start(self) -> bool:
        cap = self.settings.max_trials
        has_work = bool(self.live) or self.finetune.has_work
        within = (cap is None or self._started < cap) and not self._tickets_out
        return has_work and within and self._budget_left() > 0

    def _take_ticket(self) -> bool:
        """In a shared study, a trial slot first; False once every slot is taken."""
        if self.tickets is None:
            return True
        if self.tickets.claim(f"coordinator-{os.getpid()}") is None:
            self._tickets_out = True
            return False
        return True

    def _publish(self, open_: bool) -> None:
        """Tell `autoglm worker` processes of a shared study what to run, and when to stop."""
        if self.settings.storage_url is None:
            return
        self.store.study.set_user_attr("autoglm_search", {
            "open": open_, "run_dir": str(Path(self.run_dir).resolve()),
            "families": [f for f in self.tpe_families if f in self.live],
            "language": self.language, "metric": self.settings.metric,
            "seed": self.settings.seed, "rows": len(self.y), "task_type": self.settings.task_type,
            "deadline_unix": time.time() + max(0.0, self._budget_left()),
        })  # fmt: skip

    def _wait_for_workers(self) -> None:
        """In a shared study, let other processes' running trials end (within the budget)."""
        if self.settings.storage_url is None:
            return
        while self.clock.left() > 0:
            running = self.store.study.get_trials(deepcopy=False, states=(TrialState.RUNNING,))
            if not running:
                return
            self._check_stop()
            time.sleep(0.5)

    def _fill_slots(self) -> None:
        while self._can_start() and self.executor.free_cpus >= 1 and not self.executor.queued:
            if self._strategy_waits() or not self._start_next():
                return

    def _strategy_waits(self) -> bool:
        """serial: one trial at a time; pipeline: a round's trials all end before the next."""
        if not self.executor.busy:
            return False
        if self.settings.strategy == "serial":
            return True
        return (
            self.settings.strategy == "pipeline" and self._started % self.settings.round_size == 0
        )

    def _start_next(self) -> bool:
        tpe_next = not self.finetune.has_work and not self.finetune.blocks_others and self.live
        if (self._redo or self._warm or tpe_next) and not self._take_ticket():
            return False
        if self._redo:  # trials an interrupted process left running: same configuration
            redo = self._redo.pop(0)
            trial = self.store.ask(redo.fixed, retry_of=redo.number)
            # a configuration that ran on the family's defaults runs on them again
            family, params = suggest_config(
                trial, self.tpe_families, not redo.params, self.language
            )
            self._submit(trial, family, params)
            return True
        if self._warm:
            return self._submit_warm(self._warm.pop(0))
        if self.finetune.has_work:
            # fine-tuning needs every core: let running trials drain first
            if self.executor.busy:
                return False
            if self.finetune.state is FinetuneState.TODO:
                return self._start_probe()
            return self._schedule_finetune()
        if self.finetune.blocks_others or not self.live:
            return False
        return self._submit_tpe(None, defaults=False)

    # --------------------------------------------------------------- trials
    def _submit_warm(self, warm: WarmStart) -> bool:
        """A portfolio configuration: its parameters fixed for the sampler (defaults if none)."""
        trial = self.store.ask(warm.sampler_params())
        family, params = suggest_config(
            trial, self.tpe_families, use_defaults=not warm.params, language=self.language
        )
        self._submit(trial, family, params)
        return True

    def _submit_tpe(self, family: str | None, defaults: bool, timeout: float | None = None) -> bool:
        fixed = {"family": family} if family is not None else None
        for _ in range(20):
            trial = self.store.ask(fixed)
            chosen, params = suggest_config(trial, self.tpe_families, defaults, self.language)
            if chosen in self.live or family is not None:
                break
            self.store.skip(trial)  # a dropped family
        else:  # TPE keeps proposing dropped families: ask again for the best live one
            trial = self.store.ask({"family": self._best_live_family()})
            chosen, params = suggest_config(trial, self.tpe_families, language=self.language)
        self._submit(trial, chosen, params, timeout)
        return True

    def _best_live_family(self) -> str:
        best: dict[str, float] = {}
        for r in self.records:
            if r.state == "complete" and r.family in self.live and r.score is not None:
                best[r.family] = max(best.get(r.family, -math.inf), r.score)
        return max(best, key=best.__getitem__) if best else sorted(self.live)[0]

    def _submit(
        self,
        trial: optuna.trial.Trial,
        family: str,
        params: dict[str, Any],
        timeout: float | None = None,
    ) -> None:
        number = trial.number
        record = TrialRecord(number, family, params, "running", self.round)
        self.store.start(trial, family, params, self.round)
        job = TrialJob(
            number=number,
            family=family,
            params=params,
            texts=self.texts,
            y=self.y,
            folds=self._folds,
            holdout=self.holdout,
            language=self.language,
            metric=self.settings.metric,
            cache_dir=str(self.run_dir / "cache"),
            trial_dir=str(self.run_dir / "trials" / f"{number:04d}"),
            task_type=self.settings.task_type,
        )
        key = f"trial-{number}"
        if timeout is None:
            timeout = max(5.0, self._budget_left())
            if family != FINETUNE and self.settings.time_budget_s:
                # one slow configuration must not hold a worker for most of the run
                timeout = min(timeout, max(30.0, TRIAL_SHARE * self.settings.time_budget_s))
        resources = family_class(family).resources
        # a worker that dies (e.g. killed for memory) gets one more try; an error does not
        retry = RetryPolicy(count=1, backoff_s=1.0, on=("crashed",))
        self.executor.submit(Task(key, run_trial, (job,), resources, timeout, family, retry))
        self._pending[key] = (trial, record)
        self._started += 1
        self._log("trial_started", number=number, family=family)

    def _finish(self, result: TaskResult) -> None:
        if result.key == "finetune-probe":
            self._after_probe(result)
            return
        trial, record = self._pending.pop(result.key)
        record.seconds = result.seconds
        if result.ok:
            outcome: TrialOutcome = result.value
            record.state, record.score = "complete", outcome.score
            record.fit_s, record.predict_rows_per_s = outcome.fit_s, outcome.predict_rows_per_s
            record.oof_path, record.model_dir = outcome.oof_path, outcome.model_dir
        else:
            record.state, record.error = result.status, (result.error or "")[-2000:]
        self.store.finish(trial, record)
        self.records.append(record)
        if record.family == FINETUNE:
            history = result.value.extra.get("fit_history") if result.ok else None
            self._after_finetune(record, history)
        self._log(
            "trial_finished",
            number=record.number,
            family=record.family,
            state=record.state,
            score=record.score,
            error=record.error,
        )
        if len(self.records) % self.settings.round_size == 0:
            self._replan()

    # ------------------------------------------------------------ fine-tuning
    def _start_probe(self) -> bool:
        sample = [self.texts[i] for i in self.holdout[0]]
        self.finetune.start_probe()
        res = family_class(FINETUNE).resources
        self.executor.submit(Task("finetune-probe", probe_finetune, ({}, sample), res, 120))
        self._log("finetune_probe_started", rows=len(sample))
        return True

    def _after_probe(self, result: TaskResult) -> None:
        if not result.ok:
            self.finetune.probe_failed()
            self._log("finetune_skipped", reason=f"probe failed: {result.error}")
            return
        self.finetune.probe_done(float(result.value))
        self._schedule_finetune()

    def _after_finetune(self, record: TrialRecord, history: list[dict[str, Any]] | None) -> None:
        """Fine-tune again while it beats every other family: that is where the gain is."""
        tpe_best = max((r.score or 0.0 for r in self._tpe_done()), default=-math.inf)
        score = record.score if record.state == "complete" else None
        if not self.finetune.after_run(score, tpe_best, history):
            self._log("finetune_stopped", reason="not better than the other families")
            return
        self._schedule_finetune()

    def _schedule_finetune(self) -> bool:
        """Submit the next fine-tuning run if one fits; True when one was submitted."""
        cap = self.settings.max_trials
        decision = self.finetune.next_run(
            self._budget_left() - 10, cap_reached=cap is not None and self._started >= cap
        )
        epoch_s = self.finetune.epoch_s
        if decision.params is None:
            self._log("finetune_skipped", epoch_s=epoch_s, reason=decision.reason)
            return False
        self._log(
            "finetune_scheduled", epoch_s=epoch_s, params=decision.params, reason=decision.reason
        )
        self._submit(self.store.ask({}, family=FINETUNE), FINETUNE, decision.params)
        return True

    # ---------------------------------------------------------------- re-plan
    def _replan(self) -> None:
        self.round += 1
        # compare within the families TPE chooses from: fine-tuning runs outside of it
        tpe_trials = [r for r in self.records if r.family in self.tpe_families]
        best = max((r.score or 0.0 for r in self._tpe_done()), default=None)
        if best is None:
            return
        for drop in families_to_drop(self.live, tpe_trials, self._budget_left()):
            self._drop(drop.family, drop.reason)
        if not self.live and self.tpe_families:
            self.live.add(family_to_keep(tpe_trials, self.tpe_families))
        self._log("round_planned", round=self.round, best=best, live=sorted(self.live))

    def _tpe_done(self) -> list[TrialRecord]:
        return [r for r in self.records if r.state == "complete" and r.family in self.tpe_families]

    def _drop(self, family: str, reason: str) -> None:
        self.live.discard(family)
        self._log("family_dropped", family=family, reason=reason)

    # ---------------------------------------------------------------- logging
    def _log(self, kind: str, **data: Any) -> None:
        if self.state is not None and kind.startswith("finetune"):
            self.state.put("finetune", self.finetune.snapshot())
        event = {"event": kind, "t": round(time.time(), 3), **data}
        self.events.append(event)
        with (self.run_dir / "search_log.jsonl").open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(event, default=str) + "\n")
        self.on_event(
            {
                **event,
                "trials_done": len(self.records),
                "best": self._best(),
                "time_left": self.time_left(),
                "running": len(self._pending),
            }
        )


def _first_configurations(
    configurations: list[tuple[str, dict[str, Any]]], families: list[str]
) -> list[WarmStart]:
    """The caller's configurations to try first, for the families this run may use."""
    return [
        WarmStart(family, dict(params)) for family, params in configurations if family in families
    ]


def _warm_start_tried(warm: WarmStart, tried: list[tuple[str, dict[str, Any]]]) -> bool:
    """Whether an earlier process of this run already ran (or started) this configuration."""
    return any(family == warm.family and params == warm.params for family, params in tried)
