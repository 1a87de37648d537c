"""Remove duplicate and leaking rows, and cut a stratified holdout test set."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
from sklearn.model_selection import train_test_split

# Training rows each class needs in the search (stratified k-fold with k >= 2); see validate.py.
MIN_TRAIN_ROWS = 2


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
    # Rounding (or a large test_size) can leave a rare class short on one side; move rows across
    # while the other side can spare them. Training comes first: the search's cross-validation
    # needs MIN_TRAIN_ROWS of every class, and an unseen class cannot be learned at all.
    train = train_idx.tolist()
    test = test_idx.tolist()
    _lend(labels, source=test, target=train, want=MIN_TRAIN_ROWS, keep=1)
    _lend(labels, source=train, target=test, want=1, keep=MIN_TRAIN_ROWS)
    return np.array(sorted(train), dtype=np.int64), np.array(sorted(test), dtype=np.int64)


def _lend(labels: list[str], source: list[int], target: list[int], want: int, keep: int) -> None:
    """Move rows so each class has `want` in target, leaving at least `keep` in source."""
    source_counts = Counter(labels[i] for i in source)
    target_counts = Counter(labels[i] for i in target)
    for label in sorted(source_counts):
        while target_counts[label] < want and source_counts[label] > keep:
            moved = next(i for i in reversed(source) if labels[i] == label)
            source.remove(moved)
            target.append(moved)
            source_counts[label] -= 1
            target_counts[label] += 1
