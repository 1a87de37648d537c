"""Exact per-feature contributions of the linear TF-IDF families, and of ensembles of them.

Each sparse member's decision is ``score_k(x) = b_k + sum_j W_kj * x_j`` over the TF-IDF (or,
for NB-SVM, binary presence) value ``x_j`` of every word / character n-gram ``j`` in the text,
so ``W_kj * x_j`` is exactly n-gram ``j``'s part of label ``k``'s score. What ``W`` and ``b``
are follows what each family's classifier computes:

- ``tfidf_lr``: the logistic regression's ``decision_function`` (multinomial logits; for two
  labels the positive label's log-odds ``z`` and ``-z`` for the other);
- ``nbsvm``: each one-vs-rest regression's log-odds, with the naive-Bayes ratio already folded
  into its coefficients (``NBSVMClassifier.coef_``); two labels as above;
- ``complement_nb``: the joint log-likelihood ``x @ feature_log_prob_.T`` (no prior with two or
  more labels), centred over the labels per n-gram; softmax ignores a per-text constant, so
  the centred scores give the same probabilities, and the centring makes an n-gram that is
  equally likely under every label count for none (uncentred, every n-gram is "for" every label);
- ``tfidf_svm``: each calibration fold's sigmoid log-odds ``-(a_k * svm_k(x) + b_k)``, averaged
  over the folds (the model averages the folds' probabilities, so this sum is exact for the
  averaged log-odds, not for the probability itself);
- ``hashed_lr``: the softmax logits of its hashed n-gram TF-IDF; a hash cannot be read back,
  so each column is named by the n-grams of the text being explained that fall into it.

An ensemble's explanation adds the contributions of each linear member weighted by its share of
the ensemble weight, on this decision (log-odds) scale: ``sum_m w_m * score_mk``. The ensemble
itself averages probabilities, so the combined score ranks evidence faithfully but its softmax
is not the ensemble's probability; the probabilities reported are the ensemble's own. Members'
scales differ (naive Bayes log-likelihoods are larger than regression logits), which the weights
do not correct. Non-linear members (fastText, encoders) have no such form: see lime_text.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import ComplementNB
from sklearn.preprocessing import LabelEncoder

from openautoglm.explain.result import FeatureWeight, Kind
from openautoglm.models.hashed_linear import HashedLogRegCandidate
from openautoglm.models.nbsvm import NBSVMClassifier
from openautoglm.models.sparse_base import SparseCandidate
from openautoglm.models.sparse_features import fitted_views

#: what the exact weights measure (shown with every exact explanation)
SCALE = "decision score (log-odds / logit units), ensemble-weighted sum over linear members"

# inverse vocabularies, built once per fitted vectorizer (up to 800,000 terms)
_NAMES: weakref.WeakKeyDictionary[Any, np.ndarray] = weakref.WeakKeyDictionary()


def is_linear(member: Any) -> bool:
    """Whether ``member``'s decision is linear in its n-gram features (one of the five above)."""
    if isinstance(member, HashedLogRegCandidate):
        return hasattr(member, "coef_")
    if not isinstance(member, SparseCandidate) or not hasattr(member, "classifier_"):
        return False
    clf = member.classifier_
    if isinstance(clf, CalibratedClassifierCV):
        return all(
            c.method == "sigmoid" and hasattr(c.estimator, "coef_")
            for c in clf.calibrated_classifiers_
        )
    return isinstance(clf, (LogisticRegression, NBSVMClassifier, ComplementNB))


def member_weights(
    member: SparseCandidate, cols: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(label index per row, weights ``W[:, cols]``, intercepts ``b``) of a linear member."""
    if isinstance(member, HashedLogRegCandidate):  # softmax logits, one row per class
        coef = np.asarray(member.coef_[:, cols], dtype=np.float64)
        return np.arange(member.n_classes_), coef, member.intercept_.astype(np.float64)
    clf = member.classifier_
    classes = np.asarray(clf.classes_, dtype=int)
    if isinstance(clf, ComplementNB):
        flp = np.asarray(clf.feature_log_prob_[:, cols], dtype=np.float64)
        # centred per n-gram: same softmax, and shared evidence counts for no label
        return classes, flp - flp.mean(axis=0, keepdims=True), np.zeros(len(classes))
    if isinstance(clf, CalibratedClassifierCV):
        return classes, *_calibrated_weights(clf, cols)
    coef = np.asarray(clf.coef_[:, cols], dtype=np.float64)
    intercept = np.asarray(clf.intercept_, dtype=np.float64)
    if coef.shape[0] == 1:  # binary: one log-odds z for classes_[1]; classes_[0] has -z
        return classes, np.vstack([-coef, coef]), np.array([-intercept[0], intercept[0]])
    return classes, coef, intercept


def _calibrated_weights(
    clf: CalibratedClassifierCV, cols: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Sigmoid-calibrated SVM log-odds, averaged over the calibration folds."""
    n = len(clf.classes_)
    coef, intercept = np.zeros((n, len(cols))), np.zeros(n)
    counts = np.zeros(n)
    for fold in clf.calibrated_classifiers_:
        svm = fold.estimator
        # the fold's SVM may know a subset of the labels; map its rows onto all of them
        rows = LabelEncoder().fit(fold.classes).transform(svm.classes_)
        w = np.asarray(svm.coef_[:, cols], dtype=np.float64)
        c = np.asarray(svm.intercept_, dtype=np.float64)
        if n == 2:  # one score, for the positive label (sklearn's calibrator index 0 -> class 1)
            rows = np.array([1])
        for row, w_row, c_row, cal in zip(rows, w, c, fold.calibrators, strict=False):
            coef[row] += -cal.a_ * w_row
            intercept[row] += -(cal.a_ * c_row + cal.b_)
            counts[row] += 1
    if n == 2:
        coef[0], intercept[0], counts[0] = -coef[1], -intercept[1], counts[1]
    counts = np.maximum(counts, 1)
    return coef / counts[:, None], intercept / counts


def feature_names(member: SparseCandidate, cols: np.ndarray) -> list[tuple[Kind, str]]:
    """(kind, n-gram) of each column of ``member``'s featurizer output."""
    cols = np.asarray(cols, dtype=int)
    kinds = np.empty(len(cols), dtype=object)
    names = np.empty(len(cols), dtype=object)
    start = 0
    for kind, vectorizer in zip(("word", "char"), fitted_views(member.featurizer_), strict=True):
        if vectorizer is None:
            continue
        # FeatureUnion stacks the word view's columns, then the char view's
        stop = start + len(vectorizer.vocabulary_)
        inside = (cols >= start) & (cols < stop)
        kinds[inside] = kind
        names[inside] = _names(vectorizer)[cols[inside] - start]
        start = stop
    return list(zip(kinds.tolist(), names.tolist(), strict=True))


def column_of(member: SparseCandidate, kind: Kind, name: str) -> int | None:
    """The featurizer column of one (kind, n-gram), or None when ``member`` lacks it."""
    word, char = fitted_views(member.featurizer_)
    offset = 0
    for view_kind, vectorizer in (("word", word), ("char", char)):
        if vectorizer is None:
            continue
        if view_kind == kind:
            index = vectorizer.vocabulary_.get(name)
            return None if index is None else offset + int(index)
        offset += len(vectorizer.vocabulary_)
    return None


def _names(vectorizer: Any) -> np.ndarray:
    names = _NAMES.get(vectorizer)
    if names is None:
        names = np.empty(len(vectorizer.vocabulary_), dtype=object)
        for term, index in vectorizer.vocabulary_.items():
            names[index] = term
        _NAMES[vectorizer] = names
    return names


@dataclass
class Terms:
    """One member's decision for one text, split into per-n-gram terms."""

    classes: np.ndarray  # label index of each row
    contributions: np.ndarray  # (rows, present n-grams): W_kj * x_j
    intercepts: np.ndarray  # (rows,)
    features: list[tuple[Kind, str]]  # (kind, n-gram) of each column

    def scores(self) -> np.ndarray:
        """The member's decision score per row: intercept plus every contribution."""
        return self.intercepts + self.contributions.sum(axis=1)


def member_terms(member: SparseCandidate | HashedLogRegCandidate, text: str) -> Terms:
    """Exact per-n-gram contributions of ``text`` to each label's score under ``member``."""
    row = member.featurizer_.transform([text]).tocsr()
    row.sum_duplicates()  # hashed features count an n-gram once per occurrence
    cols, values = row.indices, row.data.astype(np.float64)
    classes, weights, intercepts = member_weights(member, cols)
    if isinstance(member, HashedLogRegCandidate):
        names = hashed_names(member, text, cols)
    else:
        names = feature_names(member, cols)
    return Terms(classes, weights * values[None, :], intercepts, names)


def hashed_names(member: HashedLogRegCandidate, text: str, cols: np.ndarray) -> list[Any]:
    """(kind, n-gram) of each column ``text`` hits under a hashed member: read off the text
    itself, since a hash cannot be inverted (two n-grams sharing a column are both named)."""
    vectorizer = member.featurizer_
    buckets, _ = vectorizer.hashes([text])
    found: dict[int, list[tuple[str, str]]] = {}
    for (kind, name), col in zip(vectorizer.ngram_names(text), vectorizer.column_[buckets],
                                 strict=True):  # fmt: skip
        if col >= 0 and (kind, name) not in found.setdefault(int(col), []):
            found[int(col)].append((kind, name))
    return [(found[int(c)][0][0], " / ".join(name for _, name in found[int(c)])) for c in cols]


@dataclass
class Combined:
    """The ensemble-weighted contributions of the linear members: one row per label index."""

    features: list[tuple[Kind, str]]  # (kind, n-gram) of each column
    contributions: np.ndarray  # (labels, features)
    intercepts: np.ndarray  # (labels,)

    def score(self, label: int) -> float:
        """Intercept plus every contribution of one label."""
        return float(self.intercepts[label] + self.contributions[label].sum())

    def top(
        self, label: int, n_features: int
    ) -> tuple[list[FeatureWeight], list[FeatureWeight], float]:
        """(strongest positive, strongest negative, summed weight of the rest) of one label."""
        row = self.contributions[label]
        order = np.argsort(row, kind="stable")
        positive = [i for i in order[::-1][:n_features] if row[i] > 0]
        negative = [i for i in order[:n_features] if row[i] < 0]
        rest = row.sum() - row[positive].sum() - row[negative].sum()
        return self._weights(row, positive), self._weights(row, negative), float(rest)

    def _weights(self, row: np.ndarray, columns: list[int]) -> list[FeatureWeight]:
        return [
            FeatureWeight(feature=self.features[i][1], kind=self.features[i][0], weight=row[i])
            for i in columns
        ]


def combine(members: Sequence[Any], weights: Sequence[float], text: str, n_labels: int) -> Combined:
    """Sum each linear member's contributions times its share of the weight (nonzero only)."""
    share = np.asarray(weights, dtype=np.float64)
    share = share / share.sum()
    index: dict[tuple[Kind, str], int] = {}
    parts = []
    intercepts = np.zeros(n_labels)
    for member, w in zip(members, share, strict=True):
        if w == 0:
            continue
        if not is_linear(member):
            raise ValueError(f"member {member.family} is not linear; explain it with LIME")
        terms = member_terms(member, text)
        # the same n-gram in two members is one column: their weighted terms add up
        columns = np.fromiter(
            (index.setdefault(key, len(index)) for key in terms.features),
            dtype=np.int64,
            count=len(terms.features),
        )
        parts.append((terms.classes, columns, w * terms.contributions))
        np.add.at(intercepts, terms.classes, w * terms.intercepts)
    contributions = np.zeros((n_labels, len(index)))
    for classes, columns, values in parts:
        for row, label in enumerate(classes):
            np.add.at(contributions[label], columns, values[row])
    return Combined(list(index), contributions, intercepts)
