"""How a run is executed: where (local or Ray), in what order, with which policy."""

from __future__ import annotations

import os
from dataclasses import dataclass

from openautoglm.engine.steps import Strategy


@dataclass
class EngineSettings:
    """How the run is executed: where (local or Ray), in what order, with which policy."""

    n_jobs: int = 1
    backend: str = "local"
    address: str | None = None
    strategy: Strategy = "dag"
    policy: str = "fifo"


def default_jobs() -> int:
    """Worker processes by default: one per core."""
    return max(1, os.cpu_count() or 1)
