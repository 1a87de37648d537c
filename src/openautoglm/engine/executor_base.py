"""What every executor shares: a queue of tasks, the ones running, and waiting for them all."""

from __future__ import annotations

from typing import Any

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

    def wait_all(self) -> list[TaskResult]:
        """Block until every queued and running task has ended."""
        results: list[TaskResult] = []
        while self.busy:
            results.extend(self.poll(0.5 if self._queue else 1.0))
        return results

    def poll(self, timeout: float = 0.5) -> list[TaskResult]:
        raise NotImplementedError

    def submit(self, task: Task) -> None:
        raise NotImplementedError

    def shutdown(self) -> None:
        raise NotImplementedError
