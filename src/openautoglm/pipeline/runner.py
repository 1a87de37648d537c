"""Run a pipeline once or on a schedule, through the retrain queue, with CI-friendly codes.

Exit codes: 0 promoted (or the steps ended before promote), 10 the gate refused, 11 nothing
to do (no trigger fired, or a retrain of the model is already running), 1 error.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openautoglm.engine.state import RunLocked
from openautoglm.feedback.stats import feedback_stats
from openautoglm.feedback.triggers import fired
from openautoglm.pipeline.config import PipelineConfig
from openautoglm.pipeline.queue import RetrainBusy, RetrainQueue
from openautoglm.pipeline.retrain import RetrainJob
from openautoglm.registry.model_registry import Registry
from openautoglm.spec import parse_duration

EXIT_PROMOTED, EXIT_ERROR, EXIT_REFUSED, EXIT_SKIPPED = 0, 1, 10, 11


@dataclass
class PipelineOutcome:
    """How one pass ended."""

    status: str  # promoted | registered | trained | refused | skipped
    exit_code: int
    message: str
    job_id: int | None = None
    results: dict[str, Any] = field(default_factory=dict)


def run_pipeline(
    config: PipelineConfig, reason: str = "manual", if_triggered: bool = False
) -> PipelineOutcome:
    """One pass: check the trigger (``if_triggered``), take the queue's slot, run the job."""
    registry = Registry(config.registry_url, config.store)
    registry.get(config.model)  # an unknown model or no production version: say so first
    if if_triggered:
        reasons = fired(config.trigger, feedback_stats(registry, config.model))
        if not reasons:
            return PipelineOutcome("skipped", EXIT_SKIPPED, "no trigger fired")
        reason = "; ".join(reasons)
    queue = RetrainQueue(registry.engine)
    try:
        job = queue.active(config.model) or queue.submit(config.model, reason)
    except RetrainBusy as busy:
        return PipelineOutcome("skipped", EXIT_SKIPPED, str(busy), busy.job.id)
    job_dir = Path(job.run_dir) if job.run_dir else config.job_root() / f"job-{job.id}"
    try:
        retrain = RetrainJob(config, registry, job_dir, job.reason, job.id)
        results = retrain.run(on_locked=lambda: queue.start(job.id, str(job_dir)))
    except RunLocked as locked:  # a live process owns the job: leave it alone
        message = f"a retrain of {config.model} is already running (job {job.id}): {locked}"
        return PipelineOutcome("skipped", EXIT_SKIPPED, message, job.id)
    except KeyboardInterrupt:
        raise  # the job stays running: the next pass resumes it from its folder
    except Exception as exc:
        queue.finish(job.id, "failed", {"error": f"{type(exc).__name__}: {exc}"})
        raise
    outcome = _outcome(results, job.id)
    queue.finish(
        job.id,
        outcome.status,
        {
            "message": outcome.message,
            "feedback_upto_id": results["data"]["feedback_upto_id"],
            **{k: results.get(k) for k in ("register", "promote")},
        },
    )
    return outcome


def run_every(
    config: PipelineConfig,
    every: str | float,
    on_outcome: Callable[[PipelineOutcome], None],
    passes: int | None = None,
) -> None:
    """Check the trigger every ``every`` (e.g. ``1h``) and run when it fires; Ctrl-C stops."""
    seconds = parse_duration(every)
    if not seconds or seconds <= 0:
        raise ValueError(f"--every needs a positive duration such as 10m or 1h, got {every!r}")
    done = 0
    while passes is None or done < passes:
        started = time.monotonic()
        on_outcome(run_pipeline(config, if_triggered=True))
        done += 1
        if passes is None or done < passes:
            time.sleep(max(0.0, seconds - (time.monotonic() - started)))


def _outcome(results: dict[str, Any], job_id: int) -> PipelineOutcome:
    if "promote" in results:
        promote = results["promote"]
        if promote["promoted"]:
            return PipelineOutcome(
                "promoted",
                EXIT_PROMOTED,
                f"v{promote['version']} promoted: {promote['why']}",
                job_id,
                results,
            )
        return PipelineOutcome("refused", EXIT_REFUSED, promote["why"], job_id, results)
    if "register" in results:
        version = results["register"]["version"]
        return PipelineOutcome(
            "registered", EXIT_PROMOTED, f"v{version} registered (staging)", job_id, results
        )
    metrics = results.get("train", {}).get("metrics", {})
    return PipelineOutcome("trained", EXIT_PROMOTED, f"trained: {metrics}", job_id, results)
