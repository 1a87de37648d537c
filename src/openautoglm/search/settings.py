"""What the search is asked to do and what it hands on: settings, splits, outcome."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from sklearn.model_selection import StratifiedKFold, train_test_split

from openautoglm.data.stratify import iterative_folds, quantile_bins
from openautoglm.data.validate import VALIDATION_SHARE
from openautoglm.search.store import TrialRecord

#: how many of the best trials the ensemble may draw from
ENSEMBLE_POOL = 8
#: above this many training rows the search cross-validates on a stratified sample of them
#: (the winners are refit on all rows): trial time then stops growing with the data
SEARCH_MAX_ROWS = 20_000


@dataclass
class SearchSettings:
    """How the search spends its budget."""

    metric: str = "accuracy"
    max_trials: int | None = None
    n_jobs: int = 1
    seed: int = 0
    target_score: float | None = None
    time_budget_s: float | None = None
    families: list[str] = field(default_factory=list)
    round_size: int = 4
    storage_url: str | None = None  # where the study lives (default: study.db in the run folder)
    #: (family, params) to try before the portfolio, e.g. a parent model's best configurations
    warm_start: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    strategy: str = (
        "dag"  # serial: one trial at a time; pipeline: round by round; dag: any free slot
    )
    task_type: str = "text_classification"  # decides the targets' shape, splits and scoring


@dataclass
class SearchOutcome:
    """What the search leaves for the ensemble and refit steps."""

    records: list[TrialRecord]
    holdout_rows: np.ndarray
    events: list[dict[str, Any]]
    #: the training rows the search ran on (None: all of them); out-of-fold rows follow it
    sample_rows: np.ndarray | None = None

    def completed(self) -> list[TrialRecord]:
        """Completed trials, best first."""
        done = [r for r in self.records if r.state == "complete" and r.score is not None]
        return sorted(done, key=lambda r: -(r.score or 0.0))


def n_folds(n_rows: int, min_class_count: int) -> int:
    """Fewer folds on large data (cost) and never more folds than the rarest class has rows."""
    folds = 5 if n_rows <= 5_000 else 3
    return max(2, min(folds, min_class_count))


def stratified_rows(y: np.ndarray, n_rows: int, seed: int) -> np.ndarray | None:
    """Sorted indices of a stratified sample of ``n_rows`` rows; None when all rows fit.

    Every class keeps at least one row, so a model fitted on the sample knows every label.

    Example:
        >>> stratified_rows(np.array([0, 1] * 50), 10, seed=0).shape
        (10,)
    """
    if len(y) <= n_rows:
        return None
    rows = np.arange(len(y))
    try:
        sample = train_test_split(rows, train_size=n_rows, stratify=y, random_state=seed)[0]
    except ValueError:  # a class with a single row cannot be stratified
        sample = np.random.default_rng(seed).choice(rows, n_rows, replace=False)
    missing = np.setdiff1d(np.unique(y), y[sample])
    extra = [int(np.flatnonzero(y == label)[0]) for label in missing]
    return np.sort(np.concatenate([sample, extra]).astype(np.int64))


def row_order(n_rows: int, sample: np.ndarray | None, seed: int) -> np.ndarray:
    """Training rows in the order the run prepares them: the search's sample first.

    Features computed once for the run (tokens, embeddings) go in this order, so when time
    runs out the rows that have them are a sample too: the search's, then seeded random rows.
    """
    if sample is None:
        return np.arange(n_rows)
    rest = np.setdiff1d(np.arange(n_rows), sample)
    return np.concatenate([sample, np.random.default_rng(seed).permutation(rest)])


def search_strata(y: np.ndarray, task_type: str = "text_classification") -> np.ndarray:
    """One stratum per row to sample on: the class, a quantile bin of a regression target, or
    the rarest label of a multilabel row (-1 for none, relabelled to 0..k)."""
    y = np.asarray(y)
    if y.ndim == 2:
        counts = y.sum(axis=0)
        rarity = np.where(y > 0, counts, np.inf)
        strata = np.where(y.any(axis=1), rarity.argmin(axis=1), -1)
        return np.unique(strata, return_inverse=True)[1]
    if task_type in ("text_regression", "text_pair_regression"):
        return quantile_bins(y)
    return y


def search_splits(
    y: np.ndarray, seed: int, task_type: str = "text_classification"
) -> tuple[list[tuple[np.ndarray, np.ndarray]], tuple[np.ndarray, np.ndarray]]:
    """The stratified CV folds and the (fit, validation) holdout every trial of a run uses.

    Multilabel targets are split by iterative stratification, regression targets by
    quantile bins, classes by StratifiedKFold.
    """
    if np.ndim(y) == 2:
        return _multilabel_splits(np.asarray(y), seed)
    if task_type in ("text_regression", "text_pair_regression"):
        y = quantile_bins(y, max(2, min(10, len(y) // 10)))  # bins big enough to stratify
    counts = np.bincount(y)
    k = n_folds(len(y), int(counts[counts > 0].min()))
    skf = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    rows = np.arange(len(y))
    folds = list(skf.split(rows, y))
    fit_rows, val_rows = train_test_split(
        rows, test_size=VALIDATION_SHARE, stratify=y, random_state=seed
    )
    return folds, (np.sort(fit_rows), np.sort(val_rows))


def _multilabel_splits(
    y: np.ndarray, seed: int
) -> tuple[list[tuple[np.ndarray, np.ndarray]], tuple[np.ndarray, np.ndarray]]:
    rows = np.arange(len(y))
    k = max(2, min(n_folds(len(y), len(y)), len(y) // 2))
    fold_of = iterative_folds(y, k, seed)
    folds = [(rows[fold_of != f], rows[fold_of == f]) for f in range(k)]
    holdout_of = iterative_folds(y, max(2, round(1 / VALIDATION_SHARE)), seed)
    return folds, (rows[holdout_of != 0], rows[holdout_of == 0])


def run_notes(events: list[dict[str, Any]]) -> list[str]:
    """What a user should know about how the search and the refit went (RunResult.notes)."""
    notes = []
    for event in events:
        if event["event"] == "search_sample":
            notes.append(
                f"the search cross-validated on a stratified sample of {event['rows']:,} of the "
                f"{event['of']:,} training rows (trial time then does not grow with the data); "
                "the chosen models were refit on more rows"
            )
        if event["event"] == "refit_sample":
            notes.append(
                f"trial {event.get('trial', '?')} was refit on {event['rows']:,} of the "
                f"{event['of']:,} training rows: all of them would not have fit the time "
                "budget; a larger time_budget= refits on every row"
            )
        if event["event"] == "refit_fallback":
            notes.append(
                "refitting the ensemble did not fit the time budget, so its fastest member "
                f"(trial {event['trial']}) was refit on {event['rows']:,} of the "
                f"{event['of']:,} training rows instead, past the budget; a larger "
                "time_budget= gives the full ensemble"
            )
        if event["event"] == "calibration_skipped" and "task_type" in event:
            notes.append(
                f"uncertainty, prediction sets, explanations and distillation are for "
                f"classifiers: skipped for {event['task_type']} ({event['reason']})"
            )
        if event["event"] == "thresholds_tuned":
            notes.append(
                f"per-label decision thresholds were tuned on the out-of-fold probabilities of "
                f"{event['rows']:,} training rows"
                + (" (a row with no label above its threshold gets its most probable label)"
                   if event["at_least_one"] else "")
                + "; uncertainty, prediction sets, explanations and distillation are for "
                "single-label classifiers and were skipped"
            )  # fmt: skip
        if event["event"] == "constraints_skipped":
            notes.append(
                "max_latency_ms / max_model_mb choose among distilled students of single-label "
                f"classifiers only; the {event['task_type']} model is the run's final model"
            )
        if event["event"] == "fallback_started":
            notes.append(
                "the time budget was spent before any trial finished, so the fastest family "
                f"({event['family']}) ran once to give a model; resume with a fresh budget "
                "(time_budget=) for a better one"
            )
    return notes


def records_to_json(records: list[TrialRecord]) -> list[dict[str, Any]]:
    """Plain dicts of the records, for leaderboard.json."""
    return [asdict(r) for r in records]


def ensemble_pool(ranked: list[TrialRecord]) -> list[TrialRecord]:
    """The trials the ensemble may use: each family's best, then the next best overall.

    Diversity is where an ensemble gains: without the per-family bests, near-copies of one
    family's configuration can fill the whole pool.
    """
    pool: list[TrialRecord] = []
    for record in ranked:
        if all(p.family != record.family for p in pool):
            pool.append(record)
    pool += [r for r in ranked if r not in pool][: max(0, ENSEMBLE_POOL - len(pool))]
    return sorted(pool, key=lambda r: -(r.score or 0.0))
