"""Small helpers shared by the PyTorch families (fastText-style and fine-tuning)."""

from __future__ import annotations

import numpy as np
import torch
from sklearn.model_selection import train_test_split


def validation_split(
    y: np.ndarray, fraction: float = 0.1, max_rows: int | None = None, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Stratified (train, validation) row indices; validation is empty when data is too small."""
    n = len(y)
    n_val = int(round(n * fraction))
    if max_rows is not None:
        n_val = min(n_val, max_rows)
    n_classes = len(np.unique(y))
    counts = np.bincount(np.asarray(y, dtype=int))
    # stratification needs a validation row per class and two rows of each class
    if n_val < max(n_classes, 2) or counts[counts > 0].min() < 2 or n - n_val < n_classes:
        return np.arange(n), np.arange(0)
    train_idx, val_idx = train_test_split(
        np.arange(n), test_size=n_val, stratify=y, random_state=seed
    )
    return np.sort(train_idx), np.sort(val_idx)


def copy_state(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    """A detached copy of the module's weights (kept in memory for early stopping)."""
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def to_safetensors_dict(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    """Weights as contiguous CPU tensors, the form safetensors writes."""
    return {k: v.detach().cpu().contiguous() for k, v in module.state_dict().items()}


def softmax_numpy(logits: torch.Tensor) -> np.ndarray:
    """Float64 probabilities whose rows sum to 1 exactly enough for downstream checks."""
    proba = torch.softmax(logits.double(), dim=-1).cpu().numpy()
    return proba / proba.sum(axis=1, keepdims=True)


def is_better(score: tuple[float, float], best: tuple[float, float] | None) -> bool:
    """Compare (accuracy, -loss) scores: higher accuracy wins, lower loss breaks ties."""
    return best is None or score > best
