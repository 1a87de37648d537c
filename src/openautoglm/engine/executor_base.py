"""What every executor shares: a queue of tasks, the ones running, and waiting for them all."""

from __future__ import annotations

import threading
from typing import Any

from openautoglm.engine.steps import Interrupted
from openautoglm.engine.tasks import Task, TaskResult


def pin_threads(cpus: int) -> None:
    """Limit math libraries (BLAS, OpenMP, torch) to the cores a task was granted, so that
    parallel tasks don't oversubscribe the machine."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=max(1, cpus))
    try:
        import torch

        torch.set_num_threads(max(1, cpus))
    except ImportError:
        pass


class ExecutorBase:
    """Queue bookkeeping common to the local and the Ray executor."""

    _queue: Any  # deque or list of Task
    _running: dict[str, Any]

    def __enter__(self) -> ExecutorBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    @property
    def busy(self) -> bool:
        """Whether any task is queued or running."""
        return bool(self._queue or self._running)

    @property
    def queued(self) -> int:
        """Tasks waiting for resources."""
        return len(self._queue)

    def wait_all(self, stop: threading.Event | None = None) -> list[TaskResult]:
        """Block until every queued and running task has ended.

        When ``stop`` is set meanwhile, the tasks are cancelled and Interrupted is raised.
        """
        results: list[TaskResult] = []
        while self.busy:
            if stop is not None and stop.is_set():
                self.cancel()
                raise Interrupted("stopped while waiting for tasks")
            results.extend(self.poll(0.5))
        return results

    def cancel(self) -> list[TaskResult]:
        raise NotImplementedError

    def poll(self, timeout: float = 0.5) -> list[TaskResult]:
        raise NotImplementedError

    def submit(self, task: Task) -> None:
        raise NotImplementedError

    def shutdown(self) -> None:
        raise NotImplementedError
