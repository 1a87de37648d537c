"""The champion/challenger gate: a paired comparison on the same rows, never a worse model.

Both models predict the same frozen holdout plus a held-back slice of recent corrections. The
challenger passes when its accuracy beats the champion's by at least ``min_margin`` and no
slice shows it significantly worse; with ``require_significant`` the gain must also pass the
paired test (exact McNemar on the discordant pairs, or a paired bootstrap).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from scipy.stats import binomtest

BOOTSTRAP_ROUNDS = 2_000


class GateRule(BaseModel):
    """When a challenger may replace the champion."""

    model_config = ConfigDict(extra="forbid")

    min_margin: float = Field(0.005, ge=0, description="Accuracy the challenger must gain.")
    test: Literal["mcnemar", "bootstrap"] = "mcnemar"
    alpha: float = Field(0.05, gt=0, lt=1, description="Significance level of the paired test.")
    require_significant: bool = Field(False, description="Also require a significant gain.")
    holdback: float = Field(
        0.2, ge=0, lt=1, description="Share of new corrections kept out of training for the gate."
    )


def paired_p_value(champion: np.ndarray, challenger: np.ndarray, test: str, seed: int = 0) -> float:
    """Two-sided p-value that the two models are equally accurate on these rows.

    ``champion`` and ``challenger`` are booleans: was each row predicted right.

    Example:
        >>> paired_p_value(np.array([1, 1, 0, 0], bool), np.array([1, 1, 1, 1], bool), "mcnemar")
        0.5
    """
    only_champion = int(np.sum(champion & ~challenger))
    only_challenger = int(np.sum(~champion & challenger))
    if only_champion + only_challenger == 0:
        return 1.0
    if test == "mcnemar":
        return float(binomtest(only_challenger, only_champion + only_challenger, 0.5).pvalue)
    rng = np.random.default_rng(seed)
    diff = challenger.astype(np.float64) - champion.astype(np.float64)
    means = np.array([diff[rng.integers(0, len(diff), len(diff))].mean()
                      for _ in range(BOOTSTRAP_ROUNDS)])  # fmt: skip
    one_sided = min(np.mean(means <= 0), np.mean(means >= 0))
    return float(min(1.0, 2 * one_sided))


def decide(
    rule: GateRule, slices: dict[str, tuple[np.ndarray, np.ndarray]], seed: int = 0
) -> dict[str, Any]:
    """The gate's verdict over named slices of (champion right, challenger right) rows."""
    report: dict[str, Any] = {"rule": rule.model_dump(), "slices": {}}
    nonempty = {k: v for k, v in slices.items() if len(v[0])}
    if not nonempty:
        return {**report, "passed": False, "why": "no rows to compare the two models on"}
    for name, (champion, challenger) in nonempty.items():
        report["slices"][name] = _compare(champion, challenger, rule.test, seed)
    champion = np.concatenate([v[0] for v in nonempty.values()])
    challenger = np.concatenate([v[1] for v in nonempty.values()])
    overall = _compare(champion, challenger, rule.test, seed)
    report["overall"] = overall
    worse = [k for k, s in report["slices"].items() if s["delta"] < 0 and s["p_value"] < rule.alpha]
    delta, p = overall["delta"], overall["p_value"]
    if worse:
        why = f"the challenger is significantly worse on {', '.join(worse)}"
    elif delta < rule.min_margin:
        why = f"accuracy gain {delta:+.4f} is below the minimum margin {rule.min_margin}"
    elif rule.require_significant and p >= rule.alpha:
        why = f"gain {delta:+.4f} is not significant (p={p:.3g} ≥ {rule.alpha})"
    else:
        return {**report, "passed": True, "why": f"accuracy {delta:+.4f} (p={p:.3g}, {rule.test})"}
    return {**report, "passed": False, "why": why}


def _compare(champion: np.ndarray, challenger: np.ndarray, test: str, seed: int) -> dict[str, Any]:
    return {
        "rows": int(len(champion)),
        "champion_accuracy": float(champion.mean()),
        "challenger_accuracy": float(challenger.mean()),
        "delta": float(challenger.mean() - champion.mean()),
        "p_value": paired_p_value(champion, challenger, test, seed),
    }
