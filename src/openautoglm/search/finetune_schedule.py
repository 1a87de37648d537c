"""When to fine-tune, with which settings, and how long each run may take."""

from __future__ import annotations

import math
from typing import Any

#: the runs tried in order while fine-tuning stays the best family and time allows; they
#: differ in seed and learning rate so that the ensemble gets diverse, strong members. The
#: small encoder wants a high rate: over 3 epochs, 1.2e-4 beat 5e-5 on the validation split of
#: banking77 (0.912 vs 0.883), trec (0.958 vs 0.950), sst2 (level) and MSRP (0.81 vs 0.77)
FINETUNE_RUNS: tuple[dict[str, Any], ...] = (
    {"epochs": 3, "lr": 1.2e-4, "seed": 0},
    {"epochs": 4, "lr": 8e-5, "seed": 1},
    {"epochs": 3, "lr": 1e-4, "seed": 2},
    {"epochs": 3, "lr": 6e-5, "seed": 3},
)
#: the first run is worth starting only when two epochs fit (one rarely beats frozen features)
MIN_FIRST_EPOCHS = 2
#: validation passes, model loading and prediction on top of the training steps
OVERHEAD = 1.15
#: how far past its estimate a run may go before it stops with its best weights so far
SLACK = 1.5


def next_finetune(
    runs_done: int, epoch_s: float, affordable_s: float
) -> tuple[dict[str, Any] | None, str]:
    """The next fine-tuning run's params (with its time cap), or None and the reason why not.

    A follow-up run gets fewer epochs when its planned ones do not fit (one at least): a
    shorter run on another seed is still a diverse ensemble member. With no time budget
    (``affordable_s`` infinite) every run gets its planned epochs.

    Example:
        >>> next_finetune(0, epoch_s=50.0, affordable_s=400.0)[0]["max_time_s"]
        225.0
    """
    if runs_done >= len(FINETUNE_RUNS):
        return None, f"all {len(FINETUNE_RUNS)} fine-tuning runs done"
    params = dict(FINETUNE_RUNS[runs_done])
    least = MIN_FIRST_EPOCHS if runs_done == 0 else 1
    if epoch_s > 0 and math.isfinite(affordable_s):
        fit = int(affordable_s // (epoch_s * OVERHEAD))
    else:  # no budget (or no estimate): inf // x is NaN, and the planned epochs fit anyway
        fit = params["epochs"]
    if fit < least:
        needed = least * epoch_s * OVERHEAD
        return None, f"{least} epoch(s) need about {needed:.0f} s, {affordable_s:.0f} s left"
    params["epochs"] = min(params["epochs"], fit)
    planned_s = params["epochs"] * epoch_s * SLACK if epoch_s > 0 else math.inf
    cap = min(affordable_s, planned_s)
    # None rather than inf: params go to JSON files, where Infinity is not valid
    params["max_time_s"] = float(cap) if math.isfinite(cap) else None
    return params, f"{params['epochs']} epochs of about {epoch_s:.0f} s each"


def measured_epoch_s(fit_history: list[dict[str, Any]] | None, fallback: float) -> float:
    """Seconds per epoch that a finished run actually took (the probe's estimate otherwise)."""
    if not fit_history:
        return fallback
    last = fit_history[-1]
    epochs, seconds = float(last.get("epoch", 0.0)), float(last.get("seconds", 0.0))
    return seconds / epochs if epochs > 0 and seconds > 0 else fallback
