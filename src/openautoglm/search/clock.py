"""The run's time budget in one object: what is spent, what is left, what the search may use."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from openautoglm.search.settings import ensemble_pool
from openautoglm.search.store import TrialRecord

#: when there is no budget, how long a step that needs a time limit is given
NO_BUDGET_STEP_S = 3600.0


@dataclass
class RunClock:
    """Counts a run's time against its budget, across resumes.

    ``predict_rows`` is what evaluation will predict (test rows plus the timing samples),
    ``n_jobs`` how many members refit at once and ``refit_scale`` how many times more rows
    the refit has than the search's folds (above 1 when the search ran on a sample):
    together they size the time kept back from the search for the steps after it.

    Example:
        >>> clock = RunClock(budget_s=300, predict_rows=1000, n_jobs=2)
        >>> clock.left() <= 300
        True
    """

    budget_s: float | None
    predict_rows: int = 0
    n_jobs: int = 1
    spent_before: float = 0.0  # time an interrupted process already spent
    refit_scale: float = 1.0
    started: float = field(default_factory=time.monotonic)

    @property
    def deadline(self) -> float:
        """The time.monotonic() value by which the run must end (inf without a budget)."""
        if not self.budget_s:
            return math.inf
        return self.started - self.spent_before + self.budget_s

    def spent(self) -> float:
        """Seconds spent on the run, earlier processes included."""
        return self.spent_before + time.monotonic() - self.started

    def left(self) -> float:
        """Seconds until the deadline (inf without a budget)."""
        return self.deadline - time.monotonic()

    def step_limit(self) -> float:
        """A time limit for a step: what is left (at least a second), an hour without a budget."""
        left = self.left()
        return NO_BUDGET_STEP_S if math.isinf(left) else max(1.0, left)

    def reserve(self, records: list[TrialRecord]) -> float:
        """Seconds to keep for ensembling, refit and evaluation, from the best trials so far."""
        done = sorted((r for r in records if r.state == "complete"), key=lambda r: -(r.score or 0))
        pool = ensemble_pool(done)  # any of these may end up in the ensemble
        refit = self.refit_seconds(pool)
        return 5.0 + 0.03 * (self.budget_s or 0.0) + refit + self.predict_seconds(pool)

    def refit_seconds(self, members: list[TrialRecord]) -> float:
        """Expected seconds to refit ``members`` on all training rows, ``n_jobs`` at a time.

        The slowest member bounds it from below however many run at once; a refit scaled
        up from a sample gets a wider margin (moving the rows to the workers, slower
        convergence on more data).
        """
        margin = 1.3 if self.refit_scale <= 1.0 else 1.6
        times = [(r.fit_s or 0.0) * margin * self.refit_scale for r in members if not r.model_dir]
        if not times:
            return 0.0
        return max(sum(times) / max(1, min(self.n_jobs, len(times))), max(times))

    def predict_seconds(self, members: list[TrialRecord]) -> float:
        """Expected seconds for evaluation to predict its rows with ``members``."""
        return sum(self.predict_rows / max(r.predict_rows_per_s or 1e9, 1.0) for r in members)

    def refit_share(self, members: list[TrialRecord]) -> float:
        """The share of the training rows a refit of ``members`` can use and end in time.

        1.0 when the full refit fits what is left (or there is no budget); less when the
        search ran on a sample and refitting on every row would overrun the budget.
        """
        needed = self.refit_seconds(members)
        room = self.left() - self.predict_seconds(members) - 5.0
        if math.isinf(room) or needed <= room:
            return 1.0
        return max(room, 0.0) / needed

    def search_left(self, records: list[TrialRecord]) -> float:
        """Seconds the search may still use."""
        return self.left() - self.reserve(records)
