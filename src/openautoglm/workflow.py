"""One run as a Plan: load, profile, featurize, search, ensemble, refit, evaluate, save."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from openautoglm.data import PreparedData, prepare_data, save_profile
from openautoglm.data.pairs import PAIR_MARK, split_pairs
from openautoglm.distill.constraints import deliver_within_constraints, has_constraints
from openautoglm.engine.factory import make_executor
from openautoglm.engine.local import Task
from openautoglm.engine.settings import EngineSettings
from openautoglm.engine.state import RunLock, RunState
from openautoglm.engine.steps import Interrupted, run_plan
from openautoglm.errors import SearchFailed
from openautoglm.evaluate.speed import LATENCY_TEXTS, THROUGHPUT_ROWS, measure_speed
from openautoglm.evaluate.task_evaluation import task_metrics
from openautoglm.evaluate.task_scoring import task_score
from openautoglm.evaluate.thresholds import LabelThresholds, tune_thresholds
from openautoglm.models.catalog import families_for, family_class
from openautoglm.models.embedding_step import embed_all_within
from openautoglm.models.ensemble import WeightedEnsemble, greedy_selection
from openautoglm.models.text_features import needs_segmentation, tokenize
from openautoglm.plan.dag import Plan, RetryPolicy, Step
from openautoglm.refit_step import Refitter
from openautoglm.registry.bundle import TextClassifier, load_bundle, save_bundle
from openautoglm.resources import Resources
from openautoglm.run_records import (
    Refit,
    RunOutput,
    data_from_json,
    data_to_json,
    ensemble_from_json,
    ensemble_to_json,
    members_from_json,
    members_to_json,
)
from openautoglm.search.clock import RunClock
from openautoglm.search.runner import SearchRunner
from openautoglm.search.settings import (
    SEARCH_MAX_ROWS,
    SearchOutcome,
    SearchSettings,
    ensemble_pool,
    records_to_json,
    row_order,
    search_strata,
    stratified_rows,
)
from openautoglm.search.store import TrialRecord, TrialStore, study_url
from openautoglm.spec import TaskSpec, is_pair_task, task_metric, task_output
from openautoglm.uncertainty.fitted import UncertaintyModel, evaluate_uncertainty, fit_uncertainty

#: texts segmented at a time (the stop flag is checked between chunks)
TOKENIZE_CHUNK = 5_000
#: the most of the budget tokenising the rows beyond the search's sample may take
TOKENIZE_SHARE = 0.2
#: the most of the time left that sentence embeddings may take before the family is skipped
EMBED_SHARE = 0.5
#: below this share, skip embeddings unseen: starting the encoder's process and loading it
#: takes about 10 s on a small CPU machine before a single text is embedded, time a tiny
#: budget needs for its first model
EMBED_MIN_S = 15.0
EventHandler = Callable[[dict[str, Any]], None]


class RunWorkflow:
    """Builds and runs the plan of one run inside ``run_dir``; resumable from its state.db."""

    def __init__(
        self,
        spec: TaskSpec,
        run_dir: Path,
        n_jobs: int,
        families: list[str] | None = None,
        on_event: EventHandler | None = None,
        engine: EngineSettings | None = None,
        warm_start: list[tuple[str, dict[str, Any]]] | None = None,
        study_storage: str | None = None,
        label_sep: str | None = None,
    ) -> None:
        self.spec, self.run_dir = spec, run_dir
        self.label_sep = label_sep  # multilabel: the user's label-list separator (None: detect)
        self.warm_start = [(f, dict(p)) for f, p in warm_start or []]
        self.study_storage = study_storage
        self.engine = engine or EngineSettings(n_jobs=n_jobs)
        self.n_jobs = self.engine.n_jobs = n_jobs
        self.include = families
        self.user_event = on_event or (lambda event: None)
        self.clock = RunClock(spec.budget.time_s)
        self.timings: dict[str, float] = {}
        self.cache_dir = str(run_dir / "cache")
        self.run_events: list[dict[str, Any]] = []  # outside the search: sampling, for notes
        self.state: RunState | None = None
        self.stop = threading.Event()  # set on Ctrl-C: steps end early, the run can resume

    def plan(self) -> Plan:
        """The run's DAG: each step with its inputs, outputs, resources, retries and restore."""
        data = ("load",)
        light = Resources(cpus=1, memory_mb=512)
        return Plan(
            [
                Step("load", lambda r: self.load(), (), ("data (in state.db)",), light,
                     RetryPolicy(1, 1.0), persist=data_to_json,
                     restore=lambda p, r: data_from_json(p)),
                Step("profile", lambda r: self.profile(r["load"]), data,
                     ("spec.json", "profile.json"), light, persist=lambda p: p,
                     restore=lambda p, r: p),
                Step("featurize", lambda r: self.featurize(r["load"]), data,
                     ("cache/", "families"), Resources(cpus=1, memory_mb=2000),
                     RetryPolicy(1, 2.0), persist=lambda d: d, restore=lambda p, r: p),
                Step("search", lambda r: self.search(r["load"], r["featurize"]["families"]),
                     ("load", "profile", "featurize"),
                     ("study.db", "trials/", "search_log.jsonl"),
                     Resources(cpus=self.n_jobs, memory_mb=1024),
                     persist=lambda o: {"holdout_rows": o.holdout_rows.tolist()},
                     restore=self._restore_search),
                Step("ensemble", lambda r: self.ensemble(r["load"], r["search"]),
                     ("load", "search"), ("ensemble weights",), light,
                     persist=members_to_json, restore=lambda p, r: members_from_json(p)),
                Step("refit", lambda r: self.refit(r["load"], r["ensemble"], r["featurize"]),
                     ("load", "ensemble", "featurize"), ("refit/",), Resources(cpus=self.n_jobs),
                     RetryPolicy(1, 2.0), persist=lambda f: ensemble_to_json(f.model, f.folders),
                     restore=self._restore_refit),
                Step("calibrate",
                     lambda r: self.calibrate(r["load"], r["search"], r["ensemble"], r["refit"]),
                     ("load", "search", "ensemble", "refit"), ("uncertainty (in state.db)",),
                     light, persist=lambda u: u.to_json() if u else None,
                     restore=lambda p, r: _calibration_from_json(p)),
                Step("evaluate",
                     lambda r: self.evaluate(r["load"], r["refit"].model, r["calibrate"]),
                     ("load", "refit", "calibrate"), ("metrics",),
                     Resources(cpus=1, memory_mb=2000), persist=lambda m: m,
                     restore=lambda p, r: p),
                Step("save", lambda r: self.save(r),
                     ("load", "search", "ensemble", "refit", "calibrate", "evaluate"),
                     ("model/", "leaderboard.json", "metrics.json"), light,
                     persist=lambda o: {"model": str(o.run_dir / "model")},
                     restore=self._restore_save),
            ]
        )  # fmt: skip

    def run(self, resume: bool = False, new_budget: bool = False) -> RunOutput:
        """Run (or resume) every step; the lock and the workers are released whatever happens.

        ``new_budget``: a resumed run counts its time budget from now instead of going on with
        what the interrupted process left.
        """
        self.run_dir.mkdir(parents=True, exist_ok=True)
        (self.run_dir / "cache").mkdir(exist_ok=True)
        lock = RunLock(self.run_dir).acquire()
        self.state = RunState(self.run_dir / "state.db")
        interrupted = False
        try:
            self._start_clock(resume, new_budget)
            self.executor = make_executor(self.engine, self._on_executor_event)
            try:
                results = run_plan(
                    self.plan(), self.engine.strategy, self.state, self._on_step, self.stop,
                    cpus=self.n_jobs,
                )  # fmt: skip
                self.state.put("status", "done")
                return results["save"]
            except KeyboardInterrupt:
                self.state.put("status", "interrupted")
                interrupted = True
                raise
            finally:
                self.executor.shutdown()
        finally:
            self._tick(force=True)
            self.state.close()
            # interrupted: the process is on its way out; no other may take the folder before
            lock.release(at_exit=interrupted)

    def _start_clock(self, resume: bool, new_budget: bool = False) -> None:
        """Count time already spent by an interrupted run against the budget."""
        assert self.state is not None
        spent = float(self.state.get("elapsed_s", 0.0)) if resume and not new_budget else 0.0
        self.state.put("spec", json.loads(self.spec.model_dump_json()))  # a resume may change it
        if not resume:
            self.state.put("settings", {**asdict(self.engine), "families": self.include,
                                        "warm_start": self.warm_start,
                                        "study_storage": self.study_storage,
                                        "label_sep": self.label_sep})  # fmt: skip
        self.clock = RunClock(self.spec.budget.time_s, n_jobs=self.n_jobs, spent_before=spent)
        self.state.put("status", "running")

    def _tick(self, force: bool = False) -> None:
        """Persist the time spent (at most once a second: each write is a synced commit)."""
        now = time.monotonic()
        if self.state is not None and (force or now - getattr(self, "_ticked", 0.0) >= 1.0):
            self._ticked = now
            self.state.put("elapsed_s", self.clock.spent())

    def on_event(self, event: dict[str, Any]) -> None:
        """Pass an event on (with the engine's live stats) and persist the time spent."""
        self._tick()
        executor = getattr(self, "executor", None)
        if executor is not None:
            event = {**event, "engine": executor.stats()}
        self.user_event(event)

    def _on_executor_event(self, event: dict[str, Any]) -> None:
        with (self.run_dir / "engine_log.jsonl").open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(event, default=str) + "\n")
        self.user_event(event)

    def _on_step(self, name: str, status: str, seconds: float) -> None:
        if status == "done":
            self.timings[name] = round(seconds, 2)
        self.on_event(
            {
                "event": f"step_{status}",
                "step": name,
                "seconds": seconds,
                "time_left": self.clock.left(),
            }
        )

    # --------------------------------------------------------------- restore
    def _restore_search(self, payload: dict[str, Any], inputs: dict[str, Any]) -> SearchOutcome:
        records = TrialStore(study_url(self.run_dir)).records()
        sample = self._search_sample(inputs["load"])  # seeded: the same rows as before
        return SearchOutcome(records, np.asarray(payload["holdout_rows"]), [], sample)

    def _restore_refit(self, payload: list[dict[str, Any]], inputs: dict[str, Any]) -> Refit:
        return Refit(ensemble_from_json(payload), [Path(m["folder"]) for m in payload])

    def _restore_save(self, payload: dict[str, Any], inputs: dict[str, Any]) -> RunOutput:
        classifier = load_bundle(payload["model"])
        return self._output(inputs, classifier)

    # ------------------------------------------------------------------ steps
    def load(self) -> PreparedData:
        data = prepare_data(self.spec, self.label_sep)
        _, note = task_metric(data.task_type, self.spec.metric)  # a metric that does not apply
        if note:
            data.notes.append(note)
        if not self._candidates(data):
            raise SearchFailed(
                f"no model family can run for language {data.language!r} with families="
                f"{self.include}; install the nn extra or widen the family list"
            )
        return data

    def profile(self, data: PreparedData) -> dict[str, Any]:
        # the task and metric as resolved (the spec may say "auto" and the default metric)
        resolved = {"task_type": data.task_type, "metric": self._metric(data)}
        self.spec.model_copy(update=resolved).to_json(self.run_dir / "spec.json")
        profile = {
            **data.profile,
            "notes": data.notes,
            "families": self._candidates(data),
            "data_hash": data.data_hash,
            "test_hash": data.test_hash,
        }
        save_profile(profile, self.run_dir / "profile.json")
        return profile

    def featurize(self, data: PreparedData) -> dict[str, Any]:
        """Compute the expensive shared features once (tokens, sentence embeddings).

        Returns what was computed, how many training rows (in ``row_order``) have each
        feature, and the families the search may use: a family whose features do not fit the
        budget is left out. The search's rows and the test texts come first; on a large
        training set the other rows get tokens while ``TOKENIZE_SHARE`` of the time allows.
        """
        sample = self._search_sample(data)
        order = row_order(len(data.train_texts), sample, self.spec.seed)
        n_searched = len(order) if sample is None else len(sample)
        searched = [data.train_texts[i] for i in order[:n_searched]]
        families = self._candidates(data)
        done: dict[str, Any] = {"rows": {}}
        if needs_segmentation(data.language):
            done["rows"]["tokens"] = self._tokenize(data, order, len(searched))
        texts = searched + data.test_texts
        if is_pair_task(data.task_type):  # the bi-encoder embeds each side alone
            texts = [side for sides in split_pairs(texts) for side in sides]
        embedders = [f for f in families if "embeddings" in family_class(f).shared_features]
        if embedders:
            max_s = EMBED_SHARE * self.clock.step_limit()
            seconds, skipped = self._embed(texts, family_class(embedders[0]).resources, max_s)
            if seconds is None:
                families = [f for f in families if f not in embedders]
                done["embeddings_skipped"] = skipped
            else:
                done["embeddings_s"] = seconds
                done["rows"]["embeddings"] = len(searched)
            self.on_event({"event": "featurized", **done})
        return {**done, "families": families}

    def _embed(
        self, texts: list[str], resources: Resources, max_s: float
    ) -> tuple[float | None, str]:
        """Embed ``texts`` into the cache within ``max_s``: (seconds, "") or (None, why not)."""
        if max_s < EMBED_MIN_S:
            return None, "the budget leaves no time for sentence embeddings"
        task = Task("embed", embed_all_within, (texts, self.cache_dir, max_s), resources,
                    self.clock.step_limit(), kind="embed")  # fmt: skip
        self.executor.submit(task)
        result = self.executor.wait(["embed"], self.stop)[0]
        if not result.ok or result.value is None:
            return None, result.error or f"would take over {max_s:.0f} s"
        return result.value, ""

    def _tokenize(self, data: PreparedData, order: np.ndarray, first: int) -> int:
        """Tokenise the first rows and the test texts, then more while time allows.

        Returns how many training rows, in ``order``, have their tokens in the cache.
        """
        start, limit = time.monotonic(), TOKENIZE_SHARE * self.clock.step_limit()
        first_texts = [data.train_texts[i] for i in order[:first]] + data.test_texts
        self._tokenize_texts(first_texts, data.language)
        done = first
        while done < len(order) and time.monotonic() - start < limit:
            chunk = order[done : done + TOKENIZE_CHUNK]
            self._tokenize_texts([data.train_texts[i] for i in chunk], data.language)
            done += len(chunk)
        return done

    def _tokenize_texts(self, texts: list[str], language: str) -> None:
        for start in range(0, len(texts), TOKENIZE_CHUNK):  # chunks: Ctrl-C stays prompt
            if self.stop.is_set():
                raise Interrupted("featurize was interrupted")
            chunk = texts[start : start + TOKENIZE_CHUNK]
            if chunk and PAIR_MARK in chunk[0]:  # pairs: pair families read each side alone
                chunk = chunk + [side for sides in split_pairs(chunk) for side in sides]
            tokenize(chunk, language, self.cache_dir)

    def search(self, data: PreparedData, families: list[str]) -> SearchOutcome:
        # what evaluation will predict: sizes the time the search leaves for it
        self.clock.predict_rows = len(data.test_texts) + THROUGHPUT_ROWS + LATENCY_TEXTS
        settings = SearchSettings(
            metric=self._metric(data),
            max_trials=self.spec.budget.max_trials,
            time_budget_s=self.spec.budget.time_s,
            n_jobs=self.n_jobs,
            seed=self.spec.seed,
            target_score=self.spec.target_score,
            families=families,
            strategy=self.engine.strategy,
            storage_url=self.study_storage,
            warm_start=self.warm_start,
            task_type=data.task_type,
        )
        sample = self._search_sample(data)
        texts, y = data.train_texts, data.train_y
        if sample is not None:
            texts, y = [texts[i] for i in sample], y[sample]
            self._note({"event": "search_sample", "rows": len(sample), "of": len(data.train_y)})
        runner = SearchRunner(
            texts,
            y,
            data.language,
            self.run_dir,
            settings,
            self.executor,
            self.clock,
            self.on_event,
            self.state,
            self.stop,
        )
        outcome = runner.run()
        outcome.sample_rows = sample
        if not outcome.completed():
            errors = {r.family: r.error for r in outcome.records if r.error}
            raise SearchFailed(f"no trial finished within the budget; errors: {errors}")
        return outcome

    def _search_sample(self, data: PreparedData) -> np.ndarray | None:
        """The rows the search runs on (None: all); sets how much longer the refit will be."""
        strata = search_strata(data.train_y, data.task_type)
        sample = stratified_rows(strata, SEARCH_MAX_ROWS, self.spec.seed)
        self.clock.refit_scale = 1.0 if sample is None else len(data.train_y) / len(sample)
        return sample

    def _note(self, event: dict[str, Any]) -> None:
        """An event the user should hear about in the result's notes."""
        self.run_events.append(event)
        self.on_event(event)

    def _candidates(self, data: PreparedData) -> list[str]:
        """The families that suit the data and the task and can run here (within the user's
        list)."""
        return families_for(data.language, self.include, len(data.labels), data.task_type)

    def _metric(self, data: PreparedData) -> str:
        """The metric the search optimises for the data's task (see spec.task_metric)."""
        return task_metric(data.task_type, self.spec.metric)[0]

    def ensemble(
        self, data: PreparedData, outcome: SearchOutcome
    ) -> list[tuple[TrialRecord, float]]:
        """Greedy selection over the best trials; kept only when it beats the best single model."""
        pool = ensemble_pool(outcome.completed())
        best = pool[0]
        if len(pool) == 1:
            return [(best, 1.0)]
        probas = [np.load(r.oof_path, allow_pickle=False) for r in pool]

        task, metric = data.task_type, self._metric(data)

        def scorer(y: np.ndarray, p: np.ndarray) -> float:
            return task_score(task, metric, y, p)

        # out-of-fold rows are the search's rows: a sample of the training rows on large data
        y = data.train_y if outcome.sample_rows is None else data.train_y[outcome.sample_rows]
        weights, ens_score = greedy_selection(probas, y, scorer)
        # compare on the same rows the ensemble was scored on
        rows = ~np.isnan(np.stack(probas)).any(axis=(0, 2))
        single = max(scorer(y[rows], p[rows]) for p in probas)
        self.on_event({"event": "ensemble", "score": ens_score, "best_single": single})
        if ens_score <= single + 1e-9:
            return [(best, 1.0)]
        return [(r, float(w)) for r, w in zip(pool, weights, strict=True) if w > 0]

    def refit(
        self,
        data: PreparedData,
        members: list[tuple[TrialRecord, float]],
        features: dict[str, Any],
    ) -> Refit:
        """Refit the ensemble's members on the training rows (see refit_step.Refitter)."""
        refitter = Refitter(self.executor, self.clock, self.run_dir, self.cache_dir,
                            self.spec.seed, self.stop, self._note)  # fmt: skip
        return refitter.run(data, members, features.get("rows", {}), self._search_sample(data))

    def calibrate(
        self,
        data: PreparedData,
        outcome: SearchOutcome,
        members: list[tuple[TrialRecord, float]],
        refit: Refit,
    ) -> UncertaintyModel | LabelThresholds | None:
        """Temperature, conformal scores and abstain rule on the final model's OOF probabilities.

        The out-of-fold probabilities of the refit members, weighted as in the final model:
        held-out predictions the ensemble step already used. None (with an event) when a
        member's out-of-fold file cannot be found. Multilabel: the per-label thresholds are
        tuned on them instead; regression: nothing to calibrate (None, with an event).
        """
        output = task_output(data.task_type)
        if output == "regression":
            self._note(
                {
                    "event": "calibration_skipped",
                    "task_type": data.task_type,
                    "reason": "a regression model has no probabilities to calibrate",
                }
            )
            return None
        records = self._refit_records(members, refit)
        if records is None or not all(r.oof_path and Path(r.oof_path).is_file() for r in records):
            self.on_event({"event": "calibration_skipped", "reason": "out-of-fold file missing"})
            return None
        weights = refit.model.weights
        probas = [np.load(r.oof_path, allow_pickle=False) for r in records]
        oof = sum(w * p for p, w in zip(probas, weights, strict=True)) / weights.sum()
        y = data.train_y if outcome.sample_rows is None else data.train_y[outcome.sample_rows]
        if output == "multilabel":
            rows = ~np.isnan(oof).any(axis=1)
            thresholds = tune_thresholds(y[rows], oof[rows], self._metric(data))
            self._note({"event": "thresholds_tuned", "rows": int(rows.sum()),
                        "at_least_one": thresholds.at_least_one})  # fmt: skip
            return thresholds
        fitted = fit_uncertainty(oof, y, seed=self.spec.seed)
        self.on_event({"event": "calibrated", **fitted.summary()})
        return fitted

    def _refit_records(
        self, members: list[tuple[TrialRecord, float]], refit: Refit
    ) -> list[TrialRecord] | None:
        """The trial of each refit member (a failed refit drops members; see Refitter)."""
        by_folder: dict[Path, TrialRecord] = {}
        for record, _ in members:
            refit_dir = self.run_dir / "refit" / f"{record.number:04d}"
            for folder in (refit_dir, refit_dir.with_name(refit_dir.name + "-fallback")):
                by_folder[folder.resolve()] = record
            if record.model_dir:
                by_folder[Path(record.model_dir).resolve()] = record
        found = [by_folder.get(Path(f).resolve()) for f in refit.folders]
        return None if any(r is None for r in found) else found  # type: ignore[return-value]

    def evaluate(
        self,
        data: PreparedData,
        model: WeightedEnsemble,
        uncertainty: UncertaintyModel | LabelThresholds | None,
    ) -> dict[str, Any]:
        """Test metrics (features from the run cache), and throughput on uncached texts.

        With ``uncertainty``: ECE before/after temperature scaling, prediction-set coverage
        and size, and abstaining, on the test split (under ``metrics["uncertainty"]``).
        """
        for member in model.members:
            member.set_cache(self.cache_dir)
        proba = model.predict_scores(data.test_texts)
        for member in model.members:
            member.set_cache(None)
        thresholds = uncertainty if isinstance(uncertainty, LabelThresholds) else None
        metrics = task_metrics(data.task_type, data.test_y, proba, data.labels, thresholds)
        if isinstance(uncertainty, UncertaintyModel):
            metrics["uncertainty"] = evaluate_uncertainty(
                uncertainty, proba, data.test_y, data.test_texts
            )
        metrics.update(measure_speed(model, data.test_texts))
        metrics["test_source"] = data.test_source
        return metrics

    def save(self, results: dict[str, Any]) -> RunOutput:
        data: PreparedData = results["load"]
        metrics = results["evaluate"]
        spec = self.spec.model_copy(update={"task_type": data.task_type,
                                            "metric": self._metric(data)})  # fmt: skip
        info = {
            "spec": json.loads(spec.model_dump_json()),
            "task_type": data.task_type,
            "label_sep": data.label_sep,
            "language": data.language,
            "text_column": data.text_column,
            "label_column": data.label_column,
            "metrics": {k: v for k, v in metrics.items() if k not in ("per_class", "per_label")},
            "data_hash": data.data_hash,
            "test_hash": data.test_hash,
            "drift_reference": data.profile.get("drift_reference"),
        }
        calibration = results["calibrate"]
        uncertainty = calibration if isinstance(calibration, UncertaintyModel) else None
        thresholds = calibration if isinstance(calibration, LabelThresholds) else None
        classifier = TextClassifier(results["refit"].model, data.labels, info, uncertainty,
                                    thresholds)  # fmt: skip
        save_bundle(classifier, self.run_dir / "model", overwrite=True)
        if has_constraints(self.spec) and data.task_type != "text_classification":
            self._note({"event": "constraints_skipped", "task_type": data.task_type})
        elif has_constraints(self.spec):  # deliver the most accurate model within them
            classifier, metrics = deliver_within_constraints(
                self.spec, self.run_dir, data, classifier, metrics, results["ensemble"],
                results["refit"], self.clock.left(),
            )  # fmt: skip
            results["evaluate"] = metrics
        output = self._output(results, classifier)
        self.timings["total"] = round(self.clock.spent(), 2)
        _write_json(self.run_dir / "leaderboard.json", records_to_json(output.records))
        _write_json(
            self.run_dir / "metrics.json",
            {
                "metric": self._metric(data),
                "metrics": metrics,
                "ensemble": output.ensemble,
                "timings": self.timings,
            },  # fmt: skip
        )
        return output

    def _output(self, results: dict[str, Any], classifier: TextClassifier) -> RunOutput:
        outcome: SearchOutcome = results["search"]
        ensemble = [
            {"trial": r.number, "family": r.family, "weight": w} for r, w in results["ensemble"]
        ]
        return RunOutput(
            self.run_dir,
            results["load"],
            classifier,
            results["evaluate"],
            outcome.records,
            ensemble,
            self.timings,
            [*outcome.events, *self.run_events],
        )


def _calibration_from_json(
    payload: dict[str, Any] | None,
) -> UncertaintyModel | LabelThresholds | None:
    """The calibrate step's result from state.db: uncertainty, multilabel thresholds or none."""
    if not payload:
        return None
    if "thresholds" in payload:
        return LabelThresholds.from_json(payload)
    return UncertaintyModel.from_json(payload)


def _write_json(path: Path, payload: Any) -> None:
    path.write_text(
        json.dumps(payload, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
    )
