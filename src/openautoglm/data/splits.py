"""Remove duplicate and leaking rows, and cut a stratified holdout test set."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
from sklearn.model_selection import train_test_split


def dedupe_pairs(texts: list[str], labels: list[str]) -> tuple[list[str], list[str], int]:
    """Drop exact repeats of a (text, label) pair, keeping the first; return the drop count."""
    seen: set[tuple[str, str]] = set()
    kept_texts: list[str] = []
    kept_labels: list[str] = []
    for text, label in zip(texts, labels, strict=True):
        if (text, label) not in seen:
            seen.add((text, label))
            kept_texts.append(text)
            kept_labels.append(label)
    return kept_texts, kept_labels, len(texts) - len(kept_texts)


def count_conflicts(texts: list[str], labels: list[str]) -> int:
    """Count texts that appear with more than one label."""
    by_text: dict[str, set[str]] = defaultdict(set)
    for text, label in zip(texts, labels, strict=True):
        by_text[text].add(label)
    return sum(len(found) > 1 for found in by_text.values())


def drop_overlap(
    texts: list[str], labels: list[str], test_texts: list[str]
) -> tuple[list[str], list[str], int]:
    """Remove training rows whose text also occurs in the test set (leakage)."""
    test_set = set(test_texts)
    kept = [(t, y) for t, y in zip(texts, labels, strict=True) if t not in test_set]
    return [t for t, _ in kept], [y for _, y in kept], len(texts) - len(kept)


def holdout_split(labels: list[str], test_size: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Return stratified (train, test) row indices that cover every class where possible."""
    indices = np.arange(len(labels))
    try:
        train_idx, test_idx = train_test_split(
            indices, test_size=test_size, random_state=seed, stratify=labels
        )
    except ValueError:
        # Too few rows per class (or overall) for sklearn's stratifier: split class by class.
        train_idx, test_idx = _per_class_split(labels, test_size, seed)
    return _ensure_coverage(labels, np.sort(train_idx), np.sort(test_idx))


def _per_class_split(labels: list[str], test_size: float, seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    by_class: dict[str, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        by_class[label].append(i)
    train: list[int] = []
    test: list[int] = []
    for label in sorted(by_class):
        rows = rng.permutation(by_class[label]).tolist()
        n_test = min(max(1, round(test_size * len(rows))), len(rows) - 1)
        test += rows[:n_test]
        train += rows[n_test:]
    return np.array(train, dtype=np.int64), np.array(test, dtype=np.int64)


def _ensure_coverage(
    labels: list[str], train_idx: np.ndarray, test_idx: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    # Rounding can leave a rare class with no rows on one side; move one row across when the
    # other side can spare it. Training coverage comes first: an unseen class cannot be learned.
    train = train_idx.tolist()
    test = test_idx.tolist()
    _lend(labels, source=test, target=train)
    _lend(labels, source=train, target=test)
    return np.array(sorted(train), dtype=np.int64), np.array(sorted(test), dtype=np.int64)


def _lend(labels: list[str], source: list[int], target: list[int]) -> None:
    source_counts = Counter(labels[i] for i in source)
    target_labels = {labels[i] for i in target}
    for label, n in sorted(source_counts.items()):
        if label not in target_labels and n >= 2:
            moved = next(i for i in reversed(source) if labels[i] == label)
            source.remove(moved)
            target.append(moved)
