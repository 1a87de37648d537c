"""The executor a run asks for: local worker processes (default) or a Ray cluster."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openautoglm.engine.executor_base import Executor
from openautoglm.engine.local import LocalExecutor
from openautoglm.engine.monitor import Monitor

BACKENDS: tuple[str, ...] = ("local", "ray")

__all__ = ["BACKENDS", "Executor", "make_executor"]


def make_executor(settings: Any, on_event: Callable[[dict[str, Any]], None]) -> Executor:
    """An executor for ``settings`` (EngineSettings: n_jobs, backend, address, policy)."""
    if settings.backend == "local":
        monitor = Monitor(max_parallel=settings.n_jobs, on_change=on_event)
        return LocalExecutor(cpus=settings.n_jobs, policy=settings.policy, monitor=monitor)
    if settings.backend == "ray":
        from openautoglm.engine.ray_executor import RayExecutor

        return RayExecutor(address=settings.address, cpus=settings.n_jobs)
    raise ValueError(f"backend must be one of {BACKENDS}, got {settings.backend!r}")
