"""The strongest n-grams of each label over the whole vocabulary, read off the linear members.

(Named ``global_features`` rather than ``global``: ``global`` is a Python keyword, so a module
of that name could not be imported with an ``import`` statement.)

A weight here is an n-gram's coefficient on the decision scale of ``linear`` (per unit of its
TF-IDF value, which is at most 1), summed over the linear members with their ensemble shares.
Non-linear members are left out and listed. Each member's vocabulary is scanned in column
blocks (bounded memory on 800,000-term vocabularies); its ``CANDIDATES x n_features`` strongest
n-grams per label and side are pooled, and every pooled n-gram gets its exact weighted sum over
all linear members; an n-gram outside every member's own shortlist is not ranked.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from openautoglm.explain import linear
from openautoglm.explain.explainer import members_of
from openautoglm.explain.result import (
    ExplainError,
    FeatureWeight,
    GlobalFeatures,
    Kind,
    MemberUse,
)
from openautoglm.models.hashed_linear import HashedLogRegCandidate

#: each member's shortlist per label and side, in multiples of n_features
CANDIDATES = 5
#: vocabulary columns read at a time
_BLOCK = 50_000


def top_features(classifier: Any, n_features: int = 10) -> GlobalFeatures:
    """Per label, the n-grams with the largest positive and negative combined weights."""
    if isinstance(n_features, bool) or not isinstance(n_features, int) or n_features < 1:
        raise ExplainError(f"n_features={n_features!r} is not allowed: pass a whole number >= 1")
    if not hasattr(classifier.model, "members"):  # a RunResult: its model is the TextClassifier
        classifier = classifier.model
    labels = list(classifier.labels)
    members, shares = members_of(classifier.model)
    uses = [
        MemberUse(family=m.family, weight=float(w), linear=linear.is_linear(m))
        for m, w in zip(members, shares, strict=True)
    ]
    hashed = [isinstance(m, HashedLogRegCandidate) for m in members]
    used = [
        (m, w)
        for m, w, u, h in zip(members, shares, uses, hashed, strict=True)
        if u.linear and w > 0 and not h
    ]
    notes = [
        f"{u.family} (weight {u.weight:.2f}) is not linear and is left out"
        if not u.linear
        else f"{u.family} (weight {u.weight:.2f}) hashes its n-grams, which cannot be listed "
        "without a text; its explanations of single texts are exact"
        for u, h in zip(uses, hashed, strict=True)
        if u.weight > 0 and (h or not u.linear)
    ]
    if not used:
        raise ExplainError(
            "the model has no linear member with a vocabulary and nonzero weight; use explain()"
        )
    pool: dict[int, set[tuple[Kind, str]]] = {i: set() for i in range(len(labels))}
    for member, _ in used:
        for label, keys in _shortlist(member, CANDIDATES * n_features).items():
            pool[label] |= keys
    table = _combined(used, pool)
    positive, negative = {}, {}
    for index, name in enumerate(labels):
        scored = sorted(table[index].items(), key=lambda kv: kv[1])
        top = [kv for kv in reversed(scored) if kv[1] > 0][:n_features]
        bottom = [kv for kv in scored if kv[1] < 0][:n_features]
        positive[name] = [FeatureWeight(feature=n, kind=k, weight=float(v)) for (k, n), v in top]
        negative[name] = [FeatureWeight(feature=n, kind=k, weight=float(v)) for (k, n), v in bottom]
    scale = "coefficient per unit TF-IDF value on the decision (log-odds) scale"
    return GlobalFeatures(scale=scale, labels=positive, against=negative, members=uses, notes=notes)


def _shortlist(member: Any, size: int) -> dict[int, set[tuple[Kind, str]]]:
    """Per label index, ``member``'s ``size`` strongest n-grams on each side."""
    width = sum(
        len(v.vocabulary_) for v in linear.fitted_views(member.featurizer_) if v is not None
    )
    best: dict[int, list[tuple[float, int]]] = {}
    for start in range(0, width, _BLOCK):
        cols = np.arange(start, min(start + _BLOCK, width))
        classes, weights, _ = linear.member_weights(member, cols)
        for row, label in enumerate(classes):
            kept = best.setdefault(int(label), [])
            values = weights[row]
            k = min(size, len(values))
            for picks in (np.argpartition(-values, k - 1)[:k], np.argpartition(values, k - 1)[:k]):
                kept.extend((float(values[p]), int(cols[p])) for p in picks)
            # keep the running shortlist small: strongest on each side
            kept.sort()
            best[int(label)] = kept[:size] + kept[-size:] if len(kept) > 2 * size else kept
    return {
        label: set(linear.feature_names(member, np.array([c for _, c in kept])))
        for label, kept in best.items()
    }


def _combined(
    used: list[tuple[Any, float]], pool: dict[int, set[tuple[Kind, str]]]
) -> dict[int, dict[tuple[Kind, str], float]]:
    """Per label index, the ensemble-weighted coefficient of each pooled n-gram."""
    table: dict[int, dict[tuple[Kind, str], float]] = {
        i: dict.fromkeys(k, 0.0) for i, k in pool.items()
    }
    keys = sorted(set().union(*pool.values()))
    for member, share in used:
        found = [(key, linear.column_of(member, *key)) for key in keys]
        found = [(key, col) for key, col in found if col is not None]
        if not found:
            continue
        classes, weights, _ = linear.member_weights(member, np.array([c for _, c in found]))
        for row, label in enumerate(classes):
            target = table.get(int(label))
            if target is None:
                continue
            for (key, _), value in zip(found, weights[row], strict=True):
                if key in target:
                    target[key] += share * float(value)
    return table
