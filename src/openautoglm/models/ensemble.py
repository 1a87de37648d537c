"""Greedy ensemble selection (Caruana et al., 2004) over out-of-fold probabilities."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from openautoglm.models.base import Candidate


def greedy_selection(
    probas: Sequence[np.ndarray],
    y: np.ndarray,
    scorer: Callable[[np.ndarray, np.ndarray], float],
    rounds: int = 25,
) -> tuple[np.ndarray, float]:
    """Weights over ``probas`` chosen greedily with replacement; returns (weights, score).

    Rows where any member has no prediction (NaN) are left out of the selection.

    Example:
        >>> w, s = greedy_selection([p1, p2], y, lambda y, p: (p.argmax(1) == y).mean())
    """
    stack = np.stack(probas)  # (members, rows, classes)
    rows = ~np.isnan(stack).any(axis=(0, 2))
    stack, y = stack[:, rows], y[rows]
    counts = np.zeros(len(probas), dtype=int)
    total = np.zeros_like(stack[0])
    best_score, best_counts = -np.inf, counts.copy()
    for _ in range(rounds):
        trial_scores = [scorer(y, (total + member) / (counts.sum() + 1)) for member in stack]
        pick = int(np.argmax(trial_scores))
        counts[pick] += 1
        total += stack[pick]
        if trial_scores[pick] > best_score + 1e-12:
            best_score, best_counts = trial_scores[pick], counts.copy()
    return best_counts / best_counts.sum(), float(best_score)


class WeightedEnsemble:
    """Weighted average of fitted candidates' probabilities."""

    def __init__(self, members: Sequence[Candidate], weights: Sequence[float]) -> None:
        if len(members) != len(weights) or not members:
            raise ValueError("an ensemble needs one weight per member and at least one member")
        self.members = list(members)
        # kept as given and divided at prediction, so a save/load round trip is bit-identical
        self.weights = np.asarray(weights, dtype=np.float64)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Weighted mean of the members' probabilities."""
        texts = list(texts)
        total = sum(
            w * m.predict_proba(texts) for m, w in zip(self.members, self.weights, strict=True)
        )
        return total / self.weights.sum()

    def predict_scores(self, texts: Sequence[str]) -> np.ndarray:
        """Weighted mean of the members' scores: probabilities per class or per label, or the
        predicted numbers (one column) of regression members."""
        texts = list(texts)
        total = sum(
            w * m.predict_scores(texts) for m, w in zip(self.members, self.weights, strict=True)
        )
        return total / self.weights.sum()

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Most probable class index per text."""
        return self.predict_proba(texts).argmax(axis=1)

    def save(self, path: Path) -> list[dict]:
        """Write each member in its own folder plus ensemble.json; returns the member records."""
        path.mkdir(parents=True, exist_ok=True)
        records = []
        for i, (member, weight) in enumerate(zip(self.members, self.weights, strict=True)):
            folder = f"member_{i}_{member.family}"
            member.save(path / folder)
            records.append({"family": member.family, "folder": folder, "weight": float(weight)})
        (path / "ensemble.json").write_text(json.dumps(records, indent=2), encoding="utf-8")
        return records

    @classmethod
    def load(cls, path: Path) -> WeightedEnsemble:
        """Read an ensemble written by ``save``."""
        from openautoglm.models.catalog import family_class

        records = json.loads((path / "ensemble.json").read_text(encoding="utf-8"))
        members = [family_class(r["family"]).load(path / r["folder"]) for r in records]
        return cls(members, [r["weight"] for r in records])
