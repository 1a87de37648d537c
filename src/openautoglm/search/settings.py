"""What the search is asked to do and what it hands on: settings, splits, outcome."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from sklearn.model_selection import StratifiedKFold, train_test_split

from openautoglm.data.validate import VALIDATION_SHARE
from openautoglm.search.store import TrialRecord

#: how many of the best trials the ensemble may draw from
ENSEMBLE_POOL = 8


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
    strategy: str = (
        "dag"  # serial: one trial at a time; pipeline: round by round; dag: any free slot
    )


@dataclass
class SearchOutcome:
    """What the search leaves for the ensemble and refit steps."""

    records: list[TrialRecord]
    holdout_rows: np.ndarray
    events: list[dict[str, Any]]

    def completed(self) -> list[TrialRecord]:
        """Completed trials, best first."""
        done = [r for r in self.records if r.state == "complete" and r.score is not None]
        return sorted(done, key=lambda r: -(r.score or 0.0))


def n_folds(n_rows: int, min_class_count: int) -> int:
    """Fewer folds on large data (cost) and never more folds than the rarest class has rows."""
    folds = 5 if n_rows <= 5_000 else 3
    return max(2, min(folds, min_class_count))


def search_splits(
    y: np.ndarray, seed: int
) -> tuple[list[tuple[np.ndarray, np.ndarray]], tuple[np.ndarray, np.ndarray]]:
    """The stratified CV folds and the (fit, validation) holdout every trial of a run uses."""
    counts = np.bincount(y)
    k = n_folds(len(y), int(counts[counts > 0].min()))
    skf = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    rows = np.arange(len(y))
    folds = list(skf.split(rows, y))
    fit_rows, val_rows = train_test_split(
        rows, test_size=VALIDATION_SHARE, stratify=y, random_state=seed
    )
    return folds, (np.sort(fit_rows), np.sort(val_rows))


def search_notes(events: list[dict[str, Any]]) -> list[str]:
    """What a user should know about how the search went (for RunResult.notes)."""
    notes = []
    for event in events:
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
