"""The model families the search can choose from, and how to build one."""

from __future__ import annotations

import importlib
import inspect
from typing import Any

from openautoglm.models.base import Candidate

#: family name -> "module:Class"; imported on demand so torch loads only when needed
_FAMILIES: dict[str, str] = {
    "tfidf_lr": "openautoglm.models.linear:TfidfLogRegCandidate",
    "tfidf_svm": "openautoglm.models.linear:TfidfSVMCandidate",
    "nbsvm": "openautoglm.models.nbsvm:NBSVMCandidate",
    "complement_nb": "openautoglm.models.naive_bayes:ComplementNBCandidate",
    "fasttext": "openautoglm.models.fasttext:FastTextCandidate",
    "frozen_encoder": "openautoglm.models.frozen_encoder:FrozenEncoderCandidate",
    "finetune": "openautoglm.models.finetune:FineTuneCandidate",
    "tfidf_ridge": "openautoglm.models.sparse_regression:TfidfRidgeCandidate",
    "tfidf_svr": "openautoglm.models.sparse_regression:TfidfSVRCandidate",
    "pair_lr": "openautoglm.models.pair_features:PairLogRegCandidate",
    "pair_ridge": "openautoglm.models.pair_features:PairRidgeCandidate",
    "encoder_ridge": "openautoglm.models.encoder_heads:EncoderRidgeCandidate",
    "biencoder_lr": "openautoglm.models.encoder_heads:BiEncoderLogRegCandidate",
    "biencoder_ridge": "openautoglm.models.encoder_heads:BiEncoderRidgeCandidate",
    "encoder_gbr": "openautoglm.models.encoder_heads:EncoderBoostedCandidate",
    "hashed_lr": "openautoglm.models.hashed_linear:HashedLogRegCandidate",
}
NEURAL_FAMILIES = frozenset(
    {"fasttext", "frozen_encoder", "finetune", "encoder_ridge", "biencoder_lr", "biencoder_ridge"}
)


def all_families() -> list[str]:
    """Every family name, in catalogue order."""
    return list(_FAMILIES)


def searched_families() -> list[str]:
    """The families the search samples when the user names none (not the serving-only ones)."""
    return [name for name in _FAMILIES if family_class(name).searched]


def family_class(name: str) -> type[Candidate]:
    """The Candidate class of a family name."""
    if name not in _FAMILIES:
        raise KeyError(f"unknown model family {name!r}; known: {', '.join(_FAMILIES)}")
    module, cls = _FAMILIES[name].split(":")
    return getattr(importlib.import_module(module), cls)


def torch_available() -> bool:
    """Whether the optional neural extra (torch) is installed."""
    return importlib.util.find_spec("torch") is not None


def families_for(
    language: str,
    include: list[str] | None = None,
    n_classes: int = 2,
    task_type: str = "text_classification",
) -> list[str]:
    """Families suited to ``language``, ``n_classes`` and the task that can run here (within
    ``include``)."""
    names = include or searched_families()
    usable = []
    for name in names:
        if name in NEURAL_FAMILIES and not torch_available():
            continue
        cls = family_class(name)
        too_many = cls.max_classes is not None and n_classes > cls.max_classes
        if language in cls.languages and not too_many and task_type in cls.tasks:
            usable.append(name)
    return usable


def build_candidate(
    family: str, params: dict[str, Any], language: str, cache_dir: str | None = None
) -> Candidate:
    """Instantiate a family with hyperparameters plus the run context it accepts."""
    cls = family_class(family)
    accepted = inspect.signature(cls.__init__).parameters
    context: dict[str, Any] = {}
    if "language" in accepted:
        context["language"] = language
    if "cache_dir" in accepted:
        context["cache_dir"] = cache_dir
    return cls(**context, **params)
