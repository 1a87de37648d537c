"""Tasks the executors run and the results they report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from openautoglm.plan.dag import RetryPolicy
from openautoglm.resources import Resources


@dataclass
class Task:
    """One unit of work: a picklable top-level function and its arguments."""

    key: str
    fn: Callable[..., Any]
    args: tuple[Any, ...] = ()
    resources: Resources = field(default_factory=Resources)
    timeout_s: float | None = None
    kind: str = ""  # what sort of work (a family, a step): run-time history is kept per kind
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    attempts: int = 0  # tries so far (set by the executor)
    not_before: float = 0.0  # monotonic time before which a retry may not start
    preemptions: int = 0  # times stopped to relieve memory pressure


#: a step stopped this often for memory pressure fails instead of being queued again
MAX_PREEMPTIONS = 2


@dataclass
class TaskResult:
    """How a task ended: status is ok, failed (raised), timeout (killed) or crashed (died)."""

    key: str
    status: str
    value: Any = None
    error: str | None = None
    seconds: float = 0.0
    attempts: int = 1

    @property
    def ok(self) -> bool:
        return self.status == "ok"
