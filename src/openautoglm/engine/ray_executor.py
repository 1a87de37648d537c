"""The executor interface on a Ray cluster: tasks carry their resource requests to Ray."""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from openautoglm.engine.executor_base import ExecutorBase, pin_threads
from openautoglm.engine.tasks import Task, TaskResult


def _call(fn: Callable[..., Any], args: tuple[Any, ...], cpus: int) -> Any:
    """Runs on a Ray worker: pin math threads to the granted cores, then call."""
    pin_threads(cpus)
    return fn(*args)


@dataclass
class _Running:
    task: Task
    ref: Any
    started: float


class RayExecutor(ExecutorBase):
    """Submits tasks as Ray tasks with ``num_cpus``/``memory``/``num_gpus``; same interface as
    LocalExecutor: results stream back as they finish, failures and timeouts become results.

    ``address``: ``"auto"``, ``"host:port"`` of a running cluster, or None for a local Ray.
    The run folder must be on storage every node sees (trials write their files there).
    """

    def __init__(self, address: str | None = None, cpus: int | None = None) -> None:
        import ray

        super().__init__()
        self.ray = ray
        if not ray.is_initialized():
            ray.init(address=address, ignore_reinit_error=True, log_to_driver=False)
        self.cpus = int(cpus or ray.cluster_resources().get("CPU", 1))
        self._remote = ray.remote(_call)
        self._running: dict[str, _Running] = {}

    @property
    def free_cpus(self) -> float:
        """Cores of this run's share not granted to a running task."""
        running = list(self._running.values())
        return self.cpus - sum(max(1.0, r.task.resources.cpus) for r in running)

    def stats(self) -> dict[str, Any]:
        """Cluster size and queued/running/done/failed tasks."""
        resources = self.ray.cluster_resources()
        available = self.ray.available_resources()
        cpus = resources.get("CPU", 0.0)
        busy = cpus - available.get("CPU", 0.0)
        return {
            "backend": "ray",
            "workers": len([n for n in self.ray.nodes() if n.get("Alive")]),
            "queued": len(self._queue),
            "running": len(self._running),
            **self.counts,
            "cpu_percent": 100.0 * busy / cpus if cpus else None,
            "memory_percent": None,
        }

    # -------------------------------------------------------------- backend hooks
    def _start_ready(self) -> None:
        now = time.monotonic()
        while self._queue:
            task = self._queue[0]
            cpus = max(1.0, min(task.resources.cpus, self.cpus))
            if task.not_before > now or (self._running and cpus > self.free_cpus):
                return
            self._queue.popleft()
            task.attempts += 1
            options = {
                "num_cpus": cpus,
                "memory": int(task.resources.memory_mb * 2**20),
                "num_gpus": task.resources.gpus,
                "max_retries": 0,  # retries follow the task's own policy, in ExecutorBase._settle
            }
            ref = self._remote.options(**options).remote(task.fn, task.args, int(cpus))
            self._running[task.key] = _Running(task, ref, time.monotonic())

    def _handles(self) -> list[Any]:
        return [r.ref for r in self._running.values()]

    def _block(self, handles: list[Any], timeout: float) -> None:
        self.ray.wait(handles, num_returns=1, timeout=timeout)

    def _reap(self) -> list[tuple[TaskResult, Task]]:
        refs = {r.ref: k for k, r in self._running.items()}
        ready, _ = self.ray.wait(list(refs), num_returns=len(refs), timeout=0) if refs else ([], [])
        return [self._collect(refs[ref]) for ref in ready] + self._expire()

    def _stop_running(self, key: str, reason: str) -> TaskResult:
        run = self._running.pop(key)
        self.ray.cancel(run.ref, force=True)
        return TaskResult(key, "timeout", error=reason, seconds=time.monotonic() - run.started)

    # -------------------------------------------------------------- internals
    def _collect(self, key: str) -> tuple[TaskResult, Task]:
        run = self._running.pop(key)
        seconds = time.monotonic() - run.started
        try:
            value = self.ray.get(run.ref)
        except self.ray.exceptions.RayTaskError as exc:
            cause = exc.cause if getattr(exc, "cause", None) is not None else exc
            error = f"{type(cause).__name__}: {cause}"
            return TaskResult(key, "failed", error=error, seconds=seconds), run.task
        except self.ray.exceptions.RayError as exc:  # the worker died (crash, OOM kill)
            error = f"worker died: {exc}\n{traceback.format_exc(limit=2)}"
            return TaskResult(key, "crashed", error=error, seconds=seconds), run.task
        return TaskResult(key, "ok", value=value, seconds=seconds), run.task

    def _expire(self) -> list[tuple[TaskResult, Task]]:
        now = time.monotonic()
        expired = [
            (key, run.task)
            for key, run in self._running.items()
            if run.task.timeout_s is not None and now - run.started > run.task.timeout_s
        ]
        return [
            (self._stop_running(key, f"killed after its timeout of {task.timeout_s:.0f} s"), task)
            for key, task in expired
        ]
