"""Summarise prepared data as a JSON-serialisable profile, and hash it for cache keys."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np


def build_profile(
    train_texts: Sequence[str],
    train_labels: Sequence[str],
    test_texts: Sequence[str],
    labels: Sequence[str],
    **extra: Any,
) -> dict[str, Any]:
    """Return row counts, class balance and text-length statistics, plus `extra` entries."""
    counts = Counter(train_labels)
    class_counts = {label: int(counts.get(label, 0)) for label in labels}
    largest, smallest = max(class_counts.values()), min(class_counts.values())
    return {
        "rows_train": len(train_texts),
        "rows_test": len(test_texts),
        "n_classes": len(labels),
        "class_counts": class_counts,
        "imbalance_ratio": round(largest / smallest, 3) if smallest else None,
        "majority_share": round(largest / max(len(train_texts), 1), 4),
        "text_length_chars": length_stats(train_texts),
        "drift_reference": drift_reference(train_texts, train_labels),
        **extra,
    }


def drift_reference(texts: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    """What served traffic is compared with to detect drift: label shares and length bins.

    Length bins are the training lengths' deciles; ``shares`` is the training share in each.
    """
    lengths = np.array([len(t) for t in texts], dtype=np.float64)
    values, counts = np.unique(np.asarray(list(labels), dtype=object), return_counts=True)
    if lengths.size == 0:
        return {"label_shares": {}, "length_edges": [], "length_shares": []}
    edges = np.unique(np.percentile(lengths, np.arange(10, 100, 10)))
    shares = np.bincount(np.searchsorted(edges, lengths, side="right"), minlength=len(edges) + 1)
    return {
        "label_shares": {
            str(v): round(float(c) / len(lengths), 6) for v, c in zip(values, counts, strict=True)
        },
        "length_edges": [float(e) for e in edges],
        "length_shares": [round(float(c) / len(lengths), 6) for c in shares],
    }


def length_stats(texts: Sequence[str]) -> dict[str, float]:
    """Mean, median, 95th percentile and longest character length of some texts."""
    lengths = np.array([len(t) for t in texts], dtype=np.float64)
    if lengths.size == 0:
        return {"mean": 0.0, "median": 0.0, "p95": 0.0, "max": 0.0}
    return {
        "mean": round(float(lengths.mean()), 1),
        "median": float(np.median(lengths)),
        "p95": round(float(np.percentile(lengths, 95)), 1),
        "max": float(lengths.max()),
    }


def save_profile(profile: dict[str, Any], path: str | Path) -> None:
    """Write the profile as indented UTF-8 JSON, keeping Chinese characters readable."""
    Path(path).write_text(json.dumps(profile, ensure_ascii=False, indent=2), encoding="utf-8")


def data_hash(
    train_texts: Sequence[str],
    train_labels: Sequence[str],
    test_texts: Sequence[str],
    test_labels: Sequence[str],
) -> str:
    """Return sha256[:16] over train and test texts and labels, for cache keys."""
    payload = json.dumps(
        [list(train_texts), list(train_labels), list(test_texts), list(test_labels)],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def rows_hash(texts: Sequence[str], labels: Sequence[str]) -> str:
    """Return sha256[:16] over one split's texts and labels: equal hashes, same test data."""
    payload = json.dumps([list(texts), list(labels)], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
