"""The refit step: the ensemble's members fitted again on the training rows, in workers."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from openautoglm.data import PreparedData
from openautoglm.engine.executor_base import Executor
from openautoglm.engine.local import Task, TaskResult
from openautoglm.errors import SearchFailed
from openautoglm.models.catalog import family_class
from openautoglm.models.ensemble import WeightedEnsemble
from openautoglm.run_records import Refit
from openautoglm.search.clock import RunClock
from openautoglm.search.runner import FALLBACK_TIMEOUT_S
from openautoglm.search.settings import row_order
from openautoglm.search.store import TrialRecord
from openautoglm.search.trial import fit_full


class Refitter:
    """Refits cross-validated members in parallel worker processes, within the run's clock.

    Every row, unless the search ran on a sample and refitting on all would overrun the
    budget, or a member reads features (tokens, embeddings) only some rows have. When every
    refit fails, the fastest member is refit on the search's rows, so a run ends with a model.
    """

    def __init__(
        self,
        executor: Executor,
        clock: RunClock,
        run_dir: Path,
        cache_dir: str,
        seed: int,
        stop: threading.Event,
        note: Callable[[dict[str, Any]], None],
    ) -> None:
        self.executor, self.clock, self.run_dir = executor, clock, run_dir
        self.cache_dir, self.seed, self.stop, self.note = cache_dir, seed, stop, note

    def run(
        self,
        data: PreparedData,
        members: list[tuple[TrialRecord, float]],
        ready: dict[str, int],
        sample: np.ndarray | None,
    ) -> Refit:
        """The refit ensemble; ``ready`` counts the rows each shared feature was computed for."""
        fitted: dict[int, Path] = {}
        submitted: list[int] = []
        share = self.clock.refit_share([r for r, _ in members])
        for record, _ in members:
            if record.model_dir:  # holdout families keep the model their trial trained
                fitted[record.number] = Path(record.model_dir)
                continue
            texts, y = self.rows(data, record, share, ready, sample)
            out = self.run_dir / "refit" / f"{record.number:04d}"
            self._submit(f"refit-{record.number}", record, texts, y, data.language, out,
                         max(30.0, self.clock.step_limit()))  # fmt: skip
            fitted[record.number] = out
            submitted.append(record.number)
        results = self.executor.wait([f"refit-{n}" for n in submitted], self.stop)
        failed = {int(r.key.split("-")[1]) for r in results if not r.ok}
        kept = [(r, w) for r, w in members if r.number not in failed]
        if not kept:
            kept = [self._fallback(data, [r for r, _ in members], fitted, results, sample)]
        models = [family_class(r.family).load(fitted[r.number]) for r, _ in kept]
        folders = [fitted[r.number] for r, _ in kept]
        return Refit(WeightedEnsemble(models, [w for _, w in kept]), folders)

    def rows(
        self,
        data: PreparedData,
        record: TrialRecord,
        share: float,
        ready: dict[str, int],
        sample: np.ndarray | None,
    ) -> tuple[list[str], np.ndarray]:
        """The rows one member is refit on: all, or the first rows of ``row_order``.

        As many as ``share`` of the time allows, never fewer than the search had, and only
        rows whose shared features the member reads were computed (``ready``).
        """
        n_rows = len(data.train_y)
        floor = n_rows if sample is None else len(sample)
        count = max(floor, int(share * n_rows))
        for feature in family_class(record.family).reads_shared(record.params):
            count = min(count, max(floor, ready.get(feature, n_rows)))
        if count >= n_rows:
            return data.train_texts, data.train_y
        rows = np.sort(row_order(n_rows, sample, self.seed)[:count])
        self.note({"event": "refit_sample", "rows": count, "of": n_rows, "trial": record.number})
        return [data.train_texts[i] for i in rows], data.train_y[rows]

    def _submit(
        self,
        key: str,
        record: TrialRecord,
        texts: list[str],
        y: np.ndarray,
        language: str,
        out: Path,
        limit: float,
    ) -> None:
        args = (record.family, record.params, texts, y, language, self.cache_dir, str(out))
        resources = family_class(record.family).resources
        self.executor.submit(
            Task(key, fit_full, args, resources, limit, kind=f"refit:{record.family}")
        )

    def _fallback(
        self,
        data: PreparedData,
        members: list[TrialRecord],
        fitted: dict[int, Path],
        failures: list[TaskResult],
        sample: np.ndarray | None,
    ) -> tuple[TrialRecord, float]:
        """Every refit failed: the fastest member on the search's rows, whatever the time."""
        record = min(members, key=lambda r: r.fit_s or math.inf)
        rows = np.arange(len(data.train_y)) if sample is None else sample
        out = self.run_dir / "refit" / f"{record.number:04d}-fallback"
        key = f"refit-{record.number}-fallback"
        texts = [data.train_texts[i] for i in rows]
        self._submit(key, record, texts, data.train_y[rows], data.language, out, FALLBACK_TIMEOUT_S)
        (result,) = self.executor.wait([key], self.stop)
        if not result.ok:
            errors = "; ".join(f"{r.key}: {r.error}" for r in [*failures, result])
            raise SearchFailed(f"every ensemble member failed to refit: {errors}")
        fitted[record.number] = out
        self.note({"event": "refit_fallback", "trial": record.number, "rows": len(rows),
                   "of": len(data.train_y)})  # fmt: skip
        return record, 1.0
