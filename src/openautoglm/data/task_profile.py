"""Profiles of the other task types: label cardinality and co-occurrence for multilabel data,
both sides' lengths for text pairs, the target's distribution for regression."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import combinations
from typing import Any

import numpy as np

from openautoglm.data.profile import length_stats

#: co-occurring label pairs listed in a multilabel profile
TOP_PAIRS = 10


def multilabel_profile(label_lists: Sequence[Sequence[str]]) -> dict[str, Any]:
    """Labels per row, each label's count, and the pairs of labels seen together most."""
    sizes = np.array([len(labels) for labels in label_lists], dtype=np.float64)
    counts = Counter(label for labels in label_lists for label in labels)
    pairs = Counter(p for labels in label_lists for p in combinations(sorted(labels), 2))
    return {
        "rows": len(label_lists),
        "labels": len(counts),
        "cardinality": round(float(sizes.mean()), 3) if sizes.size else 0.0,
        "rows_with_several": int((sizes > 1).sum()),
        "rows_without_label": int((sizes == 0).sum()),
        "label_counts": dict(counts.most_common()),
        "top_pairs": [{"labels": list(p), "rows": n} for p, n in pairs.most_common(TOP_PAIRS)],
    }


def pair_profile(left: Sequence[str], right: Sequence[str]) -> dict[str, Any]:
    """Character lengths of both sides, and how often the two sides are identical."""
    return {
        "rows": len(left),
        "left_length": length_stats(left),
        "right_length": length_stats(right),
        "identical_pairs": int(sum(a == b for a, b in zip(left, right, strict=True))),
    }


def regression_profile(y: Sequence[float]) -> dict[str, Any]:
    """The target's mean, spread and quantiles."""
    values = np.asarray(y, dtype=np.float64)
    quantiles = np.quantile(values, [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0])
    names = ("min", "p05", "p25", "median", "p75", "p95", "max")
    return {
        "rows": int(values.size),
        "mean": round(float(values.mean()), 4),
        "std": round(float(values.std()), 4),
        **{k: round(float(v), 4) for k, v in zip(names, quantiles, strict=True)},
        "distinct": int(np.unique(values).size),
    }
