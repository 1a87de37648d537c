"""The configurations a run tries first, before the sampler takes over.

A portfolio of configurations that did well on earlier datasets (measured by cross-validation
on the training parts of the benchmark sets, never on their test parts) gives a short budget a
strong and diverse ensemble at once; TPE then refines around them. On Chinese the portfolio is
what wins: single characters matter, and a character model and a word model as separate
members beat one model over both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openautoglm.models.text_features import needs_segmentation

_CHARS_1_3 = {"char_ngram_min": 1, "char_ngram_max": 3, "word_ngram_max": 0}
_SHAPE = {"sublinear_tf": True, "min_df": 1}

#: Chinese: (family, hyperparameters), cheapest first; every value lies inside the family's space
CHINESE: list[tuple[str, dict[str, Any]]] = [
    ("complement_nb", {**_SHAPE, "char_ngram_min": 1, "char_ngram_max": 2, "word_ngram_max": 1,
                       "alpha": 0.3, "norm": False}),
    ("tfidf_lr", {**_SHAPE, **_CHARS_1_3, "C": 16.0, "class_weight": None}),
    ("tfidf_svm", {**_SHAPE, "char_ngram_min": 1, "char_ngram_max": 3, "word_ngram_max": 2,
                   "C": 0.5, "class_weight": None}),
    ("nbsvm", {**_SHAPE, "char_ngram_min": 1, "char_ngram_max": 3, "word_ngram_max": 2,
               "C": 4.0, "alpha": 1.0}),
    ("tfidf_lr", {**_SHAPE, "char_ngram_min": 1, "char_ngram_max": 0, "word_ngram_max": 2,
                  "C": 16.0, "class_weight": None}),
    ("fasttext", {}),
]  # fmt: skip

#: English: each family's defaults, cheap and usually strong families first
ENGLISH_ORDER = ["tfidf_lr", "frozen_encoder", "nbsvm", "complement_nb", "tfidf_svm", "fasttext"]
#: the other tasks (any language): the families built for the task first, on their defaults
TASK_ORDER: dict[str, list[str]] = {
    "multilabel_classification": ["tfidf_lr", "frozen_encoder", "tfidf_svm"],
    "text_pair_classification": ["pair_lr", "biencoder_lr", "tfidf_lr", "complement_nb"],
    "text_regression": ["tfidf_ridge", "encoder_ridge", "tfidf_svr", "encoder_gbr"],
    "text_pair_regression": ["pair_ridge", "biencoder_ridge", "tfidf_ridge", "encoder_gbr"],
}


@dataclass(frozen=True)
class WarmStart:
    """One configuration to try first: a family and its hyperparameters (empty: defaults)."""

    family: str
    params: dict[str, Any] = field(default_factory=dict)

    def sampler_params(self) -> dict[str, Any]:
        """The parameters as the study's sampler names them (``family.name``)."""
        return {"family": self.family, **{f"{self.family}.{k}": v for k, v in self.params.items()}}


def warm_starts(
    language: str, families: list[str], task_type: str = "text_classification"
) -> list[WarmStart]:
    """The portfolio for ``language`` and the task, restricted to the run's ``families``.

    Example:
        >>> [w.family for w in warm_starts("en", ["tfidf_lr", "complement_nb"])]
        ['tfidf_lr', 'complement_nb']
    """
    if task_type in TASK_ORDER:
        return [WarmStart(f) for f in TASK_ORDER[task_type] if f in families]
    if needs_segmentation(language):
        return [WarmStart(f, dict(p)) for f, p in CHINESE if f in families]
    return [WarmStart(f) for f in ENGLISH_ORDER if f in families]


def best_configurations(run_dir: str | Path, k: int = 4) -> list[tuple[str, dict[str, Any]]]:
    """The ``k`` best finished trials of an earlier run, one per (family, params), best first.

    A retrain warm-starts from its parent's winners: they are tried before the portfolio.

    Example:
        >>> best_configurations("runs/t1", k=2)
        [('tfidf_svm', {'C': 0.5, ...}), ('complement_nb', {})]
    """
    path = Path(run_dir) / "leaderboard.json"
    if not path.is_file():
        return []
    rows = json.loads(path.read_text(encoding="utf-8"))
    done = [r for r in rows if r.get("state") == "complete" and r.get("score") is not None]
    chosen: list[tuple[str, dict[str, Any]]] = []
    for row in sorted(done, key=lambda r: -r["score"]):
        if row["family"] == "finetune":
            continue  # fine-tuning is scheduled by its own policy, not as a warm start
        configuration = (row["family"], dict(row.get("params") or {}))
        if configuration not in chosen:
            chosen.append(configuration)
        if len(chosen) == k:
            break
    return chosen
