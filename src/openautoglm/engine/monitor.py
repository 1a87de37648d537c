"""Live readings (psutil), EWMAs, and adaptive concurrency under memory pressure or idle cores."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psutil


@dataclass
class Ewma:
    """Exponentially weighted moving average."""

    alpha: float = 0.3
    value: float | None = None

    def update(self, x: float) -> float:
        """Add a reading; returns the new average."""
        self.value = x if self.value is None else (1 - self.alpha) * self.value + self.alpha * x
        return self.value


@dataclass
class Reading:
    """One sample of the machine."""

    cpu_percent: float
    memory_percent: float
    available_mb: float


def read_machine() -> Reading:
    """CPU use since the last call and memory now."""
    memory = psutil.virtual_memory()
    return Reading(psutil.cpu_percent(interval=None), memory.percent, memory.available / 2**20)


@dataclass
class Monitor:
    """Tracks the machine and sets how many steps may run at once.

    Under memory pressure (available below ``low_memory_mb``) the limit drops by one; below
    ``critical_memory_mb`` the executor is told to stop its newest step before the OS kills
    anything. When cores sit idle (the run's granted cores are not all in use, or the CPU
    EWMA is under ``idle_cpu_percent``) with work queued and memory to spare, the limit rises
    again, up to ``max_parallel``. Every change is logged with its reason.
    """

    max_parallel: int
    low_memory_mb: float | None = None
    critical_memory_mb: float | None = None
    idle_cpu_percent: float = 50.0
    hysteresis_mb: float = 512.0  # memory above the low mark before the limit rises again
    alpha: float = 0.3
    on_change: Callable[[dict[str, Any]], None] = lambda event: None
    limit: int = 0
    cpu: Ewma = field(default_factory=Ewma)
    memory: Ewma = field(default_factory=Ewma)
    latency: dict[str, Ewma] = field(default_factory=dict)
    changes: list[dict[str, Any]] = field(default_factory=list)
    last: Reading | None = None

    def __post_init__(self) -> None:
        total_mb = psutil.virtual_memory().total / 2**20
        if self.low_memory_mb is None:
            self.low_memory_mb = max(1024.0, 0.10 * total_mb)
        if self.critical_memory_mb is None:
            self.critical_memory_mb = max(512.0, 0.04 * total_mb)
        self.limit = self.limit or self.max_parallel
        self.cpu.alpha = self.memory.alpha = self.alpha
        read_machine()  # psutil's first cpu_percent is meaningless: prime it

    def sample(self) -> Reading:
        """Take a reading and fold it into the averages."""
        self.last = read_machine()
        self.cpu.update(self.last.cpu_percent)
        self.memory.update(self.last.memory_percent)
        return self.last

    def record_latency(self, kind: str, seconds: float) -> None:
        """Fold a finished step's run time into its kind's average."""
        self.latency.setdefault(kind, Ewma(self.alpha)).update(seconds)

    def adjust(self, queued: int, running: int, free_cpus: float = 0.0) -> int:
        """New concurrency limit from the latest reading; logs any change with its reason."""
        reading = self.last or self.sample()
        assert self.low_memory_mb is not None
        if reading.available_mb < self.low_memory_mb and self.limit > 1:
            self._set(
                max(1, min(self.limit, running) - 1),
                f"memory pressure: {reading.available_mb:.0f} MB available, "
                f"below {self.low_memory_mb:.0f} MB",
            )
        elif (
            queued > 0
            and self.limit < self.max_parallel
            and reading.available_mb > self.low_memory_mb + self.hysteresis_mb
            and (free_cpus >= 1 or (self.cpu.value or 0.0) < self.idle_cpu_percent)
        ):
            self._set(
                self.limit + 1,
                f"cores idle: {free_cpus:g} of this run's cores free (machine CPU "
                f"{self.cpu.value or 0:.0f}%) with {queued} step(s) queued and "
                f"{reading.available_mb:.0f} MB available",
            )
        return self.limit

    def critical(self) -> bool:
        """Whether memory is so low that a running step should be stopped now."""
        assert self.critical_memory_mb is not None
        return self.last is not None and self.last.available_mb < self.critical_memory_mb

    def snapshot(self) -> dict[str, Any]:
        """Averages and the limit, for progress displays."""
        return {
            "cpu_percent": self.cpu.value,
            "memory_percent": self.memory.value,
            "available_mb": self.last.available_mb if self.last else None,
            "limit": self.limit,
            "latency_s": {kind: round(e.value or 0.0, 3) for kind, e in self.latency.items()},
        }

    def _set(self, limit: int, reason: str) -> None:
        event = {"event": "concurrency", "from": self.limit, "to": limit, "reason": reason,
                 "t": round(time.time(), 3)}  # fmt: skip
        self.limit = limit
        self.changes.append(event)
        self.on_change(event)
