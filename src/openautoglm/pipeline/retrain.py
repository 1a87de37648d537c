"""One retrain job as engine steps: data → train → evaluate → gate → register → promote.

Every step's result is JSON in the job folder's state.db, so a job killed at any point is
resumed by running the pipeline again: finished steps are not redone, an interrupted training
run carries on from its own state, and register/promote check what already happened first.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from openautoglm.data.prepare import prepare_data
from openautoglm.engine.state import RunLock, RunState
from openautoglm.engine.steps import run_plan
from openautoglm.feedback.store import FeedbackStore, StoredCorrection
from openautoglm.pipeline.config import PipelineConfig
from openautoglm.pipeline.gate import decide
from openautoglm.plan.dag import Plan, RetryPolicy, Step
from openautoglm.registry.bundle import TextClassifier, load_bundle
from openautoglm.registry.model_registry import GateRefused, Registry
from openautoglm.registry.records import ModelVersion
from openautoglm.search.portfolio import best_configurations
from openautoglm.spec import Budget, TaskSpec, parse_duration

#: the steps a job runs before the configured ones
DATA_STEP = "data"


class RetrainJob:
    """A retrain of ``config.model`` in ``job_dir``; :meth:`run` returns every step's result."""

    def __init__(
        self,
        config: PipelineConfig,
        registry: Registry,
        job_dir: Path,
        reason: str,
        job_id: int | None = None,
    ) -> None:
        self.config, self.registry = config, registry
        self.job_dir, self.reason, self.job_id = Path(job_dir), reason, job_id
        self.name = config.model

    def plan(self) -> Plan:
        """The job's steps, up to the last one the pipeline file names; each reads all before it."""
        retry = RetryPolicy(count=self.config.retries)
        chain = {
            DATA_STEP: self.data,
            "train": self.train,
            "evaluate": self.evaluate,
            "gate": self.gate,
            "register": self.register,
            "promote": self.promote,
        }
        names = [DATA_STEP, *self.config.steps]
        return Plan(
            [
                Step(
                    name,
                    chain[name],
                    tuple(names[:i]),
                    retry=retry,
                    persist=_same,
                    restore=_restored,
                )
                for i, name in enumerate(names)
            ]
        )

    def run(self, on_locked: Callable[[], None] | None = None) -> dict[str, Any]:
        """Run (or resume) the job under its folder's lock (``on_locked`` once it is held)."""
        self.job_dir.mkdir(parents=True, exist_ok=True)
        with RunLock(self.job_dir):
            if on_locked:
                on_locked()
            state = RunState(self.job_dir / "state.db")
            try:
                return run_plan(self.plan(), "serial", state)
            finally:
                state.close()

    # ---------------------------------------------------------------- steps
    def data(self, _results: dict[str, Any]) -> dict[str, Any]:
        """Original training rows, corrected by users, plus a held-back slice for the gate."""
        parent = self.registry.get(self.name)
        spec = self._parent_spec(parent)
        prepared = prepare_data(spec)
        train = dict(
            zip(prepared.train_texts, [prepared.labels[i] for i in prepared.train_y], strict=True)
        )
        corrections = FeedbackStore(self.registry.engine).corrections(
            self.name, include_rejected=False
        )
        used_before = int(parent.lineage.get("feedback_upto_id") or 0)
        held = _held_back([c for c in corrections if c.id > used_before], self.config.gate.holdback)
        held_ids = {c.id for c in held}
        for correction in corrections:  # a correction replaces the label it corrects
            if correction.id not in held_ids:
                train[correction.text] = correction.label
        paths = {k: str(self.job_dir / f"{k}.csv") for k in ("train", "test", "holdback")}
        _write(paths["train"], list(train), list(train.values()))
        _write(paths["test"], prepared.test_texts, [prepared.labels[i] for i in prepared.test_y])
        _write(paths["holdback"], [c.text for c in held], [c.label for c in held])
        labels = spec.labels and sorted(set(spec.labels) | set(train.values()))
        child = spec.model_copy(
            update={
                "dataset_path": paths["train"],
                "test_path": paths["test"],
                "text_column": "text",
                "label_column": "label",
                "labels": labels or None,
                "label_map": None,
                "budget": self._budget(spec),
                "test_size": spec.test_size,
            }
        )
        return {
            "parent_version": parent.version,
            "parent_run_dir": parent.run_dir,
            "spec": child.model_dump(mode="json"),
            "paths": paths,
            "rows": {
                "original": len(prepared.train_texts),
                "train": len(train),
                "test": len(prepared.test_texts),
                "held_back": len(held),
            },
            "feedback_upto_id": max((c.id for c in corrections), default=used_before),
            "feedback_after_id": used_before,
            "corrections_used": len(corrections) - len(held),
        }

    def train(self, results: dict[str, Any]) -> dict[str, Any]:
        """An AutoTask run on the corrected data, warm-started from the parent's winners."""
        from openautoglm.api import AutoTask

        data = results[DATA_STEP]
        run_dir = self.job_dir / "run"
        if (run_dir / "state.db").is_file():
            result = AutoTask.resume(run_dir)
        else:
            spec = TaskSpec.model_validate(data["spec"])
            warm = best_configurations(data["parent_run_dir"]) if data["parent_run_dir"] else []
            task = AutoTask(
                spec=spec,
                run_dir=run_dir,
                warm_start=warm,
                n_jobs=self.config.n_jobs,
                families=self.config.families,
            )
            result = task.run()
        scalar = {k: v for k, v in result.metrics.items() if isinstance(v, int | float)}
        return {"run_dir": str(run_dir), "metrics": scalar}

    def evaluate(self, results: dict[str, Any]) -> dict[str, Any]:
        """Which rows each model gets right: the frozen holdout and the held-back corrections."""
        champion_version = self.registry.get(self.name)
        champion = self.registry.load(self.name, champion_version.version)
        challenger = load_bundle(Path(results["train"]["run_dir"]) / "model")
        slices = {}
        for part in ("test", "holdback"):
            frame = pd.read_csv(results[DATA_STEP]["paths"][part], dtype=str, keep_default_na=False)
            texts, labels = frame["text"].tolist(), frame["label"].tolist()
            slices["holdout" if part == "test" else "corrections"] = {
                "champion": _right(champion, texts, labels),
                "challenger": _right(challenger, texts, labels),
            }
        return {"champion_version": champion_version.version, "slices": slices}

    def gate(self, results: dict[str, Any]) -> dict[str, Any]:
        """The paired comparison's verdict (a refusal ends the job at promote, recorded)."""
        slices = {
            name: (np.asarray(s["champion"], bool), np.asarray(s["challenger"], bool))
            for name, s in results["evaluate"]["slices"].items()
        }
        verdict = decide(self.config.gate, slices)
        return {**verdict, "champion_version": results["evaluate"]["champion_version"]}

    def register(self, results: dict[str, Any]) -> dict[str, Any]:
        """The challenger as a new staging version, with its lineage (once, even on resume)."""
        job = str(self.job_dir.resolve())
        for version in self.registry.versions(self.name):
            if version.lineage.get("job_dir") == job:
                return {"version": version.version}
        data = results[DATA_STEP]
        lineage = {
            "job_dir": job,
            "trigger": self.reason,
            "feedback_upto_id": data["feedback_upto_id"],
            "corrections_used": data["corrections_used"],
            "held_back": data["rows"]["held_back"],
            "gate": {k: results["gate"].get(k) for k in ("passed", "why", "overall")},
        }
        version = self.registry.register(
            results["train"]["run_dir"],
            self.name,
            parent_version=data["parent_version"],
            actor="pipeline",
            note=self.reason,
            lineage=lineage,
        )
        return {"version": version.version}

    def promote(self, results: dict[str, Any]) -> dict[str, Any]:
        """Promote if the gate passed; a refusal is recorded in the registry's history."""
        version = results["register"]["version"]
        if self.registry.get(self.name, version).stage == "production":
            return {"promoted": True, "version": version, "why": "already in production"}
        try:
            reason = f"retrain: {self.reason}"
            self.registry.promote(
                self.name, version, actor="pipeline", reason=reason, evidence=results["gate"]
            )
        except GateRefused as refused:
            return {"promoted": False, "version": version, "why": str(refused),
                    "corrections_set_aside": self._set_aside(results)}  # fmt: skip
        return {"promoted": True, "version": version, "why": results["gate"]["why"]}

    def _set_aside(self, results: dict[str, Any]) -> int:
        """When the challenger is worse on the frozen holdout, its new corrections are to blame:
        they are kept but no longer trained on (``autoglm feedback reinstate`` undoes it)."""
        holdout = results["gate"].get("slices", {}).get("holdout", {})
        if holdout.get("delta", 0.0) >= 0 or self.job_id is None:
            return 0
        data = results[DATA_STEP]
        return FeedbackStore(self.registry.engine).reject(
            self.name, data["feedback_after_id"], data["feedback_upto_id"], self.job_id
        )

    # ---------------------------------------------------------------- helpers
    def _parent_spec(self, parent: ModelVersion) -> TaskSpec:
        if not parent.spec:
            raise ValueError(
                f"{self.name} v{parent.version} has no training spec; set data: "
                "and test: in the pipeline file"
            )
        spec = TaskSpec.model_validate(parent.spec)
        updates = {
            k: v
            for k, v in (("dataset_path", self.config.data), ("test_path", self.config.test))
            if v
        }
        spec = spec.model_copy(update=updates)
        if not Path(spec.dataset_path).is_file():
            raise FileNotFoundError(
                f"the training data of {self.name} v{parent.version} is not at "
                f"{spec.dataset_path}; set data: in the pipeline file"
            )
        return spec

    def _budget(self, spec: TaskSpec) -> Budget:
        seconds = parse_duration(self.config.budget)
        if seconds is None and self.config.max_trials is None:
            return spec.budget
        return Budget(time_s=seconds, max_trials=self.config.max_trials)


def _held_back(new: list[StoredCorrection], share: float) -> list[StoredCorrection]:
    """The most recent ``share`` of the new corrections: what the gate checks, not trains on."""
    count = int(round(len(new) * share))
    return new[len(new) - count :] if count else []


def _right(model: TextClassifier, texts: list[str], labels: list[str]) -> list[bool]:
    if not texts:
        return []
    return [p == y for p, y in zip(model.predict(texts), labels, strict=True)]


def _write(path: str, texts: list[str], labels: list[str]) -> None:
    pd.DataFrame({"text": texts, "label": labels}).to_csv(path, index=False)


def _same(result: dict[str, Any]) -> dict[str, Any]:
    return result


def _restored(data: dict[str, Any], _inputs: dict[str, Any]) -> dict[str, Any]:
    return data
