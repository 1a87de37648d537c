"""Which queued step runs where: resource scores per worker and FIFO, round-robin, auction."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from openautoglm.resources import Resources

POLICIES: tuple[str, ...] = ("fifo", "round_robin", "auction")


@dataclass
class WorkerView:
    """A worker's capacity and live use (psutil readings for a real one)."""

    id: str
    cpus: float
    memory_mb: float
    free_cpus: float
    free_memory_mb: float
    gpus: float = 0.0
    free_gpus: float = 0.0
    speed: float = 1.0  # relative: 2.0 runs a step in half the time
    load: float = 0.0  # 0..1, the busy share of its cores right now

    def fits(self, request: Resources) -> bool:
        """Whether the request fits in what is free."""
        return (
            min(request.cpus, self.cpus) <= self.free_cpus + 1e-9
            and request.memory_mb <= self.free_memory_mb
            and request.gpus <= self.free_gpus + 1e-9
        )


@dataclass(frozen=True)
class ScoreWeights:
    """How much free cores and free memory count in a worker's score for a step."""

    cpu: float = 0.6
    memory: float = 0.4


def score(worker: WorkerView, request: Resources, weights: ScoreWeights = ScoreWeights()) -> float:
    """Share of the worker left after the step, weighted (higher is better); -inf if it won't fit.

    Example:
        >>> w = WorkerView("a", cpus=4, memory_mb=8000, free_cpus=4, free_memory_mb=8000)
        >>> round(score(w, Resources(cpus=1, memory_mb=2000)), 2)
        0.75
    """
    if not worker.fits(request):
        return -math.inf
    cpu_left = (worker.free_cpus - min(request.cpus, worker.cpus)) / max(worker.cpus, 1e-9)
    memory_left = (worker.free_memory_mb - request.memory_mb) / max(worker.memory_mb, 1e-9)
    return weights.cpu * cpu_left + weights.memory * memory_left


class History:
    """Exponentially weighted mean seconds per kind of step (on a speed-1 worker)."""

    def __init__(self, alpha: float = 0.3, default_s: float = 10.0) -> None:
        self.alpha, self.default_s = alpha, default_s
        self.mean: dict[str, float] = {}

    def record(self, kind: str, seconds: float, speed: float = 1.0) -> None:
        """Add one observed run time."""
        value = seconds * speed
        old = self.mean.get(kind)
        self.mean[kind] = value if old is None else (1 - self.alpha) * old + self.alpha * value

    def expected(self, kind: str) -> float:
        """Expected seconds of a step of this kind on a speed-1 worker."""
        return self.mean.get(kind, self.default_s)


class Queued(Protocol):
    """What a policy needs of a queued step."""

    key: str
    kind: str
    resources: Resources


@dataclass
class Policy:
    """Assigns queued steps to workers; returns (queue index, worker id) pairs."""

    weights: ScoreWeights = field(default_factory=ScoreWeights)

    def assign(self, queue: Sequence[Queued], workers: list[WorkerView]) -> list[tuple[int, str]]:
        raise NotImplementedError


@dataclass
class FifoPolicy(Policy):
    """Steps in arrival order, each to its best-scoring worker; the head blocks the rest."""

    def assign(self, queue: Sequence[Queued], workers: list[WorkerView]) -> list[tuple[int, str]]:
        out = []
        for i, item in enumerate(queue):
            best = max(workers, key=lambda w: score(w, item.resources, self.weights), default=None)
            if best is None or not best.fits(item.resources):
                break  # first come, first served: a big step at the head is not starved
            _take(best, item.resources)
            out.append((i, best.id))
        return out


@dataclass
class RoundRobinPolicy(Policy):
    """Steps in arrival order, handed to workers in turn (skipping those it does not fit)."""

    _next: int = 0

    def assign(self, queue: Sequence[Queued], workers: list[WorkerView]) -> list[tuple[int, str]]:
        out = []
        for i, item in enumerate(queue):
            for k in range(len(workers)):
                worker = workers[(self._next + k) % len(workers)]
                if worker.fits(item.resources):
                    _take(worker, item.resources)
                    out.append((i, worker.id))
                    self._next = (self._next + k + 1) % len(workers)
                    break
        return out


@dataclass
class AuctionPolicy(Policy):
    """Workers with room bid for queued steps; the lowest cost wins.

    A bid's cost is the step's expected run time on the worker (history over the worker's
    speed) scaled up by the worker's load. The longest expected steps are sold first, so
    they go to the fast workers while the short ones fill the gaps.
    """

    history: History = field(default_factory=History)
    load_weight: float = 1.0

    def cost(self, worker: WorkerView, item: Queued) -> float:
        """The worker's bid for the step (seconds; lower wins)."""
        runtime = self.history.expected(item.kind) / max(worker.speed, 1e-9)
        return runtime * (1.0 + self.load_weight * worker.load)

    def assign(self, queue: Sequence[Queued], workers: list[WorkerView]) -> list[tuple[int, str]]:
        out: list[tuple[int, str]] = []
        order = sorted(range(len(queue)), key=lambda i: -self.history.expected(queue[i].kind))
        for i in order:
            bids = [(self.cost(w, queue[i]), w.id) for w in workers if w.fits(queue[i].resources)]
            if not bids:
                continue
            _, winner = min(bids)
            _take(next(w for w in workers if w.id == winner), queue[i].resources)
            out.append((i, winner))
        return sorted(out)


def make_policy(name: str, history: History | None = None) -> Policy:
    """A policy by name: fifo, round_robin or auction."""
    if name == "fifo":
        return FifoPolicy()
    if name == "round_robin":
        return RoundRobinPolicy()
    if name == "auction":
        return AuctionPolicy(history=history or History())
    raise ValueError(f"policy must be one of {POLICIES}, got {name!r}")


def _take(worker: WorkerView, request: Resources) -> None:
    cpus = min(request.cpus, worker.cpus)
    worker.free_cpus -= cpus
    worker.free_memory_mb -= request.memory_mb
    worker.free_gpus -= request.gpus
    worker.load = min(1.0, worker.load + cpus / max(worker.cpus, 1e-9))
