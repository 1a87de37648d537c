"""What one trial does in its worker: cross-validate (or hold out) one configuration."""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from openautoglm.evaluate.task_scoring import task_score
from openautoglm.models.catalog import build_candidate, family_class


@dataclass
class TrialJob:
    """Everything a worker needs to evaluate one configuration (sent to the worker process)."""

    number: int
    family: str
    params: dict[str, Any]
    texts: list[str]
    y: np.ndarray
    folds: list[tuple[np.ndarray, np.ndarray]]  # (train rows, validation rows)
    holdout: tuple[np.ndarray, np.ndarray]  # for families too costly to cross-validate
    language: str
    metric: str
    cache_dir: str
    trial_dir: str
    task_type: str = "text_classification"


def n_outputs(y: np.ndarray, task_type: str) -> int:
    """Columns of the out-of-fold scores: classes, labels, or 1 for a regression target."""
    if np.ndim(y) == 2:
        return int(np.shape(y)[1])
    if task_type in ("text_regression", "text_pair_regression"):
        return 1
    return int(np.max(y)) + 1


@dataclass
class TrialOutcome:
    """A finished trial: its CV score, timings, and where its out-of-fold probabilities are."""

    number: int
    score: float
    fit_s: float  # mean seconds of one fit
    predict_rows_per_s: float
    oof_path: str
    model_dir: str | None = None  # set for holdout families, whose fitted model is kept
    extra: dict[str, Any] = field(default_factory=dict)


def run_trial(job: TrialJob) -> TrialOutcome:
    """Fit one configuration per split, score held-out rows, save out-of-fold probabilities."""
    warnings.filterwarnings("ignore")  # convergence chatter from loose solver tolerances
    holdout_only = family_class(job.family).holdout_only
    splits = [job.holdout] if holdout_only else job.folds
    oof = np.full((len(job.texts), n_outputs(job.y, job.task_type)), np.nan, dtype=np.float64)
    fit_seconds, predict_rows, predict_seconds = [], 0, 0.0
    model = None
    for train_rows, val_rows in splits:
        model = build_candidate(job.family, job.params, job.language, job.cache_dir)
        start = time.perf_counter()
        model.fit([job.texts[i] for i in train_rows], job.y[train_rows])
        fit_seconds.append(time.perf_counter() - start)
        start = time.perf_counter()
        oof[val_rows] = model.predict_scores([job.texts[i] for i in val_rows])
        predict_seconds += time.perf_counter() - start
        predict_rows += len(val_rows)
    rows = ~np.isnan(oof).any(axis=1)
    trial_dir = Path(job.trial_dir)
    trial_dir.mkdir(parents=True, exist_ok=True)
    np.save(trial_dir / "oof.npy", oof, allow_pickle=False)
    model_dir = None
    if holdout_only and model is not None:
        model_dir = str(trial_dir / "model")
        model.save(Path(model_dir))
    return TrialOutcome(
        number=job.number,
        score=task_score(job.task_type, job.metric, job.y[rows], oof[rows]),
        fit_s=float(np.mean(fit_seconds)),
        predict_rows_per_s=predict_rows / max(predict_seconds, 1e-9),
        oof_path=str(trial_dir / "oof.npy"),
        model_dir=model_dir,
        extra={"fit_history": getattr(model, "fit_history_", None)} if holdout_only else {},
    )


def fit_full(
    family: str,
    params: dict[str, Any],
    texts: list[str],
    y: np.ndarray,
    language: str,
    cache_dir: str,
    out_dir: str,
) -> dict[str, Any]:
    """Refit a configuration on all training rows and save it; returns its timing."""
    warnings.filterwarnings("ignore")
    model = build_candidate(family, params, language, cache_dir)
    start = time.perf_counter()
    model.fit(texts, y)
    seconds = time.perf_counter() - start
    model.save(Path(out_dir))
    return {"fit_s": seconds}


def probe_finetune(params: dict[str, Any], texts: list[str]) -> float:
    """Seconds one fine-tuning epoch over ``texts`` is expected to take, from a timed probe."""
    model = build_candidate("finetune", params, "en")
    return float(model.probe_seconds_per_epoch(texts))
