"""Monte Carlo dropout (Gal & Ghahramani 2016) for the PyTorch families.

A member supports it when its network (``module_``) is a torch module with at least one
``nn.Dropout`` layer of rate > 0: the fastText-style family (``fasttext``, unless its tuned
dropout is 0) and the fine-tuned encoder (``finetune``: head dropout and the encoder's
hidden dropout; attention dropout inside fused attention kernels stays off). The scikit-learn
families and ``frozen_encoder`` (a logistic-regression head on frozen embeddings) do not.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

#: stochastic passes per text when the caller does not say
DEFAULT_PASSES = 10
_EPS = 1e-12


@dataclass
class MCDropoutResult:
    """Mean probabilities over the passes, their total variance and the mutual information."""

    mean_proba: np.ndarray
    variance: np.ndarray  # per row: variance over passes, summed over classes
    mutual_information: np.ndarray  # per row: H(mean) - mean H(pass), in nats
    passes: int


def _dropout_layers(member: Any) -> list[Any]:
    torch = sys.modules.get("torch")  # no torch imported: no member can be a torch module
    module = getattr(member, "module_", None)
    if torch is None or not isinstance(module, torch.nn.Module):
        return []
    return [m for m in module.modules() if isinstance(m, torch.nn.Dropout) and m.p > 0]


def supports_mc_dropout(member: Any) -> bool:
    """Whether ``member`` is a fitted torch model with active-able dropout (rate > 0)."""
    return bool(_dropout_layers(member))


def _entropy(proba: np.ndarray) -> np.ndarray:
    return -(proba * np.log(np.clip(proba, _EPS, 1.0))).sum(axis=-1)


def _forward(member: Any) -> Any:
    """A function (texts, passes) -> one probability array a pass, inputs prepared once.

    The torch families split prediction into input preparation (hashing, tokenising) and a
    forward pass; preparing once saves n - 1 tokenisations. Others: plain predict_proba.
    """
    from openautoglm.models.torch_utils import softmax_numpy

    prepare = getattr(member, "_ids", None) or getattr(member, "_encode", None)
    logits = getattr(member, "_logits", None)
    if prepare is None or logits is None:
        return lambda texts, passes: [member.predict_proba(texts) for _ in range(passes)]

    def run(texts: list[str], passes: int) -> list[np.ndarray]:
        inputs = prepare(texts)
        rows = np.arange(len(inputs))
        return [softmax_numpy(logits(inputs, rows)) for _ in range(passes)]

    return run


def mc_dropout_proba(
    member: Any, texts: Sequence[str], passes: int = DEFAULT_PASSES, seed: int = 0
) -> MCDropoutResult:
    """``passes`` predictions of ``member`` with its dropout layers active at inference.

    Only the dropout layers are switched to training mode (a forward pre-hook turns them on
    even though the families call ``eval()`` before predicting); the torch RNG is seeded and
    restored, so results repeat and the caller's random state is untouched.
    """
    import torch

    layers = _dropout_layers(member)
    if not layers:
        raise ValueError(
            f"{getattr(member, 'family', type(member).__name__)} does not support MC dropout: "
            "it has no torch dropout layer with rate > 0"
        )
    if passes < 2:
        raise ValueError(f"MC dropout needs at least 2 passes, got {passes}")
    texts = list(texts)

    def force_train(layer: Any, inputs: Any) -> None:
        layer.training = True

    hooks = [layer.register_forward_pre_hook(force_train) for layer in layers]
    try:
        with torch.random.fork_rng():
            torch.manual_seed(seed)
            draws = _forward(member)(texts, passes)
    finally:
        for hook in hooks:
            hook.remove()
        member.module_.eval()
    stack = np.stack(draws)  # (passes, rows, classes)
    mean = stack.mean(axis=0)
    return MCDropoutResult(
        mean_proba=mean,
        variance=stack.var(axis=0).sum(axis=1),
        mutual_information=np.maximum(_entropy(mean) - _entropy(stack).mean(axis=0), 0.0),
        passes=passes,
    )
