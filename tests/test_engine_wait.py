"""Steps sharing one executor: each waits for its own tasks; one retry path for every backend."""

import threading
import time
from typing import Any

import pytest
from engine_tasks import double, hang

from openautoglm.engine.executor_base import Executor, ExecutorBase
from openautoglm.engine.local import LocalExecutor, Task
from openautoglm.engine.steps import Interrupted
from openautoglm.engine.tasks import TaskResult
from openautoglm.plan.dag import RetryPolicy

PROTOCOL = ["cpus", "busy", "queued", "free_cpus", "running", "submit", "poll", "wait", "wait_all",
            "cancel", "extend", "shutdown", "stats"]  # fmt: skip


class _Inline(ExecutorBase):
    """A backend that runs each task in this process when polled: the shared paths alone."""

    def __init__(self) -> None:
        super().__init__()
        self.cpus = 1

    @property
    def free_cpus(self) -> float:
        return 1.0

    def stats(self) -> dict[str, Any]:
        return {"backend": "inline", **self.counts}

    def _start_ready(self) -> None:
        now = time.monotonic()
        for task in [t for t in self._queue if t.not_before <= now]:
            self._queue.remove(task)
            task.attempts += 1
            self._running[task.key] = task

    def _handles(self) -> list[Any]:
        return list(self._running)

    def _block(self, handles: list[Any], timeout: float) -> None:
        pass

    def _reap(self) -> list[tuple[TaskResult, Task]]:
        ended = []
        for key, task in list(self._running.items()):
            del self._running[key]
            try:
                result = TaskResult(key, "ok", value=task.fn(*task.args))
            except Exception as exc:
                result = TaskResult(key, "failed", error=str(exc))
            ended.append((result, task))
        return ended

    def _stop_running(self, key: str, reason: str) -> TaskResult:
        del self._running[key]
        return TaskResult(key, "timeout", error=reason)


def test_both_executors_follow_the_protocol() -> None:
    from openautoglm.engine.ray_executor import RayExecutor

    members = set(Executor.__annotations__) | {n for n in vars(Executor) if n[0] != "_"}
    assert members == set(PROTOCOL)
    for cls in (LocalExecutor, RayExecutor):
        assert all(hasattr(cls, name) for name in PROTOCOL if name != "cpus")
    assert LocalExecutor(cpus=1).cpus == 1


def _fails_twice() -> Any:
    tries: list[int] = []

    def call() -> int:
        tries.append(1)
        if len(tries) < 3:
            raise RuntimeError("not yet")
        return 7

    return call


def test_the_shared_settle_retries_per_policy_and_counts() -> None:
    ex = _Inline()
    ex.submit(Task("flaky", _fails_twice(), retry=RetryPolicy(2, 0.01, on=("failed",))))
    ex.submit(Task("once", _fails_twice(), retry=RetryPolicy(2, 0.01, on=("crashed",))))
    results = {r.key: r for r in ex.wait_all()}
    assert results["flaky"].ok and results["flaky"].value == 7
    assert results["flaky"].attempts == 3
    assert results["once"].status == "failed" and results["once"].attempts == 1
    assert ex.counts == {"done": 1, "failed": 1, "retried": 2, "preempted": 0}


def test_wait_returns_only_its_own_tasks_in_key_order() -> None:
    with LocalExecutor(cpus=2) as ex:
        ex.submit(Task("slow", hang, (2.0,)))
        ex.submit(Task("b", double, (2,)))
        ex.submit(Task("a", double, (1,)))
        assert [(r.key, r.value) for r in ex.wait(["a", "b"])] == [("a", 2), ("b", 4)]
        assert ex.busy and ex.queued + len(ex._running) == 1  # slow runs on undisturbed
        assert [r.key for r in ex.wait_all()] == ["slow"]
        with pytest.raises(KeyError, match="no queued, running or ended task"):
            ex.wait(["a"])  # already handed out


def test_steps_in_threads_each_get_their_own_results() -> None:
    got: dict[str, list[str]] = {}
    with LocalExecutor(cpus=2) as ex:

        def waiter(prefix: str) -> None:
            keys = [f"{prefix}{i}" for i in range(3)]
            for i, key in enumerate(keys):
                ex.submit(Task(key, double, (i,)))
            got[prefix] = [r.key for r in ex.wait(keys)]

        def poller() -> None:  # as the search loop does: poll until its own tasks are back
            for i in range(3):
                ex.submit(Task(f"p{i}", hang, (0.2,)))
            seen: list[str] = []
            while ex.busy and len(seen) < 3:
                seen += [r.key for r in ex.poll(0.2)]
            got["p"] = sorted(seen)

        threads = [threading.Thread(target=f) for f in (poller, lambda: waiter("w"))]
        threads.append(threading.Thread(target=waiter, args=("v",)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert got == {"p": ["p0", "p1", "p2"], "w": ["w0", "w1", "w2"], "v": ["v0", "v1", "v2"]}


def test_a_stopped_wait_cancels_only_its_own_tasks() -> None:
    stop = threading.Event()
    with LocalExecutor(cpus=2) as ex:
        ex.submit(Task("other", hang, (1.0,)))
        ex.submit(Task("mine", hang, (60,)))
        threading.Timer(0.5, stop.set).start()
        start = time.monotonic()
        with pytest.raises(Interrupted):
            ex.wait(["mine"], stop)
        assert time.monotonic() - start < 20
        results = ex.wait_all()
    assert [(r.key, r.status) for r in results] == [("other", "ok")]


def test_wait_all_still_stops_on_the_event() -> None:
    stop = threading.Event()
    stop.set()
    with LocalExecutor(cpus=1) as ex:
        ex.submit(Task("long", hang, (60,)))
        with pytest.raises(Interrupted):
            ex.wait_all(stop)
        assert not ex.busy
