"""A run as a DAG of named steps: dependency checks, topological order and parallel levels."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from openautoglm.models.base import Resources


class PlanError(ValueError):
    """A plan that cannot run: a cycle or a dependency on a step that does not exist."""


@dataclass
class Step:
    """A named callable; it receives the results of the steps it depends on, by name."""

    name: str
    fn: Callable[[dict[str, Any]], Any]
    deps: tuple[str, ...] = ()
    resources: Resources = field(default_factory=Resources)
    timeout_s: float | None = None


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
            raise PlanError("two steps share a name")
        for step in steps:
            missing = [d for d in step.deps if d not in self.steps]
            if missing:
                raise PlanError(f"step {step.name!r} depends on unknown step(s) {missing}")
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
                stuck = sorted(set(self.steps) - done)
                raise PlanError(f"the plan has a dependency cycle among steps {stuck}")
            levels.append(ready)
            done.update(ready)
        return levels

    def order(self) -> list[str]:
        """A topological order of the steps."""
        return [name for level in self.levels() for name in level]

    def run(self, on_step: Callable[[str, str, float], None] | None = None) -> dict[str, Any]:
        """Run the steps in order in this process; returns each step's result by name."""
        results: dict[str, Any] = {}
        for name in self.order():
            step = self.steps[name]
            if on_step:
                on_step(name, "started", 0.0)
            start = time.monotonic()
            results[name] = step.fn({d: results[d] for d in step.deps})
            if on_step:
                on_step(name, "done", time.monotonic() - start)
        return results
