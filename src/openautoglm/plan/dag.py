"""A run as a DAG of named steps: inputs, resources, retries, timeouts, order and levels."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from openautoglm.errors import OpenAutoGLMError
from openautoglm.resources import Resources


class PlanError(OpenAutoGLMError, ValueError):
    """A plan that cannot run: a cycle, a duplicate name or an input no step produces."""


@dataclass(frozen=True)
class RetryPolicy:
    """How often a failed step is tried again, waiting ``backoff_s`` doubled each time."""

    count: int = 0
    backoff_s: float = 1.0
    on: tuple[str, ...] = ("failed", "crashed", "timeout")  # which endings are retried

    def allows(self, attempt: int, status: str) -> bool:
        """Whether try number ``attempt`` that ended with ``status`` may be tried again."""
        return attempt <= self.count and status in self.on

    def delay(self, attempt: int) -> float:
        """Seconds to wait before try number ``attempt + 1`` (``attempt`` >= 1)."""
        return self.backoff_s * 2 ** max(0, attempt - 1)


@dataclass
class Step:
    """A named callable that receives the results of its input steps, by name.

    ``persist`` turns the result into JSON-able data and ``restore(data, inputs)`` turns that
    back into the result, so a resumed run takes a finished step's result instead of running
    the step again.
    """

    name: str
    fn: Callable[[dict[str, Any]], Any]
    deps: tuple[str, ...] = ()  # the steps whose results are this step's inputs
    outputs: tuple[str, ...] = ()  # what it leaves in the run folder (for the plan's display)
    resources: Resources = field(default_factory=Resources)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeout_s: float | None = None
    persist: Callable[[Any], Any] | None = None
    restore: Callable[[Any, dict[str, Any]], Any] | None = None


class Plan:
    """Steps with dependencies.

    Example:
        >>> load = Step("load", lambda r: 1)
        >>> plan = Plan([load, Step("train", lambda r: r["load"] + 1, ("load",))])
        >>> plan.levels()
        [['load'], ['train']]
    """

    def __init__(self, steps: list[Step]) -> None:
        self.steps = {s.name: s for s in steps}
        if len(self.steps) != len(steps):
            seen: set[str] = set()
            twice = sorted({s.name for s in steps if s.name in seen or seen.add(s.name)})
            raise PlanError(f"two steps share a name: {twice}")
        for step in steps:
            missing = [d for d in step.deps if d not in self.steps]
            if missing:
                raise PlanError(
                    f"step {step.name!r} depends on unknown step(s) {missing}: "
                    f"no step of the plan produces them"
                )
        self.levels()  # fail early on cycles

    def levels(self) -> list[list[str]]:
        """Groups of steps whose dependencies are all in earlier groups (can run together)."""
        done: set[str] = set()
        levels = []
        while len(done) < len(self.steps):
            ready = sorted(
                n for n, s in self.steps.items() if n not in done and set(s.deps) <= done
            )
            if not ready:
                cycle = self._cycle(set(self.steps) - done)
                raise PlanError(f"the plan has a dependency cycle among steps {cycle}")
            levels.append(ready)
            done.update(ready)
        return levels

    def order(self) -> list[str]:
        """A topological order of the steps."""
        return [name for level in self.levels() for name in level]

    def describe(self) -> list[dict[str, Any]]:
        """One row a step, in order: level, inputs, outputs, resources, retries, timeout."""
        level_of = {n: i for i, level in enumerate(self.levels()) for n in level}
        return [
            {
                "step": name,
                "level": level_of[name],
                "inputs": list(self.steps[name].deps),
                "outputs": list(self.steps[name].outputs),
                "cpus": self.steps[name].resources.cpus,
                "memory_mb": self.steps[name].resources.memory_mb,
                "gpus": self.steps[name].resources.gpus,
                "retries": self.steps[name].retry.count,
                "timeout_s": self.steps[name].timeout_s,
            }
            for name in self.order()
        ]

    def _cycle(self, stuck: set[str]) -> list[str]:
        """The steps of one cycle among ``stuck``, in dependency order (sorted for ties)."""
        start = min(stuck)
        path, node = [start], start
        while True:
            node = min(d for d in self.steps[node].deps if d in stuck)
            if node in path:
                return sorted(path[path.index(node) :])
            path.append(node)
