"""Local executor: runs tasks in isolated worker processes with resource admission and timeouts."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

import psutil

from openautoglm.engine.executor_base import ExecutorBase, pin_threads
from openautoglm.engine.monitor import Monitor
from openautoglm.engine.scheduler import History, WorkerView, make_policy
from openautoglm.engine.tasks import MAX_PREEMPTIONS, Task, TaskResult
from openautoglm.resources import Resources

#: modules the fork server imports once, so each worker starts warm instead of re-importing
_PRELOAD = ["numpy", "scipy.sparse", "sklearn.linear_model", "sklearn.feature_extraction.text"]


@dataclass
class _Running:
    task: Task
    process: mp.process.BaseProcess
    conn: Connection
    started: float
    cpus: float


def _child(conn: Connection, fn: Callable[..., Any], args: tuple[Any, ...], cpus: int) -> None:
    # Ctrl-C reaches the whole process group: the parent decides what stops (and records a
    # killed trial as unfinished); a worker dying of it would be recorded as a failed trial
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    pin_threads(cpus)
    try:
        result = ("ok", fn(*args))
    except BaseException as exc:  # report any failure to the parent instead of dying silently
        result = ("failed", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=8)}")
    try:
        conn.send(result)
    except OSError:  # the parent stopped listening (it cancelled this task): nothing to tell
        pass
    finally:
        conn.close()


class LocalExecutor(ExecutorBase):
    """Runs tasks in separate processes on this machine, at most ``cpus`` cores at once.

    A task that raises, dies (e.g. a segfault) or passes its timeout is reported as a failed
    result; the executor and the other tasks carry on.

    Example:
        >>> with LocalExecutor(cpus=2) as ex:
        ...     ex.submit(Task("a", pow, (2, 10)))
        ...     [r.value for r in ex.wait_all()]
        [1024]
    """

    def __init__(
        self,
        cpus: int | None = None,
        start_method: str = "forkserver",
        policy: str = "fifo",
        monitor: Monitor | None = None,
    ) -> None:
        super().__init__()
        self.cpus = max(1, cpus or os.cpu_count() or 1)
        self._ctx = mp.get_context(start_method)
        if start_method == "forkserver":
            self._ctx.set_forkserver_preload(_PRELOAD + _torch_preload())
            _start_forkserver()
        self._running: dict[str, _Running] = {}
        self.history = History()
        self.policy = make_policy(policy, self.history)
        self.monitor = monitor or Monitor(max_parallel=self.cpus)
        self._sampled = 0.0

    @property
    def free_cpus(self) -> float:
        """Cores not granted to a running task."""
        return self.cpus - sum(r.cpus for r in list(self._running.values()))

    def stats(self) -> dict[str, Any]:
        """Workers, queued/running/done/failed tasks and the machine's averaged use."""
        return {
            "backend": "local",
            "workers": self.monitor.limit,
            "queued": len(self._queue),
            "running": len(self._running),
            **self.counts,
            **self.monitor.snapshot(),
        }

    # -------------------------------------------------------------- backend hooks
    def _on_done(self, task: Task, result: TaskResult) -> None:
        self.history.record(task.kind, result.seconds)
        self.monitor.record_latency(task.kind, result.seconds)

    def _start_ready(self) -> None:
        self._watch()
        now = time.monotonic()
        ready = [t for t in self._queue if t.not_before <= now]
        room = self.monitor.limit - len(self._running)
        if not ready or room <= 0:
            return
        if not self._running:
            # an idle machine always takes the next task, even one larger than its share
            self._start(ready[0], min(max(ready[0].resources.cpus, 1), self.cpus))
            ready, room = ready[1:], room - 1
        for index, _ in self.policy.assign(ready, [self._local_view()])[:room]:
            task = ready[index]
            self._start(task, min(max(task.resources.cpus, 1), self.cpus))

    def _handles(self) -> list[_Running]:
        return list(self._running.values())

    def _block(self, handles: list[_Running], timeout: float) -> None:
        # the _Running objects keep each process, and so its sentinel's descriptor, open
        wait([r.process.sentinel for r in handles], timeout=timeout)

    def _reap(self) -> list[tuple[TaskResult, Task]]:
        ended = []
        for key in list(self._running):
            task = self._running[key].task
            result = self._reap_one(key)
            if result is not None:
                ended.append((result, task))
        return ended

    def _stop_running(self, key: str, reason: str) -> TaskResult:
        return self._kill(key, reason)

    # -------------------------------------------------------------- internals
    def _start(self, task: Task, cpus: float) -> None:
        self._queue.remove(task)
        task.attempts += 1
        self._launch(task, cpus)

    def _local_view(self) -> WorkerView:
        memory = psutil.virtual_memory()
        return WorkerView(
            id="local",
            cpus=self.cpus,
            memory_mb=memory.total / 2**20,
            free_cpus=self.free_cpus,
            free_memory_mb=memory.available / 2**20,
            load=(self.monitor.cpu.value or 0.0) / 100,
        )

    def _watch(self) -> None:
        """Sample the machine (at most twice a second) and act on memory pressure."""
        now = time.monotonic()
        if now - self._sampled < 0.5:
            return
        self._sampled = now
        self.monitor.sample()
        self.monitor.adjust(len(self._queue), len(self._running), self.free_cpus)
        if self.monitor.critical() and len(self._running) > 1:
            self._preempt_newest()

    def _preempt_newest(self) -> None:
        key = max(self._running, key=lambda k: self._running[k].started)
        task = self._running[key].task
        self._kill(key, "stopped to relieve memory pressure")
        task.preemptions += 1
        task.attempts -= 1  # not the task's fault: the try does not count
        self.counts["preempted"] += 1
        if task.preemptions <= MAX_PREEMPTIONS:
            self._queue.appendleft(task)
        else:
            self.counts["failed"] += 1
            self._end(TaskResult(key, "failed", error="stopped repeatedly under memory pressure"))

    def _launch(self, task: Task, cpus: float) -> None:
        parent, child = self._ctx.Pipe(duplex=False)
        process = self._ctx.Process(
            target=_child, args=(child, task.fn, task.args, int(cpus)), daemon=True
        )
        with _main_module_hidden():
            process.start()
        child.close()
        self._running[task.key] = _Running(task, process, parent, time.monotonic(), cpus)

    def _reap_one(self, key: str) -> TaskResult | None:
        """How the try of ``key`` ended, or None while it runs (past its timeout it is killed)."""
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


def _start_forkserver() -> None:
    """Start the fork server with Ctrl-C ignored (it inherits that through exec).

    Ctrl-C reaches the whole process group; a fork server still importing its preload would
    die of it with a long traceback, while the run itself stops in order.
    """
    if threading.current_thread() is not threading.main_thread():
        return  # signal handlers can only be changed from the main thread
    from multiprocessing import forkserver

    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, previous)


def _memory_fits(resources: Resources) -> bool:
    return psutil.virtual_memory().available / 2**20 > resources.memory_mb


def _torch_preload() -> list[str]:
    import importlib.util

    return ["torch"] if importlib.util.find_spec("torch") is not None else []
