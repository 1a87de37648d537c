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

        self.ray = ray
        if not ray.is_initialized():
            ray.init(address=address, ignore_reinit_error=True, log_to_driver=False)
        self.cpus = int(cpus or ray.cluster_resources().get("CPU", 1))
        self._remote = ray.remote(_call)
        self._queue: list[Task] = []
        self._running: dict[str, _Running] = {}
        self.counts = {"done": 0, "failed": 0, "retried": 0, "preempted": 0}

    @property
    def free_cpus(self) -> float:
        """Cores of this run's share not granted to a running task."""
        return self.cpus - sum(max(1.0, r.task.resources.cpus) for r in self._running.values())

    def submit(self, task: Task) -> None:
        """Queue a task; it goes to Ray when this run's share of cores allows."""
        if task.key in self._running or any(t.key == task.key for t in self._queue):
            raise ValueError(f"task {task.key!r} is already queued or running")
        self._queue.append(task)
        self._start_ready()

    def poll(self, timeout: float = 0.5) -> list[TaskResult]:
        """Results of tasks that finished within ``timeout`` seconds (as they finish)."""
        self._start_ready()
        if not self._running:
            time.sleep(min(timeout, 0.1))  # a retry may be waiting out its backoff
            return []
        refs = [r.ref for r in self._running.values()]
        ready, _ = self.ray.wait(refs, num_returns=len(refs), timeout=timeout)
        ended = [self._collect(ref) for ref in ready] + self._expire()
        results = [r for r in (self._settle(res, task) for res, task in ended) if r is not None]
        self._start_ready()
        return results

    def cancel(self) -> list[TaskResult]:
        """Drop queued tasks and cancel running ones (reported as timeouts)."""
        self._queue.clear()
        out = []
        for key in list(self._running):
            run = self._running.pop(key)
            self.ray.cancel(run.ref, force=True)
            out.append(TaskResult(key, "timeout", error="cancelled: the run's time budget was "
                                  "reached", seconds=time.monotonic() - run.started))  # fmt: skip
        return out

    def shutdown(self) -> None:
        """Cancel what runs; the cluster itself stays up for others."""
        self.cancel()

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

    # -------------------------------------------------------------- internals
    def _start_ready(self) -> None:
        now = time.monotonic()
        while self._queue:
            task = self._queue[0]
            cpus = max(1.0, min(task.resources.cpus, self.cpus))
            if task.not_before > now or (self._running and cpus > self.free_cpus):
                return
            self._queue.pop(0)
            task.attempts += 1
            options = {
                "num_cpus": cpus,
                "memory": int(task.resources.memory_mb * 2**20),
                "num_gpus": task.resources.gpus,
                "max_retries": 0,  # retries follow the task's own policy, below
            }
            ref = self._remote.options(**options).remote(task.fn, task.args, int(cpus))
            self._running[task.key] = _Running(task, ref, time.monotonic())

    def _collect(self, ref: Any) -> tuple[TaskResult, Task]:
        key = next(k for k, r in self._running.items() if r.ref == ref)
        run = self._running.pop(key)
        seconds = time.monotonic() - run.started
        try:
            value = self.ray.get(ref)
        except self.ray.exceptions.RayTaskError as exc:
            cause = exc.cause if getattr(exc, "cause", None) is not None else exc
            error = f"{type(cause).__name__}: {cause}"
            return TaskResult(key, "failed", error=error, seconds=seconds), run.task
        except self.ray.exceptions.RayError as exc:  # the worker died (crash, OOM kill)
            error = f"worker died: {exc}\n{traceback.format_exc(limit=2)}"
            return TaskResult(key, "crashed", error=error, seconds=seconds), run.task
        return TaskResult(key, "ok", value=value, seconds=seconds), run.task

    def _expire(self) -> list[tuple[TaskResult, Task]]:
        out = []
        now = time.monotonic()
        for key, run in list(self._running.items()):
            timeout = run.task.timeout_s
            if timeout is not None and now - run.started > timeout:
                self.ray.cancel(run.ref, force=True)
                del self._running[key]
                reason = f"killed after its timeout of {timeout:.0f} s"
                result = TaskResult(key, "timeout", error=reason, seconds=now - run.started)
                out.append((result, run.task))
        return out

    def _settle(self, result: TaskResult, task: Task) -> TaskResult | None:
        result.attempts = task.attempts
        if result.ok:
            self.counts["done"] += 1
            return result
        if task.attempts <= task.retry.count and result.status in task.retry.on:
            self.counts["retried"] += 1
            task.not_before = time.monotonic() + task.retry.delay(task.attempts)
            self._queue.append(task)
            return None
        self.counts["failed"] += 1
        return result
