"""Local executor: runs tasks in isolated worker processes with resource admission and timeouts."""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

import psutil

from openautoglm.models.base import Resources

#: modules the fork server imports once, so each worker starts warm instead of re-importing
_PRELOAD = ["numpy", "scipy.sparse", "sklearn.linear_model", "sklearn.feature_extraction.text"]


@dataclass
class Task:
    """One unit of work: a picklable top-level function and its arguments."""

    key: str
    fn: Callable[..., Any]
    args: tuple[Any, ...] = ()
    resources: Resources = field(default_factory=Resources)
    timeout_s: float | None = None


@dataclass
class TaskResult:
    """How a task ended: status is ok, failed (raised), timeout (killed) or crashed (died)."""

    key: str
    status: str
    value: Any = None
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class _Running:
    task: Task
    process: mp.process.BaseProcess
    conn: Connection
    started: float
    cpus: float


def _child(conn: Connection, fn: Callable[..., Any], args: tuple[Any, ...], cpus: int) -> None:
    # pin math libraries to the cores this task was granted, so parallel tasks don't oversubscribe
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=cpus)
    if "torch" in sys.modules:
        import torch

        torch.set_num_threads(cpus)
    try:
        conn.send(("ok", fn(*args)))
    except BaseException as exc:  # report any failure to the parent instead of dying silently
        conn.send(("failed", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=8)}"))
    finally:
        conn.close()


class LocalExecutor:
    """Runs tasks in separate processes on this machine, at most ``cpus`` cores at once.

    A task that raises, dies (e.g. a segfault) or passes its timeout is reported as a failed
    result; the executor and the other tasks carry on.

    Example:
        >>> with LocalExecutor(cpus=2) as ex:
        ...     ex.submit(Task("a", pow, (2, 10)))
        ...     [r.value for r in ex.wait_all()]
        [1024]
    """

    def __init__(self, cpus: int | None = None, start_method: str = "forkserver") -> None:
        self.cpus = max(1, cpus or os.cpu_count() or 1)
        self._ctx = mp.get_context(start_method)
        if start_method == "forkserver":
            self._ctx.set_forkserver_preload(_PRELOAD + _torch_preload())
        self._queue: deque[Task] = deque()
        self._running: dict[str, _Running] = {}

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    @property
    def busy(self) -> bool:
        """Whether any task is queued or running."""
        return bool(self._queue or self._running)

    @property
    def queued(self) -> int:
        """Tasks waiting for cores or memory."""
        return len(self._queue)

    @property
    def free_cpus(self) -> float:
        """Cores not granted to a running task."""
        return self.cpus - sum(r.cpus for r in self._running.values())

    def submit(self, task: Task) -> None:
        """Queue a task; it starts when cores and memory allow."""
        if task.key in self._running or any(t.key == task.key for t in self._queue):
            raise ValueError(f"task {task.key!r} is already queued or running")
        self._queue.append(task)
        self._start_ready()

    def poll(self, timeout: float = 0.5) -> list[TaskResult]:
        """Wait up to ``timeout`` seconds; return the tasks that ended and start queued ones."""
        self._start_ready()
        if not self._running:
            return []
        wait([r.process.sentinel for r in self._running.values()], timeout=timeout)
        done = [self._reap(key) for key in list(self._running)]
        results = [r for r in done if r is not None]
        self._start_ready()
        return results

    def wait_all(self) -> list[TaskResult]:
        """Block until every queued and running task has ended."""
        results: list[TaskResult] = []
        while self.busy:
            results.extend(self.poll(1.0))
        return results

    def cancel(self) -> list[TaskResult]:
        """Drop queued tasks and kill running ones; returns the killed ones as timeouts."""
        self._queue.clear()
        return [
            self._kill(key, "cancelled: the run's time budget was reached")
            for key in list(self._running)
        ]

    def shutdown(self) -> None:
        """Kill anything still running."""
        self.cancel()

    def _start_ready(self) -> None:
        # first come, first served: a big task at the head waits instead of starving
        while self._queue:
            task = self._queue[0]
            cpus = min(max(task.resources.cpus, 1), self.cpus)
            if self._running and (cpus > self.free_cpus or not _memory_fits(task.resources)):
                return
            self._queue.popleft()
            self._launch(task, cpus)

    def _launch(self, task: Task, cpus: float) -> None:
        parent, child = self._ctx.Pipe(duplex=False)
        process = self._ctx.Process(
            target=_child, args=(child, task.fn, task.args, int(cpus)), daemon=True
        )
        with _main_module_hidden():
            process.start()
        child.close()
        self._running[task.key] = _Running(task, process, parent, time.monotonic(), cpus)

    def _reap(self, key: str) -> TaskResult | None:
        run = self._running[key]
        elapsed = time.monotonic() - run.started
        if run.conn.poll():
            try:
                status, value = run.conn.recv()
            except (EOFError, OSError):
                status, value = "crashed", None
            self._finish(key)
            if status == "ok":
                return TaskResult(key, "ok", value=value, seconds=elapsed)
            if status == "failed":
                return TaskResult(key, "failed", error=value, seconds=elapsed)
        elif not run.process.is_alive():
            code = run.process.exitcode
            self._finish(key)
            return TaskResult(
                key, "crashed", error=f"worker died (exit code {code})", seconds=elapsed
            )
        elif run.task.timeout_s is not None and elapsed > run.task.timeout_s:
            return self._kill(key, f"killed after its timeout of {run.task.timeout_s:.0f} s")
        else:
            return None
        return TaskResult(key, "crashed", error="worker died without a result", seconds=elapsed)

    def _kill(self, key: str, reason: str) -> TaskResult:
        run = self._running[key]
        run.process.kill()
        self._finish(key)
        return TaskResult(key, "timeout", error=reason, seconds=time.monotonic() - run.started)

    def _finish(self, key: str) -> None:
        run = self._running.pop(key)
        run.process.join(timeout=5)
        run.conn.close()


@contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Keep workers from re-running the user's script.

    forkserver children import ``__main__`` by path to resolve pickled references; a script
    without an ``if __name__ == "__main__"`` guard would then start a new run in every worker.
    Tasks only reference importable modules, so the main module is not needed there.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if path is None:
        yield
        return
    del main.__file__
    try:
        yield
    finally:
        main.__file__ = path


def _memory_fits(resources: Resources) -> bool:
    return psutil.virtual_memory().available / 2**20 > resources.memory_mb


def _torch_preload() -> list[str]:
    import importlib.util

    return ["torch"] if importlib.util.find_spec("torch") is not None else []
