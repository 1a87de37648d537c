"""Runs a Plan's steps in this process: strategies, retries, timeouts, persisted results."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any, Literal

from openautoglm.engine.state import RunState
from openautoglm.errors import OpenAutoGLMError, is_retryable
from openautoglm.plan.dag import Plan, Step

Strategy = Literal["serial", "pipeline", "dag"]
STRATEGIES: tuple[str, ...] = ("serial", "pipeline", "dag")
StepEvent = Callable[[str, str, float], None]


class StepTimeout(OpenAutoGLMError, TimeoutError):
    """A step ran past its timeout (another try may fit)."""

    retryable = True


class Interrupted(OpenAutoGLMError):
    """A step stopped early because the run was interrupted (Ctrl-C); resume carries on."""


def run_plan(
    plan: Plan,
    strategy: Strategy = "dag",
    state: RunState | None = None,
    on_step: StepEvent | None = None,
    stop: threading.Event | None = None,
    cpus: float | None = None,
) -> dict[str, Any]:
    """Run every step; returns each step's result by name.

    serial: one step at a time, in topological order; pipeline: level by level, the steps of
    a level together; dag: every step as soon as its inputs are ready. With ``cpus`` (the
    cores the run has), steps run together only while their ``resources.cpus`` fit in it; a
    step asking for more than the run has runs once nothing else does. With ``state``, steps
    recorded as done are restored instead of run, and each result is committed when it ends.
    An interrupt (Ctrl-C) or a failed step sets ``stop`` (steps that watch it end early, with
    ``Interrupted``) and run_plan returns only once no step of it is running any more, so
    that the caller may then release the run folder.

    Example:
        >>> run_plan(Plan([Step("a", lambda r: 1), Step("b", lambda r: r["a"] + 1, ("a",))]))
        {'a': 1, 'b': 2}
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
    if cpus is not None and cpus <= 0:
        raise ValueError(f"cpus must be positive, got {cpus}")
    stop = stop or threading.Event()
    runner = _Runner(plan, state, on_step or (lambda name, status, seconds: None), stop, cpus)
    try:
        if strategy == "serial":
            for name in plan.order():
                runner.run_one(name)
        elif strategy == "pipeline":
            for level in plan.levels():
                runner.run_group(level)
        else:
            runner.run_ready(list(plan.steps))
    except BaseException:
        stop.set()
        raise
    return runner.results


class _Runner:
    def __init__(
        self,
        plan: Plan,
        state: RunState | None,
        on_step: StepEvent,
        stop: threading.Event,
        cpus: float | None,
    ) -> None:
        self.plan, self.state, self.on_step, self.stop = plan, state, on_step, stop
        self.cpus = cpus
        self.results: dict[str, Any] = {}
        self._lock = threading.Lock()

    def run_group(self, names: list[str]) -> None:
        if len(names) == 1:
            self.run_one(names[0])  # in this thread, as a serial run would
        else:
            self.run_ready(names)

    def run_ready(self, names: list[str]) -> None:
        """Run ``names``, each once its inputs are ready and its cores fit."""
        pending = set(names)
        running: dict[Future, str] = {}
        with ThreadPoolExecutor(max_workers=max(1, len(pending))) as pool:
            try:
                while pending or running:
                    for name in self._admit(pending, list(running.values())):
                        pending.discard(name)
                        running[pool.submit(self.run_one, name)] = name
                    done, _ = wait(list(running), return_when=FIRST_COMPLETED)
                    for future in done:
                        running.pop(future)
                        future.result()  # a failed step stops the run here
            except BaseException:
                self._stop_and_drain(list(running))
                raise

    def _admit(self, pending: set[str], running: list[str]) -> list[str]:
        """The pending steps to start now: inputs ready, cores free (by name, for ties)."""
        used = sum(self._cpus(n) for n in running)
        chosen: list[str] = []
        for name in sorted(pending):
            if not set(self.plan.steps[name].deps) <= set(self.results):
                continue
            need = self._cpus(name)
            if self.cpus is not None and (running or chosen) and used + need > self.cpus + 1e-9:
                continue  # waits for cores; an idle run still takes any step, however large
            chosen.append(name)
            used += need
        return chosen

    def _cpus(self, name: str) -> float:
        need = self.plan.steps[name].resources.cpus
        return need if self.cpus is None else min(need, self.cpus)

    def _stop_and_drain(self, futures: list[Future]) -> None:
        """Ask running steps to stop and wait for them: their last writes land first."""
        self.stop.set()
        wait(futures)

    def run_one(self, name: str) -> None:
        step = self.plan.steps[name]
        inputs = {d: self.results[d] for d in step.deps}
        if self._restore(step, inputs):
            return
        attempt = 0
        while True:
            attempt = self.state.start_step(name) if self.state else attempt + 1
            self.on_step(name, "started", 0.0)
            start = time.monotonic()
            try:
                result = _call(step, inputs)
            except Exception as exc:
                seconds = time.monotonic() - start
                interrupted = isinstance(exc, Interrupted) or self.stop.is_set()
                status = "interrupted" if interrupted else "failed"
                self._record(name, status, seconds, error=f"{type(exc).__name__}: {exc}")
                self.on_step(name, status, seconds)
                # bad input fails the same way every time: the error says it is not retryable
                ending = "timeout" if isinstance(exc, StepTimeout) else "failed"
                if interrupted or not is_retryable(exc) or not step.retry.allows(attempt, ending):
                    exc.add_note(f"step {name!r} failed after {attempt} attempt(s)")
                    raise
                time.sleep(step.retry.delay(attempt))
                continue
            seconds = time.monotonic() - start
            payload = step.persist(result) if step.persist else None
            self._record(name, "done", seconds, result=payload)
            with self._lock:
                self.results[name] = result
            self.on_step(name, "done", seconds)
            return

    def _restore(self, step: Step, inputs: dict[str, Any]) -> bool:
        if self.state is None or step.restore is None:
            return False
        row = self.state.step(step.name)
        if row is None or row["status"] != "done":
            return False
        with self._lock:
            self.results[step.name] = step.restore(row["result"], inputs)
        self.on_step(step.name, "restored", 0.0)
        return True

    def _record(self, name: str, status: str, seconds: float, **kw: Any) -> None:
        if self.state is not None:
            self.state.finish_step(name, status, seconds, **kw)


def _call(step: Step, inputs: dict[str, Any]) -> Any:
    """The step's result; past ``timeout_s`` it is abandoned and StepTimeout raised."""
    if step.timeout_s is None:
        return step.fn(inputs)
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(step.fn, inputs).result(timeout=step.timeout_s)
    except TimeoutError:
        raise StepTimeout(f"step {step.name!r} passed its timeout of {step.timeout_s} s") from None
    finally:
        pool.shutdown(wait=False)  # a timed-out step's thread is left behind, not waited for
