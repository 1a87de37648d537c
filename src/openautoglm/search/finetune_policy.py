"""Where the search stands with fine-tuning, and what it does next (an explicit state machine)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from openautoglm.search.finetune_schedule import measured_epoch_s, next_finetune


class FinetuneState(str, Enum):
    """The fine-tuning slot's state; the value is what the run state stores."""

    NONE = "none"  # fine-tuning is not among the run's families
    TODO = "todo"  # its cost is not probed yet
    PROBING = "probing"  # the probe is running
    RUNNING = "running"  # a fine-tuning run is training
    RESUME = "resume"  # a run was interrupted by the end of a process: schedule it again
    DONE = "done"  # no more runs (probe failed, no time, or not better than the others)


@dataclass
class Decision:
    """What the policy decided: the next run's params (None: stop) and why."""

    params: dict[str, Any] | None
    reason: str


@dataclass
class FinetunePolicy:
    """Probe once, then fine-tune again while it beats every other family and a run fits.

    Fine-tuning needs every core, so the runner starts it only when the pool is idle
    (``wants_idle_pool``) and keeps other trials out while it runs (``blocks_others``).

    Example:
        >>> policy = FinetunePolicy.for_families(["tfidf_lr", "finetune"])
        >>> policy.start_probe(); policy.probe_done(epoch_s=40.0)
        >>> policy.next_run(affordable_s=600.0, cap_reached=False).params["epochs"]
        3
    """

    state: FinetuneState = FinetuneState.NONE
    runs: int = 0
    epoch_s: float = 0.0

    @classmethod
    def for_families(cls, families: list[str]) -> FinetunePolicy:
        """A policy that will probe when fine-tuning is among ``families``."""
        return cls(FinetuneState.TODO if "finetune" in families else FinetuneState.NONE)

    def restore(self, saved: dict[str, Any] | None, runs_done: int) -> None:
        """Carry on from what an interrupted process saved (see ``snapshot``).

        An interrupted probe is probed again; an interrupted run is scheduled again.
        """
        if not saved or self.state is FinetuneState.NONE:
            return
        self.runs = runs_done
        self.epoch_s = float(saved.get("epoch_s", 0.0))
        was = FinetuneState(saved.get("state", FinetuneState.TODO.value))
        self.state = {FinetuneState.PROBING: FinetuneState.TODO,
                      FinetuneState.RUNNING: FinetuneState.RESUME}.get(was, was)  # fmt: skip

    def snapshot(self) -> dict[str, Any]:
        """What the run state keeps of the policy."""
        return {"state": self.state.value, "epoch_s": self.epoch_s}

    @property
    def has_work(self) -> bool:
        """A probe or a run is waiting for an idle pool."""
        return self.state in (FinetuneState.TODO, FinetuneState.RESUME)

    @property
    def blocks_others(self) -> bool:
        """The probe or a run holds the cores: no other trial starts."""
        return self.state in (FinetuneState.PROBING, FinetuneState.RUNNING)

    def start_probe(self) -> None:
        """The probe was submitted."""
        self.state = FinetuneState.PROBING

    def probe_failed(self) -> None:
        """No fine-tuning in this run."""
        self.state = FinetuneState.DONE

    def probe_done(self, epoch_s: float) -> None:
        """The probe measured the seconds an epoch takes."""
        self.epoch_s = epoch_s

    def next_run(self, affordable_s: float, cap_reached: bool) -> Decision:
        """The next run's params if one fits (state RUNNING), else why not (state DONE)."""
        if cap_reached:
            params, reason = None, "max_trials reached"
        else:
            params, reason = next_finetune(self.runs, self.epoch_s, affordable_s)
        if params is None:
            self.state = FinetuneState.DONE
            return Decision(None, reason)
        self.state = FinetuneState.RUNNING
        self.runs += 1
        return Decision(params, reason)

    def after_run(
        self, score: float | None, best_other: float, history: list[dict[str, Any]] | None
    ) -> bool:
        """A run ended (``score`` None: it failed); True when another run is worth trying."""
        self.epoch_s = measured_epoch_s(history, self.epoch_s)
        if score is None or score < best_other:
            self.state = FinetuneState.DONE
            return False
        return True
