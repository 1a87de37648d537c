"""Per-label decision thresholds of a multilabel model, tuned on out-of-fold probabilities."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from openautoglm.evaluate.task_metrics import multilabel_score

#: thresholds tried for each label
GRID = np.round(np.arange(0.02, 0.96, 0.02), 2)
#: never fires: the threshold of a label no training row has
NEVER = 1.01
#: booleans tested at once when counting (about 50 MB)
CHUNK_CELLS = 50_000_000
#: the file a bundle keeps the thresholds in
THRESHOLDS_FILE = "thresholds.json"
#: metrics counted per label (thresholds maximise each label's F1 for the others)
_PER_LABEL_ACCURACY = {"hamming_loss", "subset_accuracy"}


@dataclass
class LabelThresholds:
    """A threshold per label; ``at_least_one`` keeps the most probable label on empty rows."""

    thresholds: np.ndarray
    at_least_one: bool = False

    def apply(self, proba: np.ndarray) -> np.ndarray:
        """The 0/1 label matrix the probabilities (rows × labels) decide."""
        pred = (np.asarray(proba) >= self.thresholds).astype(np.int8)
        if self.at_least_one and pred.size:
            empty = pred.sum(axis=1) == 0
            pred[empty, np.asarray(proba)[empty].argmax(axis=1)] = 1
        return pred

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types."""
        return {"thresholds": self.thresholds.tolist(), "at_least_one": self.at_least_one}

    @classmethod
    def from_json(cls, payload: dict[str, Any]) -> LabelThresholds:
        """The inverse of ``to_json``."""
        return cls(np.asarray(payload["thresholds"], dtype=np.float64), payload["at_least_one"])

    def write(self, folder: Path) -> None:
        """Save into a bundle folder."""
        (folder / THRESHOLDS_FILE).write_text(json.dumps(self.to_json()), encoding="utf-8")

    @classmethod
    def read(cls, folder: Path) -> LabelThresholds | None:
        """Read from a bundle folder (None when it has none)."""
        path = folder / THRESHOLDS_FILE
        if not path.is_file():
            return None
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))


def tune_thresholds(
    y: np.ndarray, proba: np.ndarray, metric: str = "f1_micro", absent: float = NEVER
) -> LabelThresholds:
    """Each label's best threshold on (y, proba), and whether forcing one label a row helps.

    A label no row of ``y`` has gets ``absent`` (by default: it never fires).

    Example:
        >>> tune_thresholds(np.array([[1], [0]]), np.array([[0.3], [0.1]])).thresholds
        array([0.12])
    """
    y, proba = np.asarray(y, dtype=bool), np.asarray(proba, dtype=np.float64)
    tp, fp, fn = _counts(y, proba)
    if metric in _PER_LABEL_ACCURACY:
        gain = -(fp + fn).astype(np.float64)
    else:
        gain = 2 * tp / np.maximum(2 * tp + fp + fn, 1)
    # ties go to the threshold nearest 0.5: neither eager nor shy where the data cannot tell
    gain = gain - 1e-9 * np.abs(GRID - 0.5)
    thresholds = GRID[gain.argmax(axis=1)].astype(np.float64)
    thresholds[~y.any(axis=0)] = absent
    plain = LabelThresholds(thresholds, False)
    forced = LabelThresholds(thresholds, True)
    better = multilabel_score(metric, y, forced.apply(proba)) > multilabel_score(
        metric, y, plain.apply(proba)
    )
    return forced if better else plain


def _counts(y: np.ndarray, proba: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """True/false positives and false negatives, labels × thresholds.

    Labels go in chunks so the rows × labels × thresholds test stays near CHUNK_CELLS
    booleans however many rows and labels there are.
    """
    n_rows, n_labels = y.shape
    step = max(1, CHUNK_CELLS // max(1, n_rows * GRID.size))
    counts = np.zeros((3, n_labels, GRID.size), dtype=np.int64)
    for start in range(0, n_labels, step):
        part = slice(start, start + step)
        fires = proba[:, part, None] >= GRID
        truth = y[:, part, None]
        counts[0, part] = (fires & truth).sum(axis=0)
        counts[1, part] = (fires & ~truth).sum(axis=0)
        counts[2, part] = (~fires & truth).sum(axis=0)
    return counts[0], counts[1], counts[2]
