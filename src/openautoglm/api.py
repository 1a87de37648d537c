"""AutoTask and RunResult: the Python surface of Open-AutoGLM."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from openautoglm import run_folder
from openautoglm.engine.settings import EngineSettings, default_jobs
from openautoglm.engine.state import RunState
from openautoglm.engine.steps import STRATEGIES
from openautoglm.explain.result import Explanation
from openautoglm.parse import LLMConfig, ParseResult, parse_description
from openautoglm.parse.reconcile import resolve
from openautoglm.registry.bundle import TextClassifier, load_bundle
from openautoglm.run_records import RunOutput
from openautoglm.search.settings import run_notes
from openautoglm.spec import SUPPORTED_TASK_TYPES, Budget, TaskSpec, parse_duration, task_output
from openautoglm.uncertainty.mc_dropout import DEFAULT_PASSES
from openautoglm.uncertainty.predict import UncertainPrediction
from openautoglm.workflow import RunWorkflow

if TYPE_CHECKING:  # distillation loads torch: imported when result.distill is called
    from openautoglm.distill.distiller import DistilledModel

#: trial cap when the user gives neither a trial cap nor a time budget
DEFAULT_MAX_TRIALS = 20


class RunResult:
    """A finished run: metrics on the test split, the leaderboard and the trained model."""

    def __init__(self, output: RunOutput) -> None:
        self._output = output
        self.model: TextClassifier = output.classifier
        self.metrics: dict[str, Any] = output.metrics
        self.run_dir: Path = output.run_dir
        self.profile: dict[str, Any] = output.data.profile
        self.notes: list[str] = output.data.notes + run_notes(output.events)
        self.labels: list[str] = output.data.labels
        #: the task trained (detected from the data when it was not given)
        self.task_type: str = output.data.task_type
        self.ensemble: list[dict[str, Any]] = output.ensemble
        self.timings: dict[str, float] = output.timings

    @property
    def leaderboard(self) -> pd.DataFrame:
        """One row a trial, best first: family, params, CV score, fit s, predict rows/s, state."""
        rows = [
            {
                "trial": r.number,
                "family": r.family,
                "score": r.score,
                "fit_s": r.fit_s,
                "predict_rows_per_s": r.predict_rows_per_s,
                "state": r.state,
                "round": r.round,
                "params": r.params,
            }
            for r in self._output.records
        ]
        frame = pd.DataFrame(rows)
        return frame.sort_values("score", ascending=False, na_position="last").reset_index(
            drop=True
        )

    def predict(self, texts: Sequence[Any] | pd.DataFrame) -> list[Any]:
        """Label names for ``texts``; label lists (multilabel) or numbers (regression).

        Pair tasks take ``[(a, b), ...]`` or a DataFrame with the two text columns.
        """
        return self.model.predict(texts)

    def predict_proba(
        self,
        texts: Sequence[Any] | pd.DataFrame,
        uncertainty: bool = False,
        mc_passes: int = DEFAULT_PASSES,
    ) -> np.ndarray | UncertainPrediction:
        """Probabilities, columns in ``self.labels`` order (multilabel: each label's own).

        ``uncertainty=True``: an UncertainPrediction (calibrated probabilities, entropy,
        ensemble spread, MC-dropout variance, abstain flag); see TextClassifier.predict_proba.
        """
        if uncertainty:
            return self.model.predict_proba(texts, uncertainty=True, mc_passes=mc_passes)
        return self.model.predict_proba(texts)

    def predict_set(
        self,
        texts: Sequence[str],
        alpha: float = 0.1,
        method: str | None = None,
        nonempty: bool = False,
    ) -> list[list[str]]:
        """Conformal prediction sets (label names) covering the true label with prob. >= 1-alpha.

        Sets may be empty for an accurate model; ``nonempty=True`` always keeps the top label.
        """
        return self.model.predict_set(texts, alpha=alpha, method=method, nonempty=nonempty)

    def explain(
        self,
        text: str,
        top_labels: int = 2,
        n_features: int = 10,
        method: str = "auto",
        **options: Any,
    ) -> Explanation:
        """Why the model predicts what it does for one text (see TextClassifier.explain).

        Example:
            >>> result.explain("梅西打进制胜球").labels[0].supporting[0].feature
            '球'
        """
        return self.model.explain(text, top_labels, n_features, method, **options)  # type: ignore[arg-type]

    def report(self, path: str | Path | None = None) -> Path:
        """Write the run's self-contained HTML report (default: ``<run_dir>-report.html``).

        Data profile, plan, leaderboard, search history, confusion matrix, per-class metrics,
        calibration, conformal coverage, students and explained mistakes; see openautoglm.report.

        Example:
            >>> result.report("report.html")
            PosixPath('report.html')
        """
        from openautoglm.report import write_report  # jinja2 and matplotlib: the report extra

        return write_report(self.run_dir, path, model=self.model)

    @property
    def model_card(self) -> dict[str, Any]:
        """Which model was delivered and why (teacher vs students: accuracy, latency, size)."""
        card = self.metrics.get("model_card") or self.model.info.get("metrics", {}).get(
            "model_card"
        )
        return card or {"chosen": "the run's final model", "reason": "the spec has no "
                        "max_latency_ms or max_model_mb constraint", "candidates": []}  # fmt: skip

    def distill(
        self,
        target: str = "fasttext",
        temperature: float | None = None,
        alpha: float | None = None,
        *,
        unlabeled: str | Path | Sequence[str] | None = None,
        out: str | Path | None = None,
        overwrite: bool = False,
    ) -> DistilledModel:
        """Distil this run's model into a small ``target`` student ("fasttext" or "linear").

        ``temperature``/``alpha`` None: chosen on a validation split (e.g. T=4, alpha=0.7);
        ``unlabeled``: extra texts (a file or a list) the teacher labels. The student is saved
        (default ``<run>/refit/student-<target>``) with an ONNX export and its lineage; its
        ``metrics`` compare it with the teacher on the test split. See openautoglm.distill.

        Example:
            >>> student = result.distill(target="linear", temperature=4, alpha=0.7)
            >>> student.metrics["agreement_with_teacher"]
        """
        from openautoglm.distill.distiller import TrainingData, distill

        data = self._output.data
        if data.task_type != "text_classification":
            raise NotImplementedError(
                f"distillation makes single-label text classifiers; this run is {data.task_type}"
            )
        train = TrainingData.from_prepared(data)
        out = Path(out) if out else self.run_dir / "refit" / f"student-{target}"
        return distill(self.model, train, target, temperature, alpha, out=out,
                       unlabeled=unlabeled, teacher_path=self.run_dir / "model",
                       run_dir=self.run_dir, seed=int(self.profile.get("seed", 0) or 0),
                       overwrite=overwrite)  # fmt: skip

    def save(
        self, path: str | Path, overwrite: bool = False, key: str | bytes | None = None
    ) -> Path:
        """Write the model bundle to ``path`` (load it back with ``openautoglm.load``).

        ``key`` (or OPENAUTOGLM_BUNDLE_KEY) signs the manifest with HMAC-SHA256.
        """
        return self.model.save(path, overwrite=overwrite, key=key)

    def __repr__(self) -> str:
        m = self.metrics
        shown = {"classes": ("accuracy", "f1_macro"), "multilabel": ("f1_micro", "f1_macro"),
                 "regression": ("pearson", "rmse")}[task_output(self.task_type)]  # fmt: skip
        figures = ", ".join(f"{k}={m[k]:.4f}" for k in shown)
        return f"RunResult({figures}, trials={len(self._output.records)}, run_dir='{self.run_dir}')"


class AutoTask:
    """Build a text model from a data file with no manual tuning.

    ``task``: "auto" (the default: detected from the data), text_classification,
    multilabel_classification, text_pair_classification, text_regression or
    text_pair_regression. Pairs read two columns (``text_column=["q1", "q2"]``, found by their
    names when not given); multilabel label lists are split on ``label_sep`` (detected when
    None).

    Example:
        >>> task = AutoTask(task="text_classification", dataset_path="news.csv",
        ...                 labels=["科技", "体育", "娱乐"])
        >>> result = task.run(max_trials=3)
        >>> result.metrics["accuracy"]
    """

    def __init__(
        self,
        task: str = "auto",
        dataset_path: str | Path | None = None,
        labels: Sequence[str] | None = None,
        *,
        test_path: str | Path | None = None,
        text_column: str | Sequence[str] | None = None,
        label_column: str | None = None,
        metric: str = "accuracy",
        target_score: float | None = None,
        min_class_rows: int | None = None,
        n_jobs: int | None = None,
        seed: int = 0,
        run_dir: str | Path | None = None,
        families: Sequence[str] | None = None,
        spec: TaskSpec | None = None,
        backend: str = "local",
        address: str | None = None,
        strategy: str = "dag",
        policy: str = "fifo",
        warm_start: Sequence[tuple[str, dict[str, Any]]] | None = None,
        study_storage: str | None = None,
        label_sep: str | None = None,
    ) -> None:
        if spec is None:
            if dataset_path is None:
                raise ValueError("dataset_path is required: the file with your texts and labels")
            spec = TaskSpec(
                task_type=task,
                dataset_path=str(dataset_path),
                test_path=str(test_path) if test_path else None,
                text_column=text_column
                if isinstance(text_column, str | None)
                else list(text_column),
                label_column=label_column,
                labels=list(labels) if labels else None,
                metric=metric,
                target_score=target_score,
                min_class_rows=min_class_rows,
                seed=seed,
            )
        self.spec = spec
        self.n_jobs = n_jobs or default_jobs()
        self.run_dir = Path(run_dir) if run_dir else None
        self.families = list(families) if families else None
        self.parsed: ParseResult | None = None  # set by from_description
        #: (family, params) tried before the portfolio, e.g. a parent model's best ones
        self.warm_start = [(f, dict(p)) for f, p in warm_start or []]
        #: Optuna storage URL shared by several workers (default: study.db in the run folder)
        self.study_storage = study_storage
        #: multilabel: the separator of the label lists (None: detected from the data)
        self.label_sep = label_sep
        if strategy not in STRATEGIES:
            raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
        self.engine = EngineSettings(self.n_jobs, backend, address, strategy, policy)  # type: ignore[arg-type]

    @classmethod
    def from_description(
        cls,
        description: str,
        *,
        base_dir: str | Path = ".",
        llm: LLMConfig | None = None,
        answers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> AutoTask:
        """A task from plain words (Chinese or English); the spec is in ``task.spec``.

        Raises ClarificationNeeded (with ``.question`` and ``.options``) when the words and the
        data leave something that matters open; answer it with ``answers={field: value}``.

        Example:
            >>> task = AutoTask.from_description(
            ...     "把 data/news.csv 里的新闻分成科技、体育、娱乐三类，优化宏F1，限时10分钟")
            >>> task.spec.budget.time_s
            600.0
        """
        parsed = parse_description(description, base_dir, llm=llm, answers=answers)
        spec = parsed.to_spec()
        base = Path(base_dir)
        updates = {"dataset_path": str(resolve(spec.dataset_path, base))}
        if "task_type" not in parsed.fields:  # the words do not say: the data will
            updates["task_type"] = "auto"
        if spec.test_path:
            updates["test_path"] = str(resolve(spec.test_path, base))
        task = cls(spec=spec.model_copy(update=updates), **kwargs)
        task.parsed = parsed
        return task

    def run(
        self,
        max_trials: int | None = None,
        time_budget: float | str | None = None,
        overwrite: bool = False,
        on_event: Callable[[dict[str, Any]], None] | None = None,
    ) -> RunResult:
        """Search, ensemble, refit and evaluate; ``time_budget`` covers the whole run."""
        if self.spec.task_type not in SUPPORTED_TASK_TYPES:
            raise NotImplementedError(
                f"task type {self.spec.task_type!r} is parsed but not trainable yet; this "
                f"version trains: {', '.join(SUPPORTED_TASK_TYPES)}"
            )
        seconds = parse_duration(time_budget)
        if max_trials is None and seconds is None:  # the spec's budget, else the default cap
            max_trials, seconds = self.spec.budget.max_trials, self.spec.budget.time_s
        if max_trials is None and seconds is None:
            max_trials = DEFAULT_MAX_TRIALS
        spec = self.spec.model_copy(
            update={
                "budget": Budget(
                    time_s=seconds, max_trials=max_trials, memory_mb=self.spec.budget.memory_mb
                )
            }
        )
        run_dir = self.run_dir or _default_run_dir(self.spec.dataset_path)
        inputs = [Path(p) for p in (spec.dataset_path, spec.test_path) if p]
        replacement = run_folder.prepare(run_dir, overwrite, inputs)
        try:
            run_folder.mark(run_dir)
            if self.parsed is not None:  # how the words became this spec, kept with the run
                (run_dir / "parse.json").write_text(
                    self.parsed.model_dump_json(indent=2), encoding="utf-8"
                )
            workflow = RunWorkflow(spec, run_dir, self.n_jobs, self.families, on_event, self.engine,
                                   self.warm_start, self.study_storage, self.label_sep)  # fmt: skip
            output = workflow.run()
        except KeyboardInterrupt as exc:  # both runs are kept: the new one can be resumed
            exc.add_note(_resume_hint(run_dir))
            if replacement.aside is not None:
                exc.add_note(f"the run it was replacing is kept in {replacement.aside}")
            raise
        except BaseException:
            replacement.rollback()
            raise
        replacement.commit()
        return RunResult(output)

    @classmethod
    def resume(
        cls,
        run_dir: str | Path,
        on_event: Callable[[dict[str, Any]], None] | None = None,
        *,
        time_budget: float | str | None = None,
        max_trials: int | None = None,
        **engine: Any,
    ) -> RunResult:
        """Carry on an interrupted run from its folder: finished steps and trials are kept,
        the study continues, and the time already spent counts against the budget.

        Without ``time_budget`` the run gets what is left of its budget; with it, a fresh
        budget counted from now. ``max_trials`` replaces the trial cap (trials already run
        count). A run whose budget is spent still ends with a model: the search runs at
        least one fast trial. ``engine`` may override backend, address, strategy, policy
        or n_jobs.

        Example:
            >>> result = AutoTask.resume("runs/news")
        """
        run_dir = Path(run_dir)
        if not (run_dir / "state.db").is_file():
            raise FileNotFoundError(
                f"{run_dir} holds no run state (state.db); pass the --out folder of a run"
            )
        state = RunState(run_dir / "state.db")
        try:
            spec_json, settings = state.get("spec"), dict(state.get("settings") or {})
        finally:
            state.close()
        if spec_json is None:
            raise FileNotFoundError(f"{run_dir}/state.db has no spec: the run never started")
        spec = TaskSpec.model_validate(spec_json)
        seconds = parse_duration(time_budget)
        updates = {"time_s": seconds, "max_trials": max_trials}
        budget = spec.budget.model_copy(update={k: v for k, v in updates.items() if v})
        spec = spec.model_copy(update={"budget": budget})
        settings.update({k: v for k, v in engine.items() if v is not None})
        families = settings.pop("families", None)
        n_jobs = settings.pop("n_jobs", None)
        task = cls(spec=spec, run_dir=run_dir, families=families, n_jobs=n_jobs, **settings)
        workflow = RunWorkflow(spec, run_dir, task.n_jobs, task.families, on_event, task.engine,
                               task.warm_start, task.study_storage, task.label_sep)  # fmt: skip
        try:
            return RunResult(workflow.run(resume=True, new_budget=seconds is not None))
        except KeyboardInterrupt as exc:
            exc.add_note(_resume_hint(run_dir))
            raise


def _resume_hint(run_dir: Path) -> str:
    return (
        f"interrupted: finished steps and trials are saved in {run_dir}; carry on with "
        f"`autoglm run --resume {run_dir}` (Python: AutoTask.resume({str(run_dir)!r}))"
    )


def _default_run_dir(dataset_path: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path("runs") / f"{stamp}-{Path(dataset_path).stem}"


def load(path: str | Path, key: str | bytes | None = None) -> TextClassifier:
    """Load a saved model bundle or a run folder's model (hashes are checked first); its
    task (``model.task_type``) decides what ``predict`` takes and gives.

    ``key`` (or OPENAUTOGLM_BUNDLE_KEY) verifies the bundle's HMAC signature.

    Example:
        >>> model = openautoglm.load("models/news")
        >>> model.predict(["梅西打进制胜球"])
    """
    return load_bundle(path, key=key)
