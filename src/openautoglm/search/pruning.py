"""Which model families the search stops proposing, and why (the re-plan between rounds)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

#: a family this far below the best after two trials is dropped from the search
DROP_MARGIN = 0.05


class Trial(Protocol):
    """What pruning reads of a trial."""

    family: str
    state: str
    score: float | None
    seconds: float | None


@dataclass
class Drop:
    """A family to stop proposing, with the reason logged for the user."""

    family: str
    reason: str


def families_to_drop(
    live: set[str], trials: Sequence[Trial], budget_left: float, margin: float = DROP_MARGIN
) -> list[Drop]:
    """Live families that are far behind the best, keep failing, or no longer fit the time.

    Only families among ``live`` are judged; the best is taken over every trial given (the
    caller passes the trials of the families the sampler chooses from).

    """
    best = max((t.score or 0.0 for t in trials if t.state == "complete"), default=None)
    if best is None:
        return []
    drops = []
    for family in sorted(live):
        done = [t for t in trials if t.family == family and t.state == "complete"]
        failed = [t for t in trials if t.family == family and t.state != "complete"]
        family_best = max((t.score or 0.0 for t in done), default=-math.inf)
        mean_s = sum(t.seconds or 0.0 for t in done) / len(done) if done else 0.0
        if len(done) >= 2 and family_best < best - margin:
            drops.append(Drop(family, f"best {family_best:.4f} is over {margin} below {best:.4f}"))
        elif len(failed) >= 2 and not done:
            drops.append(Drop(family, f"{len(failed)} trials failed"))
        elif done and mean_s > budget_left:
            drops.append(Drop(family, f"a trial takes {mean_s:.0f} s, more than the time left"))
    return drops


def family_to_keep(trials: Sequence[Trial], families: Sequence[str]) -> str:
    """When every family was dropped: the one with the best trial (else the first)."""
    done = [t for t in trials if t.state == "complete"]
    return max(done, key=lambda t: t.score or 0.0).family if done else families[0]
