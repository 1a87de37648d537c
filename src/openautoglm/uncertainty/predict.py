"""Per-text uncertainty of an ensemble's predictions: what ``predict_proba(uncertainty=True)``
returns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from openautoglm.models.ensemble import WeightedEnsemble
from openautoglm.uncertainty.fitted import UncertaintyModel
from openautoglm.uncertainty.mc_dropout import (
    DEFAULT_PASSES,
    mc_dropout_proba,
    supports_mc_dropout,
)
from openautoglm.uncertainty.spread import probability_variance, vote_disagreement

_EPS = 1e-12


@dataclass
class UncertainPrediction:
    """Probabilities with per-text uncertainty; arrays have one row a text.

    ``proba`` is temperature-scaled when the model was calibrated (else equal to
    ``raw_proba``, which is exactly what ``predict_proba(texts)`` returns); both have the same
    top label. ``entropy`` (nats) and ``max_proba`` are of ``proba``. ``spread_variance`` and
    ``vote_disagreement`` measure disagreement between ensemble members (NaN with one
    member); ``mc_variance`` and ``mutual_information`` come from MC dropout over the members
    in ``mc_dropout_members`` (weighted by ensemble weight; NaN when none supports it).
    ``abstain`` is True where the calibrated max probability is below the stored threshold
    (all False when the model has no abstain rule).
    """

    labels: list[str]
    proba: np.ndarray
    raw_proba: np.ndarray
    entropy: np.ndarray
    max_proba: np.ndarray
    spread_variance: np.ndarray
    vote_disagreement: np.ndarray
    mc_variance: np.ndarray
    mutual_information: np.ndarray
    abstain: np.ndarray
    mc_dropout_members: list[str] = field(default_factory=list)
    abstain_threshold: float | None = None

    @property
    def predicted(self) -> list[str]:
        """The most probable label name per text."""
        return [self.labels[i] for i in self.proba.argmax(axis=1)]

    def __len__(self) -> int:
        return len(self.proba)

    def to_frame(self) -> pd.DataFrame:
        """One row a text: prediction, uncertainty columns, then one probability column a label."""
        frame = pd.DataFrame(
            {
                "predicted": self.predicted,
                "max_proba": self.max_proba,
                "entropy": self.entropy,
                "spread_variance": self.spread_variance,
                "vote_disagreement": self.vote_disagreement,
                "mc_variance": self.mc_variance,
                "mutual_information": self.mutual_information,
                "abstain": self.abstain,
            }
        )
        probabilities = pd.DataFrame(self.proba, columns=[f"p_{label}" for label in self.labels])
        return pd.concat([frame, probabilities], axis=1)


def entropy(proba: np.ndarray) -> np.ndarray:
    """Shannon entropy per row, in nats."""
    return -(proba * np.log(np.clip(proba, _EPS, 1.0))).sum(axis=1)


def mc_dropout_members(model: WeightedEnsemble) -> list[str]:
    """The families of the members that support MC dropout, in member order."""
    return [m.family for m in model.members if supports_mc_dropout(m)]


def _chunk(
    model: WeightedEnsemble, texts: list[str], mc_passes: int, seed: int
) -> tuple[np.ndarray, ...]:
    member_probas = [m.predict_proba(texts) for m in model.members]
    # the same expression as WeightedEnsemble.predict_proba, so raw_proba is bit-identical
    raw = (
        sum(w * p for p, w in zip(member_probas, model.weights, strict=True)) / model.weights.sum()
    )
    variance = probability_variance(member_probas, model.weights)
    votes = vote_disagreement(member_probas, model.weights)
    mc_var = np.full(len(texts), np.nan)
    mc_mi = np.full(len(texts), np.nan)
    capable = [(m, w) for m, w in zip(model.members, model.weights, strict=True)
               if mc_passes >= 2 and supports_mc_dropout(m)]  # fmt: skip
    if capable:
        total = sum(w for _, w in capable)
        results = [(mc_dropout_proba(m, texts, mc_passes, seed), w) for m, w in capable]
        mc_var = sum(w * r.variance for r, w in results) / total
        mc_mi = sum(w * r.mutual_information for r, w in results) / total
    return raw, variance, votes, mc_var, mc_mi


def predict_with_uncertainty(
    model: WeightedEnsemble,
    texts: Sequence[str],
    labels: Sequence[str],
    fitted: UncertaintyModel | None,
    chunk_size: int = 1024,
    mc_passes: int = DEFAULT_PASSES,
    seed: int = 0,
) -> UncertainPrediction:
    """Probabilities and per-text uncertainty of ``model`` on ``texts``, ``chunk_size`` at a time.

    ``mc_passes``: stochastic passes of MC dropout per capable member (0 or 1: skip it).
    """
    texts = list(texts)
    n_classes = len(labels)
    parts = [_chunk(model, texts[i : i + chunk_size], mc_passes, seed)
             for i in range(0, len(texts), max(1, chunk_size))]  # fmt: skip
    if parts:
        raw, variance, votes, mc_var, mc_mi = (np.concatenate(p) for p in zip(*parts, strict=True))
    else:
        raw = np.empty((0, n_classes))
        variance = votes = mc_var = mc_mi = np.empty(0)
    proba = fitted.calibrate(raw) if fitted is not None and len(raw) else raw
    top = proba.max(axis=1) if len(proba) else np.empty(0)
    abstain = fitted.abstain.abstain(top) if fitted is not None else np.zeros(len(top), bool)
    return UncertainPrediction(
        labels=list(labels),
        proba=proba,
        raw_proba=raw,
        entropy=entropy(proba),
        max_proba=top,
        spread_variance=variance,
        vote_disagreement=votes,
        mc_variance=mc_var,
        mutual_information=mc_mi,
        abstain=abstain,
        mc_dropout_members=mc_dropout_members(model) if mc_passes >= 2 else [],
        abstain_threshold=fitted.abstain.threshold if fitted is not None else None,
    )


def predict_sets(
    model: WeightedEnsemble,
    texts: Sequence[str],
    labels: Sequence[str],
    fitted: UncertaintyModel,
    alpha: float | None = None,
    method: str | None = None,
    chunk_size: int = 1024,
    nonempty: bool = False,
) -> list[list[str]]:
    """Conformal prediction sets (label names, most probable first) for ``texts``."""
    texts = list(texts)
    quantile_alpha = fitted.alpha if alpha is None else alpha
    fitted.quantile(quantile_alpha, method)  # a bad alpha or method fails before predicting
    sets: list[list[str]] = []
    for start in range(0, len(texts), max(1, chunk_size)):
        calibrated = fitted.calibrate(model.predict_proba(texts[start : start + chunk_size]))
        chunk = texts[start : start + chunk_size]
        found = fitted.sets(calibrated, chunk, quantile_alpha, method, nonempty)
        sets += [[labels[i] for i in s] for s in found]
    return sets
