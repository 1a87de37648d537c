"""Resource requests: what a step or a trial asks the engine for (cores, memory, GPUs)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Resources:
    """What one step or one fit asks the engine for."""

    cpus: float = 1.0
    memory_mb: int = 1024
    gpus: float = 0.0
