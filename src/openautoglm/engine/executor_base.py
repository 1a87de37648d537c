"""What every executor shares: the Executor protocol, the task queue, retries and waiting."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from openautoglm.engine.steps import Interrupted
from openautoglm.engine.tasks import Task, TaskResult

#: what a task cancelled by the run (budget reached, Ctrl-C) reports as its error
CANCELLED = "cancelled: the run's time budget was reached"


class Executor(Protocol):
    """What the search and the steps need of an executor, whatever runs the tasks.

    ``poll`` hands a thread the results of the tasks it submitted itself; ``wait`` blocks on
    given keys only, so steps sharing one executor each wait for their own tasks.
    """

    cpus: int

    @property
    def busy(self) -> bool: ...

    @property
    def queued(self) -> int: ...

    @property
    def free_cpus(self) -> float: ...

    @property
    def running(self) -> list[str]: ...

    def submit(self, task: Task) -> None: ...

    def poll(self, timeout: float = 0.5) -> list[TaskResult]: ...

    def wait(
        self, keys: Iterable[str], stop: threading.Event | None = None
    ) -> list[TaskResult]: ...

    def wait_all(self, stop: threading.Event | None = None) -> list[TaskResult]: ...

    def cancel(self, keys: Iterable[str] | None = None) -> list[TaskResult]: ...

    def extend(self, key: str, timeout_s: float) -> None: ...

    def shutdown(self) -> None: ...

    def stats(self) -> dict[str, Any]: ...


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
    """Queue, retries and result hand-out common to the local and the Ray executor.

    A backend supplies ``_start_ready`` (start queued tasks that fit), ``_handles`` (what to
    block on), ``_block``, ``_reap`` (tries that ended) and ``_stop_running``. Every try that
    ends goes through ``_settle``, the one place that decides retries. All state is guarded
    by one lock, released while blocking, so steps in several threads can share an executor.
    """

    cpus: int

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._queue: deque[Task] = deque()
        self._running: dict[str, Any] = {}
        self._tasks: dict[str, Task] = {}  # queued, running or waiting out a retry's backoff
        self._ended: dict[str, TaskResult] = {}  # final results not handed out yet
        self._owner: dict[str, int] = {}  # the thread that submitted each key
        self._waited: set[str] = set()  # keys a wait() is blocked on: poll leaves them alone
        self.counts = {"done": 0, "failed": 0, "retried": 0, "preempted": 0}

    def __enter__(self) -> ExecutorBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    @property
    def busy(self) -> bool:
        """Whether any task is queued or running, or a result is due to this thread's poll."""
        with self._lock:
            return bool(self._tasks) or any(map(self._mine, self._ended))

    @property
    def queued(self) -> int:
        """Tasks waiting for resources."""
        return len(self._queue)

    @property
    def running(self) -> list[str]:
        """The keys of the tasks running now."""
        with self._lock:
            return list(self._running)

    def submit(self, task: Task) -> None:
        """Queue a task; it starts when resources allow."""
        with self._lock:
            if task.key in self._tasks or task.key in self._ended:
                raise ValueError(f"task {task.key!r} is already queued or running")
            self._tasks[task.key] = task
            self._owner[task.key] = threading.get_ident()
            self._queue.append(task)
            self._start_ready()

    def poll(self, timeout: float = 0.5) -> list[TaskResult]:
        """Wait up to ``timeout`` seconds; the ended tasks this thread submitted, as they end."""
        with self._lock:
            ready = any(map(self._mine, self._ended))
        if not ready:
            self._advance(timeout)
        return self._hand_out(self._mine)

    def wait(self, keys: Iterable[str], stop: threading.Event | None = None) -> list[TaskResult]:
        """Block until the tasks with these keys have ended; their results, in key order.

        Other tasks run on undisturbed. When ``stop`` is set meanwhile, these tasks are
        cancelled and Interrupted is raised.
        """
        keys = list(dict.fromkeys(keys))
        with self._lock:
            unknown = [k for k in keys if k not in self._tasks and k not in self._ended]
            if unknown:
                raise KeyError(f"no queued, running or ended task has the key(s) {unknown}")
            self._waited.update(keys)
        try:
            while True:
                with self._lock:
                    if all(k in self._ended for k in keys):
                        ended = {r.key: r for r in self._hand_out(lambda k: k in keys)}
                        return [ended[k] for k in keys]
                if stop is not None and stop.is_set():
                    self.cancel(keys)
                    self._hand_out(lambda k: k in keys)  # ended before the stop: dropped too
                    raise Interrupted("stopped while waiting for tasks")
                self._advance(0.5)
        finally:
            with self._lock:
                self._waited.difference_update(keys)

    def wait_all(self, stop: threading.Event | None = None) -> list[TaskResult]:
        """Block until every queued and running task has ended; all their results.

        When ``stop`` is set meanwhile, the tasks are cancelled and Interrupted is raised.
        """
        results: list[TaskResult] = []
        while True:
            results += self._hand_out(lambda k: k not in self._waited)
            with self._lock:
                if not self._tasks:
                    return results
            if stop is not None and stop.is_set():
                self.cancel()
                raise Interrupted("stopped while waiting for tasks")
            self._advance(0.5)

    def cancel(self, keys: Iterable[str] | None = None) -> list[TaskResult]:
        """Drop queued tasks and stop running ones (all, or those with ``keys``); returns the
        stopped ones as timeouts."""
        with self._lock:
            chosen = set(self._tasks) if keys is None else set(keys) & set(self._tasks)
            self._queue = deque(t for t in self._queue if t.key not in chosen)
            killed = [self._stop_running(k, CANCELLED) for k in list(self._running) if k in chosen]
            for key in chosen:
                self._tasks.pop(key)
                self._owner.pop(key, None)
            return killed

    def extend(self, key: str, timeout_s: float) -> None:
        """Give a queued or running task a longer time limit, counted from its start."""
        with self._lock:
            task = self._tasks.get(key)
            if task is not None and task.timeout_s is not None and task.timeout_s < timeout_s:
                task.timeout_s = timeout_s

    def shutdown(self) -> None:
        """Stop anything still running."""
        self.cancel()

    # -------------------------------------------------------------- shared internals
    def _mine(self, key: str) -> bool:
        return self._owner.get(key) == threading.get_ident() and key not in self._waited

    def _hand_out(self, wanted: Callable[[str], bool]) -> list[TaskResult]:
        with self._lock:
            keys = [k for k in self._ended if wanted(k)]
            for key in keys:
                self._owner.pop(key, None)
            return [self._ended.pop(k) for k in keys]

    def _advance(self, timeout: float) -> None:
        """Start what fits, block up to ``timeout`` for a try to end, settle the ended ones."""
        with self._lock:
            self._start_ready()
            handles = self._handles()
            backoff = [t.not_before for t in self._queue]
        if handles:
            self._block(handles, timeout)  # without the lock: other threads carry on meanwhile
        elif backoff:  # only retries waiting out their backoff
            time.sleep(min(timeout, max(0.0, min(backoff) - time.monotonic())))
        with self._lock:
            for result, task in self._reap():
                self._settle(result, task)
            self._start_ready()

    def _settle(self, result: TaskResult, task: Task) -> None:
        """Queue another try under the task's retry policy, or keep the final result."""
        result.attempts = task.attempts
        if not result.ok and task.retry.allows(task.attempts, result.status):
            task.not_before = time.monotonic() + task.retry.delay(task.attempts)
            self.counts["retried"] += 1
            self._queue.append(task)
            return
        if result.ok:
            self.counts["done"] += 1
            self._on_done(task, result)
        else:
            self.counts["failed"] += 1
        self._end(result)

    def _end(self, result: TaskResult) -> None:
        """A task's final result: kept until its owner (or a wait) collects it."""
        self._tasks.pop(result.key, None)
        if result.key in self._owner:  # a task cancelled meanwhile has no one waiting for it
            self._ended[result.key] = result

    # -------------------------------------------------------------- backend hooks
    def _on_done(self, task: Task, result: TaskResult) -> None:
        """Called for each task that succeeded (the local executor learns run times)."""

    def _start_ready(self) -> None:
        raise NotImplementedError

    def _handles(self) -> list[Any]:
        raise NotImplementedError

    def _block(self, handles: list[Any], timeout: float) -> None:
        raise NotImplementedError

    def _reap(self) -> list[tuple[TaskResult, Task]]:
        raise NotImplementedError

    def _stop_running(self, key: str, reason: str) -> TaskResult:
        raise NotImplementedError
