"""Constraints decide: the most accurate model within max_latency_ms / max_model_mb.

Candidates, cheapest first: the run's final model (the teacher), each of its ensemble members
alone (already refit, so only measured), then distilled students (linear, fastText) when no
model so far meets the limits. They are ranked by an estimate that never reads the test split:
the cross-validated score for the teacher (its members' out-of-fold probabilities, weighted)
and for members, the validation-split accuracy for students. Latency is the median
single-text latency (measure_speed); size is the saved bundle's size on disk. When nothing
meets the limits the model closest to them is delivered with a warning naming the gap.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from openautoglm.evaluate.metrics import classification_metrics, score
from openautoglm.evaluate.speed import measure_speed
from openautoglm.models.ensemble import WeightedEnsemble
from openautoglm.registry.bundle import TextClassifier, load_bundle, save_bundle
from openautoglm.spec import TaskSpec

if TYPE_CHECKING:
    from openautoglm.distill.distiller import TrainingData

#: with less run time left than this, students use T=4, alpha=0.7 (the linear one C 128)
#: instead of searching
SEARCH_MIN_LEFT_S = 300.0
#: where the run keeps the teacher when another model is delivered (inside refit/, which
#: run folders may hold, so --overwrite still recognises the folder)
TEACHER_FOLDER = ("refit", "teacher")


class ConstraintWarning(UserWarning):
    """No model meets the spec's constraints: the closest one was delivered."""


@dataclass
class Option:
    """One model the run could deliver, with what the choice reads."""

    name: str
    classifier: TextClassifier
    estimate: float | None  # CV score or validation accuracy: never the test split
    latency_ms: float
    size_mb: float
    test_accuracy: float

    def gaps(self, spec: TaskSpec) -> dict[str, float]:
        """How far over each limit this model is (empty: within all of them)."""
        c, out = spec.constraints, {}
        if c.max_latency_ms is not None and self.latency_ms > c.max_latency_ms:
            out["latency_ms"] = self.latency_ms - c.max_latency_ms
        if c.max_model_mb is not None and self.size_mb > c.max_model_mb:
            out["size_mb"] = self.size_mb - c.max_model_mb
        return out

    def overshoot(self, spec: TaskSpec) -> float:
        """The worst ratio of value to limit (<= 1: within every limit)."""
        c = spec.constraints
        ratios = [1.0]
        if c.max_latency_ms is not None:
            ratios.append(self.latency_ms / c.max_latency_ms)
        if c.max_model_mb is not None:
            ratios.append(self.size_mb / c.max_model_mb)
        return max(ratios)

    def row(self, spec: TaskSpec) -> dict[str, Any]:
        """The option as a row of the model card."""
        return {
            "model": self.name,
            "selection_estimate": self.estimate,
            "test_accuracy": self.test_accuracy,
            "latency_ms_p50": round(self.latency_ms, 3),
            "size_mb": round(self.size_mb, 3),
            "meets": not self.gaps(spec),
            "over_by": {k: round(v, 3) for k, v in self.gaps(spec).items()},
        }


def has_constraints(spec: TaskSpec) -> bool:
    """Whether the spec limits the delivered model's latency or size."""
    return spec.constraints.max_latency_ms is not None or spec.constraints.max_model_mb is not None


def _measure(
    name: str,
    clf: TextClassifier,
    data: TrainingData,
    estimate: float | None,
    size_mb: float | None = None,
) -> Option:
    from openautoglm.distill.distiller import bundle_mb

    speed = measure_speed(clf, list(data.test_texts))
    if size_mb is None:
        folder = Path(tempfile.mkdtemp(prefix="size-"))
        try:
            size_mb = bundle_mb(save_bundle(clf, folder / "b"))
        finally:
            shutil.rmtree(folder)
    accuracy = float((clf.predict_proba(data.test_texts).argmax(axis=1) == data.test_y).mean())
    return Option(name, clf, estimate, speed["latency_ms_p50"], size_mb, accuracy)


def _teacher_estimate(spec: TaskSpec, data: Any, members: list, refit: Any) -> float | None:
    """The teacher's CV score from its members' out-of-fold files (None when one is missing)."""
    records = [r for r, _ in members]
    if len(records) != len(refit.model.members) or not all(
        r.oof_path and Path(r.oof_path).is_file() for r in records
    ):
        return max((r.score for r in records if r.score is not None), default=None)
    weights = refit.model.weights
    probas = [np.load(r.oof_path, allow_pickle=False) for r in records]
    oof = sum(w * p for p, w in zip(probas, weights, strict=True)) / weights.sum()
    rows = ~np.isnan(oof).any(axis=1)
    y = np.asarray(data.train_y)
    if len(y) != len(oof):  # out-of-fold rows are a sample: the same rows are not known here
        return max((r.score for r in records if r.score is not None), default=None)
    return float(score(spec.metric, y[rows], oof[rows]))


def deliver_within_constraints(
    spec: TaskSpec,
    run_dir: Path,
    data: Any,
    teacher: TextClassifier,
    metrics: dict[str, Any],
    members: list,
    refit: Any,
    time_left: float | None,
) -> tuple[TextClassifier, dict[str, Any]]:
    """The model to deliver and its test metrics (with ``model_card``), saved in run/model."""
    # imported here: distillation loads torch, which a run without constraints may not need
    from openautoglm.distill.distiller import TrainingData, bundle_mb, teacher_families

    train = TrainingData.from_prepared(data)
    model_dir = run_dir / "model"
    teacher_opt = Option(
        "teacher (run's final model: " + "+".join(teacher_families(teacher)) + ")",
        teacher,
        _teacher_estimate(spec, data, members, refit),
        metrics["latency_ms_p50"],
        bundle_mb(model_dir),
        float(metrics["accuracy"]),
    )
    options = [teacher_opt]
    if len(refit.model.members) > 1 and teacher_opt.gaps(spec):
        for (record, _), member in zip(members, refit.model.members, strict=False):
            clf = TextClassifier(WeightedEnsemble([member], [1.0]), data.labels, teacher.info)
            options.append(
                _measure(
                    f"member {record.family} (trial {record.number})", clf, train, record.score
                )
            )
    notes: list[str] = []
    if not any(not o.gaps(spec) for o in options):
        notes.append("no model of the run meets the constraints: distilled students tried")
        options += _students(spec, run_dir, train, teacher, time_left, notes)
    chosen, reason, warning = pick(options, spec)
    if warning:
        notes.append(warning)
        warnings.warn(warning, ConstraintWarning, stacklevel=2)
    teacher_opt = options[0]
    card = {
        "chosen": chosen.name,
        "reason": reason,
        "constraints": _limits(spec),
        "teacher": teacher_opt.row(spec),
        "candidates": [o.row(spec) for o in options],
        "notes": notes,
        "teacher_bundle": None,
    }
    if chosen is teacher_opt:
        delivered, out_metrics = teacher, dict(metrics)
    else:
        aside = run_dir.joinpath(*TEACHER_FOLDER)
        if aside.exists():
            shutil.rmtree(aside)
        model_dir.rename(aside)
        card["teacher_bundle"] = str(aside)
        delivered = chosen.classifier
        proba = delivered.predict_proba(train.test_texts)
        out_metrics = classification_metrics(train.test_y, proba, train.labels)
        out_metrics.update(measure_speed(delivered, train.test_texts))
        out_metrics["test_source"] = metrics.get("test_source")
    out_metrics["model_card"] = card
    info = {**teacher.info, **{k: v for k, v in delivered.info.items() if k != "metrics"}}
    info["metrics"] = {k: v for k, v in out_metrics.items() if k != "per_class"}
    delivered = TextClassifier(delivered.model, delivered.labels, info, delivered.uncertainty)
    save_bundle(delivered, model_dir, overwrite=True)
    return load_bundle(model_dir), out_metrics


def pick(options: list[Option], spec: TaskSpec) -> tuple[Option, str, str | None]:
    """(chosen, why, warning): the best estimate within the limits, else the closest model.

    ``options[0]`` is the teacher; the warning (None when a model meets the limits) names the
    gap of the model delivered.
    """
    meeting = [o for o in options if not o.gaps(spec)]
    if meeting:
        chosen = max(
            meeting, key=lambda o: (o.estimate if o.estimate is not None else -1.0, o.test_accuracy)
        )
        if chosen is options[0]:
            return chosen, "the run's final model meets the constraints", None
        return (
            chosen,
            (
                f"the most accurate model (by its CV/validation estimate) of the "
                f"{len(meeting)} within the constraints"
            ),
            None,
        )
    chosen = min(options, key=lambda o: o.overshoot(spec))
    gap = ", ".join(f"{k} over by {v:.3g}" for k, v in chosen.gaps(spec).items())
    warning = (
        f"constraints {_limits(spec)} cannot be met by any model tried; delivered "
        f"{chosen.name}, the closest: {gap}"
    )
    return chosen, f"no model meets the constraints; best effort: the closest one ({gap})", warning


def _students(
    spec: TaskSpec,
    run_dir: Path,
    data: TrainingData,
    teacher: TextClassifier,
    time_left: float | None,
    notes: list[str],
) -> list[Option]:
    from openautoglm.distill.distiller import (
        LINEAR_CS,
        LINEAR_FAMILIES,
        Distiller,
        distill,
        teacher_families,
    )

    families = teacher_families(teacher)
    targets = ["linear", "fasttext"]
    if len(families) == 1 and families[0] in LINEAR_FAMILIES:
        targets.remove("linear")
        notes.append(f"the teacher is one linear model ({families[0]}): fastText student only")
    search = time_left is None or time_left > SEARCH_MIN_LEFT_S
    pair = (None, None) if search else (4.0, 0.7)
    # short of time: one fit per student (C 128 was the middle of the searched values)
    fixed_c = None if search else LINEAR_CS[1]
    cache = run_dir / "cache"
    distiller = Distiller(
        teacher, data, seed=spec.seed, cache_dir=str(cache) if cache.is_dir() else None
    )
    found = []
    for target in targets:
        student = distill(
            teacher,
            data,
            target,
            *pair,
            out=run_dir / "refit" / f"student-{target}",
            teacher_path=run_dir / "model",
            run_dir=run_dir,
            seed=spec.seed,
            overwrite=True,
            distiller=distiller,
            C=fixed_c,
        )
        found.append(
            _measure(
                f"student {target} (T={student.temperature:g}, alpha={student.alpha:g})",
                student.model,
                data,
                student.lineage["validation"]["accuracy"],
                student.metrics["bundle_mb"],
            )
        )
    return found


def _limits(spec: TaskSpec) -> dict[str, float]:
    c = spec.constraints
    return {
        k: v
        for k, v in (("max_latency_ms", c.max_latency_ms), ("max_model_mb", c.max_model_mb))
        if v is not None
    }
