"""The executor a run asks for: local worker processes (default) or a Ray cluster."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from openautoglm.engine.local import LocalExecutor, Task, TaskResult
from openautoglm.engine.monitor import Monitor

BACKENDS: tuple[str, ...] = ("local", "ray")


class Executor(Protocol):
    """What the search and the steps need of an executor, whatever runs the tasks."""

    cpus: int

    @property
    def busy(self) -> bool: ...

    @property
    def queued(self) -> int: ...

    @property
    def free_cpus(self) -> float: ...

    def submit(self, task: Task) -> None: ...

    def poll(self, timeout: float = 0.5) -> list[TaskResult]: ...

    def wait_all(self) -> list[TaskResult]: ...

    def cancel(self) -> list[TaskResult]: ...

    def shutdown(self) -> None: ...

    def stats(self) -> dict[str, Any]: ...


def make_executor(settings: Any, on_event: Callable[[dict[str, Any]], None]) -> Executor:
    """An executor for ``settings`` (EngineSettings: n_jobs, backend, address, policy)."""
    if settings.backend == "local":
        monitor = Monitor(max_parallel=settings.n_jobs, on_change=on_event)
        return LocalExecutor(cpus=settings.n_jobs, policy=settings.policy, monitor=monitor)
    if settings.backend == "ray":
        from openautoglm.engine.ray_executor import RayExecutor

        return RayExecutor(address=settings.address, cpus=settings.n_jobs)
    raise ValueError(f"backend must be one of {BACKENDS}, got {settings.backend!r}")
